/** Shared setup for the app tests: the renderer build, samples, and expected figures from the engine itself. */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseHost } from '../../engine/host/validate.js';
import type { Host, KernelVariant } from '../../engine/host/types.js';
import { planTdmrs, type Plan } from '../../engine/kernel/construct.js';
import { FIXTURES, PROJECT_ROOT } from '../helpers/golden.js';

export const SAMPLES_DIR = join(PROJECT_ROOT, 'resources', 'hosts');
export const APP_FIXTURES = join(FIXTURES, 'app');
export const ARTIFACTS = join(PROJECT_ROOT, 'test-artifacts');

/** Debian's Chromium, driven by playwright-core (no browser download). */
export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** dist/tests/app/ → dist/app (where `npm run build` puts the vite output). */
export const RENDERER_DIR =
  process.env.TDX_LAB_RENDERER_DIR ?? resolve(dirname(fileURLToPath(import.meta.url)), '../../app');

export function requireRendererBuild(): void {
  if (!existsSync(join(RENDERER_DIR, 'index.html'))) {
    throw new Error(`no renderer build at ${RENDERER_DIR}: run \`npm run build\` (it runs vite build) first`);
  }
}

export function loadHostText(file: string): { text: string; host: Host } {
  const text = readFileSync(file, 'utf8');
  const parsed = parseHost(JSON.parse(text));
  if (!parsed.ok) throw new Error(`${file}: ${JSON.stringify(parsed.problems[0])}`);
  return { text, host: parsed.value };
}

/** What the engine says, counted the way the map draws it. */
export function expectedCounts(
  host: Host,
  variant: KernelVariant = 'upstream',
): { plan: Plan; tdmrs: number; reserved: number } {
  const plan = planTdmrs(host, variant);
  const reserved = plan.ok ? plan.tdmrs.reduce((n, t) => n + t.reserved.length, 0) : 0;
  return { plan, tdmrs: plan.tdmrs.length, reserved };
}
