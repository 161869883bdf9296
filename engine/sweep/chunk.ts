/**
 * Emulating a run of consecutive combinations: the unit of work a pool
 * worker receives (the sweep once, plus [start, end)), and also what the
 * in-process path runs, so both give identical rows.
 *
 * Mode "init" runs the whole init flow against the emulated TDX module
 * (engine/flow/init.ts), so a configuration the module rejects shows the
 * TDH.SYS.CONFIG status; mode "plan" runs only the kernel-side TDMR/PAMT
 * construction (engine/kernel/construct.ts), far faster.
 */
import { planTdmrs } from '../kernel/construct.js';
import { initTdxVerdict } from '../flow/init.js';
import { expandCombination, settingsOf, type Sweep } from './expand.js';
import { workloadFromSettings, type LayoutMemo } from './axes.js';
import { flowOutcomeOf, rowFromPlan, type SweepRow } from './row.js';
import { RowPacker, type RowBatch } from './batch.js';

export function runSweepChunk(sweep: Sweep, start: number, end: number): SweepRow[] {
  const rows: SweepRow[] = [];
  eachSweepRow(sweep, start, end, (r) => rows.push(r));
  return rows;
}

/**
 * Combinations [start, end) packed as they are made (what a pool worker
 * returns): the rows of runSweepChunk, but none kept alive past the next.
 */
export function packSweepChunk(sweep: Sweep, start: number, end: number): RowBatch {
  const packer = new RowPacker(start, end - start);
  eachSweepRow(sweep, start, end, (r) => packer.add(r));
  return packer.finish();
}

/** Emulates combinations [start, end) in order, handing each row to `take`. */
function eachSweepRow(sweep: Sweep, start: number, end: number, take: (row: SweepRow) => void): void {
  const memo: LayoutMemo = {};
  for (let i = start; i < end; i++) {
    const c = expandCombination(sweep, i, memo);
    const workload = workloadFromSettings(settingsOf(sweep, c.values));
    if (sweep.mode === 'plan') {
      take(rowFromPlan(i, c.values, c.host, planTdmrs(c.host, c.variant), undefined, workload));
      continue;
    }
    // The per-node figures come from the kernel-side plan: the one the init
    // flow built (planTdmrs over the same memblock, so planning once is
    // enough), or planTdmrs itself when init stopped before building TDMRs.
    // The lean flow: the same init, without the records and texts a row never shows.
    const r = initTdxVerdict(c.host, c.variant);
    const plan = r.plan ?? planTdmrs(c.host, c.variant);
    const flow = flowOutcomeOf(r);
    take(rowFromPlan(i, c.values, c.host, plan, flow, workload));
  }
}

/** All combinations in-process (tests, small sweeps, the browser). */
export function runSweepInProcess(sweep: Sweep): SweepRow[] {
  return runSweepChunk(sweep, 0, sweep.total);
}
