/**
 * `npm run bench`: prints speed figures. Each area has a `<area>.bench.ts`
 * exporting `run(report)`; they run in the order listed here. Benchmarks
 * print numbers; they never pass or fail on time.
 */
import { performance } from 'node:perf_hooks';

export type Report = (label: string, value: string) => void;
export interface BenchModule {
  run(report: Report): Promise<void> | void;
}

const SUITES: ReadonlyArray<[string, () => Promise<BenchModule>]> = [
  ['kernel plan', () => import('./plan.bench.js')],
  ['plan --json start-up', () => import('./plan-cli.bench.js')],
  ['session store', () => import('./store.bench.js')],
  ['store worker', () => import('./store-worker.bench.js')],
  ['session export and import', () => import('./session-io.bench.js')],
  ['hotplug scenario', () => import('./hotplug.bench.js')],
  ['sweep speed-up', () => import('./sweep.bench.js')],
  ['sweep of 1M values', () => import('./sweep-values.bench.js')],
  ['report', () => import('./report.bench.js')],
  ['report memory', () => import('./report-memory.bench.js')],
  ['artifact import', () => import('./import.bench.js')],
  ['app map', () => import('./app.bench.js')],
  ['map scale', () => import('./map-scale.bench.js')],
];

const only = process.argv.slice(2);
for (const [name, load] of SUITES) {
  if (only.length > 0 && !only.some((o) => name.includes(o))) continue;
  process.stdout.write(`\n## ${name}\n`);
  const t0 = performance.now();
  const mod = await load();
  await mod.run((label, value) => process.stdout.write(`  ${label.padEnd(58)} ${value}\n`));
  process.stdout.write(`  (${((performance.now() - t0) / 1000).toFixed(1)} s)\n`);
}
