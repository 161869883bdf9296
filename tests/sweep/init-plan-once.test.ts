/**
 * Init-mode sweeps plan each combination once: the row's kernel-side
 * figures come from the plan the init flow built. This checks that against
 * the way rows were first made (planTdmrs separately, then the init flow):
 * identical rows on every kernel profile, with CXL in either zone, module
 * limits that fail construction, and a TD workload.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planTdmrs } from '../../engine/kernel/construct.js';
import { initTdx } from '../../engine/flow/init.js';
import { KERNEL_VARIANTS } from '../../engine/host/types.js';
import { expandCombination, settingsOf, type Sweep } from '../../engine/sweep/expand.js';
import { workloadFromSettings } from '../../engine/sweep/axes.js';
import { flowOutcomeOf, rowFromPlan, type SweepRow } from '../../engine/sweep/row.js';
import { runSweepInProcess } from '../../engine/sweep/chunk.js';
import { serverSweep } from './helpers.js';

/** The first way: a separate planTdmrs for the figures, then the flow for the verdict. */
function referenceRows(sweep: Sweep): SweepRow[] {
  const rows: SweepRow[] = [];
  for (let i = 0; i < sweep.total; i++) {
    const c = expandCombination(sweep, i);
    const plan = planTdmrs(c.host, c.variant);
    const r = initTdx(c.host, c.variant, { includePlan: false });
    const flow = flowOutcomeOf(r);
    rows.push(rowFromPlan(i, c.values, c.host, plan, flow, workloadFromSettings(settingsOf(sweep, c.values))));
  }
  return rows;
}

test('init mode: rows from the flow’s own plan equal rows from a separate planTdmrs, on every kernel profile', () => {
  const sweep = serverSweep(
    [
      { axis: 'nodes', values: [1, 2, 4] },
      { axis: 'cxl_gib', values: [0, 64] },
      { axis: 'cxl_zone', values: ['normal', 'movable'] },
      { axis: 'max_tdmrs', values: [1, 3, 64] },
      { axis: 'max_reserved_per_tdmr', values: [1, 16] },
      { axis: 'kernel', values: [...KERNEL_VARIANTS] },
      { axis: 'td_count', values: [0, 2] },
    ],
    'init',
  );
  const rows = runSweepInProcess(sweep);
  const reference = referenceRows(sweep);
  assert.equal(rows.length, reference.length);
  for (let i = 0; i < rows.length; i++) assert.deepEqual(rows[i], reference[i], `combination ${i}`);
  // Both outcomes are covered: combinations that initialize, and ones that stop at each stage reached.
  const stages = new Set(rows.map((r) => r.stage));
  assert.ok(rows.some((r) => r.ok) && stages.size >= 3, `stages: ${[...stages].join(', ')}`);
});
