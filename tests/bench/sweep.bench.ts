/**
 * Sweep throughput (configurations/s) through the engine pool: one worker,
 * then one worker per core, on a 10,000-configuration sweep of the golden
 * 2-socket server; kernel-side plans alone, and the full init flow with the
 * emulated module.
 */
import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import { parseSweep } from '../../engine/sweep/schema.js';
import { resolveSweep, type Sweep, type SweepMode } from '../../engine/sweep/expand.js';
import { createEnginePool } from '../../main/workers/pool.js';
import { loadGoldenCases } from '../helpers/golden.js';
import type { Report } from './run.js';

function sweepOf(axes: unknown[], mode: SweepMode): Sweep {
  const host = loadGoldenCases('upstream').find((c) => c.name === 'server-2s-256g')!.input;
  const doc = parseSweep({ name: 'bench', host, axes });
  if (!doc.ok) throw new Error(`bench sweep invalid: ${doc.problems[0].message}`);
  const s = resolveSweep(doc.value, doc.value.host!, 'upstream', mode);
  if (!s.ok) throw new Error(`bench sweep invalid: ${s.problems[0].message}`);
  return s.value;
}

async function throughput(sweep: Sweep, workers: number): Promise<number> {
  const pool = createEnginePool({ workers });
  try {
    // Warm the workers up (thread start, module load, JIT) outside the timing.
    await pool.runSweep({ ...sweep, total: Math.min(sweep.total, workers * 64) }, { chunkSize: 64 });
    const t0 = performance.now();
    const rows = await pool.runSweep(sweep);
    const dt = (performance.now() - t0) / 1000;
    if (rows.length !== sweep.total) throw new Error('sweep lost rows');
    return sweep.total / dt;
  } finally {
    await pool.close();
  }
}

export async function run(report: Report): Promise<void> {
  const cores = availableParallelism();
  // The same 10,000 configurations, kernel side only and through the whole init flow.
  const axes = [
    { axis: 'nodes', range: { from: 1, to: 4 } },
    { axis: 'memory_per_node_gib', range: { from: 16, to: 800, step: 16 } },
    { axis: 'max_tdmrs', range: { from: 1, to: 10 } },
    { axis: 'max_reserved_per_tdmr', values: [2, 4, 8, 16, 32] },
  ];
  const benches: [string, Sweep][] = [
    ['plan only, nodes 1-4 x 50 sizes x 10 max_tdmrs x 5 reserved', sweepOf(axes, 'plan')],
    ['full init, nodes 1-4 x 50 sizes x 10 max_tdmrs x 5 reserved', sweepOf(axes, 'init')],
  ];
  for (const [label, sweep] of benches) {
    const one = await throughput(sweep, 1);
    const all = await throughput(sweep, cores);
    report(`${label} (${sweep.total.toLocaleString('en-US')}): 1 worker`, `${Math.round(one)} configurations/s`);
    report(`  ... ${cores} workers (one per core)`, `${Math.round(all)} configurations/s`);
    report(`  ... speed-up`, `${(all / one).toFixed(2)}x`);
  }
}
