/** The scenarios shipped in resources/scenarios (found next to the build or the working directory). */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** dist/main/api/ → resources/scenarios three levels up; in a checkout run from source, cwd. */
export function defaultScenariosDir(): string {
  const candidates = [
    resolve(fileURLToPath(new URL('../../../resources/scenarios', import.meta.url))),
    resolve(process.cwd(), 'resources/scenarios'),
  ];
  return candidates.find((d) => existsSync(d)) ?? candidates[0];
}
