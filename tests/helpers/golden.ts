/** Loads the golden cases copied from ../shared/golden into tests/fixtures. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { KernelVariant } from '../../engine/host/types.js';

/** The project root: the nearest folder above the compiled test with our package.json, else the cwd. */
function findProjectRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && JSON.parse(readFileSync(pkg, 'utf8')).name === 'tdx-platform-lab') return dir;
    const up = dirname(dir);
    if (up === dir) return process.cwd();
    dir = up;
  }
}
export const PROJECT_ROOT = findProjectRoot();
export const FIXTURES = join(PROJECT_ROOT, 'tests', 'fixtures');

export interface GoldenCase {
  file: string;
  name: string;
  category: string;
  variant: KernelVariant;
  input: unknown;
  expected: unknown;
}

/** The golden sets copied from ../shared/golden: cases/, cases-cmr-holes/, cases-dpamt/. */
export const GOLDEN_SETS = ['upstream', 'cmr-holes', 'dpamt'] as const satisfies readonly KernelVariant[];
export type GoldenSet = (typeof GOLDEN_SETS)[number];

/**
 * The golden set a profile's kernel side must reproduce: boot-init changes
 * when init runs and what it prints, not the TDMR/PAMT code (dynamic-pamt.md
 * §7 "Unchanged"), so it answers the upstream cases.
 */
export const GOLDEN_SET_OF: Record<KernelVariant, GoldenSet> = {
  upstream: 'upstream',
  'cmr-holes': 'cmr-holes',
  'boot-init': 'upstream',
  dpamt: 'dpamt',
};

export function goldenDir(set: GoldenSet): string {
  return join(FIXTURES, 'golden', set);
}

/** The cases of a profile's golden set, tagged with that profile. */
export function loadGoldenCases(variant: KernelVariant): GoldenCase[] {
  const dir = goldenDir(GOLDEN_SET_OF[variant]);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => {
      const file = join(dir, f);
      const doc = JSON.parse(readFileSync(file, 'utf8'));
      return { file, name: doc.name, category: doc.category, variant, input: doc.input, expected: doc.expected };
    });
}
