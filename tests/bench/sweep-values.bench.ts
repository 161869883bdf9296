/**
 * A sweep of 1,000,000 explicit `values` against the same size as a
 * `range` (issue 12, item 8): kernel side only, 2 workers, to CSV. The
 * definition is shared with each worker once, so the list costs about what
 * the range costs; before, it was copied with every chunk.
 */
import type { Report } from './run.js';
import { createEnginePool } from '../../main/workers/pool.js';
import { benchSweep, timeSweepCsv } from './sweep.bench.js';

export async function run(report: Report): Promise<void> {
  const n = 1_000_000;
  const values = Array.from({ length: n }, (_, i) => i + 1);
  const list = benchSweep([{ axis: 'max_reserved_per_tdmr', values }], 'plan');
  const range = benchSweep([{ axis: 'max_reserved_per_tdmr', range: { from: 1, to: n } }], 'plan');
  const pool = createEnginePool({ workers: 2 });
  try {
    for (const [label, sweep] of [
      ['range', range],
      ['explicit values', list],
    ] as const) {
      const t = await timeSweepCsv(pool, sweep);
      report(
        `1,000,000 combinations as ${label}, plan only, 2 workers, to CSV`,
        `${(t.ms / 1000).toFixed(1)} s (${t.tasks} chunks, main thread busy ${(100 * t.mainBusy).toFixed(0)}%)`,
      );
    }
  } finally {
    await pool.close();
  }
}
