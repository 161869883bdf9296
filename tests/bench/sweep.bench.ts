/**
 * Sweeps at the machine's limit (issue 13): the 2-worker speed-up of a
 * 65,536-configuration sweep, kernel side only and through the full init
 * flow, against the ceiling the machine itself gives two busy processes
 * (ceiling.ts), all measured in the same run, interleaved round by round.
 *
 * A sweep is timed as `tdx-lab sweep --csv` does its work: emulate every
 * combination in the pool, then have the workers format the CSV, the main
 * thread only concatenating. Each figure is the best of the rounds (the
 * machine is shared, and interference only ever adds time).
 */
import { performance } from 'node:perf_hooks';
import { parseSweep } from '../../engine/sweep/schema.js';
import { resolveSweep, type Sweep, type SweepMode } from '../../engine/sweep/expand.js';
import { createEnginePool, type EnginePool } from '../../main/workers/pool.js';
import { loadGoldenCases } from '../helpers/golden.js';
import { calibrateRounds, measureCeiling, type Ceiling } from './ceiling.js';
import type { Report } from './run.js';

const ROUNDS = Number(process.env.TDX_LAB_BENCH_ROUNDS ?? 3);

export function benchSweep(axes: unknown[], mode: SweepMode): Sweep {
  const host = loadGoldenCases('upstream').find((c) => c.name === 'server-2s-256g')!.input;
  const doc = parseSweep({ name: 'bench', host, axes });
  if (!doc.ok) throw new Error(`bench sweep invalid: ${doc.problems[0].message}`);
  const s = resolveSweep(doc.value, doc.value.host!, 'upstream', mode);
  if (!s.ok) throw new Error(`bench sweep invalid: ${s.problems[0].message}`);
  return s.value;
}

export interface SweepTiming {
  ms: number;
  /** Share of the time the main thread's event loop was busy. */
  mainBusy: number;
  bytes: number;
  tasks: number;
}

/** One sweep to CSV through the pool, as the CLI runs it (the text is counted, not written). */
export async function timeSweepCsv(pool: EnginePool, sweep: Sweep): Promise<SweepTiming> {
  const elu0 = performance.eventLoopUtilization();
  const t0 = performance.now();
  const result = await pool.runSweepBatches(sweep);
  let bytes = 0;
  for await (const piece of pool.formatSweep(result, 'csv')) bytes += piece.length;
  const ms = performance.now() - t0;
  const elu = performance.eventLoopUtilization(elu0);
  if (result.batches.reduce((n, b) => n + b.count, 0) !== sweep.total) throw new Error('sweep lost rows');
  return { ms, mainBusy: elu.utilization, bytes, tasks: result.stats.tasks };
}

function best(list: SweepTiming[]): SweepTiming {
  return list.reduce((a, b) => (b.ms < a.ms ? b : a));
}

const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const pct = (x: number) => `${(100 * x).toFixed(0)}%`;

export async function run(report: Report): Promise<void> {
  // 4 node counts x 128 sizes x 16 MAX_TDMRS x 8 MAX_RESERVED_PER_TDMR = 65,536 configurations.
  const axes = [
    { axis: 'nodes', range: { from: 1, to: 4 } },
    { axis: 'memory_per_node_gib', range: { from: 8, to: 1024, step: 8 } },
    { axis: 'max_tdmrs', range: { from: 1, to: 16 } },
    { axis: 'max_reserved_per_tdmr', values: [2, 4, 8, 16, 32, 64, 128, 256] },
  ];
  const modes: [string, Sweep][] = [
    ['plan only', benchSweep(axes, 'plan')],
    ['full init', benchSweep(axes, 'init')],
  ];
  const one = createEnginePool({ workers: 1 });
  const two = createEnginePool({ workers: 2 });
  try {
    // Warm both pools up (threads started, modules loaded, code optimized) outside the timing.
    for (const [, sweep] of modes) {
      const warm = { ...sweep, total: 2048 };
      await timeSweepCsv(one, warm);
      await timeSweepCsv(two, warm);
    }
    // The reference load runs about as long as the 1-worker plan-only sweep.
    const t = await timeSweepCsv(one, modes[0][1]);
    const rounds = await calibrateRounds(t.ms);
    const ceilings: Ceiling[] = [];
    const times = modes.map(() => ({ one: [] as SweepTiming[], two: [] as SweepTiming[] }));
    for (let r = 0; r < ROUNDS; r++) {
      ceilings.push(await measureCeiling(rounds));
      for (const [k, [, sweep]] of modes.entries()) {
        times[k].one.push(await timeSweepCsv(one, sweep));
        times[k].two.push(await timeSweepCsv(two, sweep));
      }
    }
    const alone = Math.min(...ceilings.map((c) => c.aloneMs));
    const together = Math.min(...ceilings.map((c) => c.togetherMs));
    const ceiling = (2 * alone) / together;
    report(
      `reference ceiling: 2 processes together vs alone (best of ${ROUNDS})`,
      `${ceiling.toFixed(2)}x (alone ${alone.toFixed(0)} ms, together ${together.toFixed(0)} ms)`,
    );
    for (const [k, [label, sweep]] of modes.entries()) {
      const t1 = best(times[k].one);
      const t2 = best(times[k].two);
      const speedUp = t1.ms / t2.ms;
      report(`${label}, ${sweep.total.toLocaleString('en-US')} configurations to CSV: 1 worker`, s(t1.ms));
      report(`  ... 2 workers`, `${s(t2.ms)} (main thread busy ${pct(t2.mainBusy)}, ${t2.tasks} chunks)`);
      report(`  ... speed-up, and share of the ceiling`, `${speedUp.toFixed(2)}x = ${pct(speedUp / ceiling)}`);
    }
    // Round by round, so a shared machine's swings show: ceiling, then each mode's speed-up.
    const perRound = ceilings.map(
      (c, r) => `${c.ratio.toFixed(2)}/${times.map((m) => (m.one[r].ms / m.two[r].ms).toFixed(2)).join('/')}`,
    );
    report(`each round: ceiling/plan/init speed-up`, perRound.join('  '));
  } finally {
    await one.close();
    await two.close();
  }
}
