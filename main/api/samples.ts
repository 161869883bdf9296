/** The sample hosts shipped in resources/hosts (found next to the build or the working directory). */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SampleInfo, SampleText } from '../common/api-contract.js';
import { ApiError } from '../common/api-contract.js';

/** dist/main/api/ → the project root is three levels up; in a checkout run from source, cwd. */
export function defaultSamplesDir(): string {
  const candidates = [
    resolve(fileURLToPath(new URL('../../../resources/hosts', import.meta.url))),
    resolve(process.cwd(), 'resources/hosts'),
  ];
  return candidates.find((d) => existsSync(d)) ?? candidates[0];
}

const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

export class SampleLibrary {
  constructor(readonly dir: string) {}

  list(): SampleInfo[] {
    if (!existsSync(this.dir)) return [];
    return readdirSync(this.dir)
      .filter((f) => f.endsWith('.json'))
      .map((f) => f.slice(0, -'.json'.length))
      .sort()
      .map((name) => {
        const f = `${name}.json`;
        let description = '';
        try {
          const j = JSON.parse(readFileSync(join(this.dir, f), 'utf8')) as {
            description?: unknown;
            input?: { description?: unknown };
          };
          const d = j.description ?? j.input?.description;
          if (typeof d === 'string') description = d;
        } catch {
          description = '(not valid JSON)';
        }
        return { name, description };
      });
  }

  load(name: string): SampleText {
    // Names come from the UI: never let one walk out of the samples folder.
    if (!NAME_RE.test(name))
      throw new ApiError('bad-arguments', `loadSample: argument $.name: ${JSON.stringify(name)} is not a sample name`);
    const file = join(this.dir, `${name}.json`);
    if (!existsSync(file)) {
      const known = this.list().map((s) => s.name);
      throw new ApiError(
        'not-found',
        `no sample named ${JSON.stringify(name)}; samples: ${known.join(', ') || '(none)'}`,
      );
    }
    return { name, hostJson: readFileSync(file, 'utf8') };
  }
}
