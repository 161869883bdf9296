/** Finds the project root at run time (from dist/ or from the sources), to read resources/. */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | undefined;

function ours(dir: string): boolean {
  const pkg = join(dir, 'package.json');
  if (!existsSync(pkg)) return false;
  try {
    return JSON.parse(readFileSync(pkg, 'utf8')).name === 'tdx-platform-lab';
  } catch {
    return false;
  }
}

/** Nearest folder at or above `dir` that is the project root. */
function walkUp(dir: string): string | undefined {
  for (;;) {
    if (ours(dir)) return dir;
    const up = dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}

/**
 * The nearest folder above this module whose package.json is named
 * tdx-platform-lab; failing that (a build output outside the checkout), above the cwd.
 */
export function projectRoot(): string {
  if (cached) return cached;
  const here = dirname(fileURLToPath(import.meta.url));
  const found = walkUp(here) ?? walkUp(process.cwd());
  if (!found)
    throw new Error(
      `cannot find the tdx-platform-lab project root (package.json) above ${here} or the current directory`,
    );
  return (cached = found);
}

export function templatePath(name: string): string {
  return join(projectRoot(), 'resources', 'report-templates', name);
}
