/** Sweep rows: the kernel-side figures, and the module's verdict from the full init flow. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planTdmrs } from '../../engine/kernel/construct.js';
import { summarizePlan } from '../../engine/format/plan-summary.js';
import { initTdx } from '../../engine/flow/init.js';
import { expandCombination, resolveSweep } from '../../engine/sweep/expand.js';
import { parseSweep } from '../../engine/sweep/schema.js';
import { runSweepChunk, runSweepInProcess } from '../../engine/sweep/chunk.js';
import { goldenCase, serverSweep } from './helpers.js';

test('plan mode: the row of the golden layout carries the golden PAMT figure; per-node figures add up', () => {
  const s = serverSweep([
    { axis: 'nodes', values: [1, 2, 4] },
    { axis: 'memory_per_node_gib', values: [16, 256] },
  ]);
  const rows = runSweepInProcess(s);
  assert.equal(rows.length, 6);
  rows.forEach((r, i) => assert.equal(r.index, i));
  for (const [i, name] of [
    [0, 'server-1s-16g'],
    [3, 'server-2s-256g'],
    [5, 'server-4s-256g'],
  ] as const) {
    const expected = goldenCase(name).expected as { pamt_kb: number; tdmrs: unknown[] };
    assert.equal(rows[i].ok, true);
    assert.equal(rows[i].pamtKb, expected.pamt_kb, name);
    assert.equal(rows[i].tdmrs, expected.tdmrs.length, name);
  }
  for (const r of rows) {
    assert.equal(
      r.nodes.reduce((a, n) => a + n.pamtKb, 0),
      r.pamtKb,
    );
    assert.equal(
      r.nodes.reduce((a, n) => a + n.tdxBytes, 0),
      r.tdxBytes,
    );
    assert.equal(r.status, null);
  }
});

test('plan mode: a row is exactly the summary of planTdmrs on the expanded host', () => {
  const s = serverSweep([
    { axis: 'nodes', values: [4] },
    { axis: 'max_tdmrs', values: [1, 5] },
    { axis: 'max_reserved_per_tdmr', values: [2, 16] },
  ]);
  const rows = runSweepInProcess(s);
  for (const r of rows) {
    const c = expandCombination(s, r.index);
    const plan = planTdmrs(c.host, c.variant);
    const sum = summarizePlan(c.host, plan);
    assert.equal(r.ok, plan.ok);
    assert.equal(r.stage, plan.ok ? null : plan.stage);
    assert.equal(r.errno, plan.ok ? null : plan.errno);
    assert.equal(r.tdmrs, sum.tdmrCount);
    assert.equal(r.maxReservedUsed, sum.maxReservedUsed);
    assert.equal(r.maxReservedPerTdmr, c.host.module.max_reserved_per_tdmr);
    assert.equal(r.pamtKb, plan.ok ? plan.pamtKb : 0);
  }
  assert.deepEqual(
    rows.map((r) => [r.values, r.stage]),
    [
      [[4, 1, 2], 'tdmrs'],
      [[4, 1, 16], 'tdmrs'],
      [[4, 5, 2], 'reserved'],
      [[4, 5, 16], null],
    ],
  );
  assert.equal(rows[0].errno, '-ENOSPC');
});

test('init mode: a CXL device hot-added before init fails at TDH.SYS.CONFIG with the module status', () => {
  const s = serverSweep(
    [
      { axis: 'cxl_gib', values: [0, 256] },
      { axis: 'cxl_zone', values: ['normal', 'movable'] },
    ],
    'init',
  );
  const rows = runSweepInProcess(s);
  assert.deepEqual(
    rows.map((r) => [r.values, r.ok, r.stage, r.errno, r.statusName]),
    [
      [[0, 'normal'], true, null, null, null],
      [[0, 'movable'], true, null, null, null],
      // PAMT allocated in CXL memory: check 8 (PAMT inside CMRs) fails first (tdx-module.md).
      [[256, 'normal'], false, 'config', '-EIO', 'TDX_PAMT_OUTSIDE_CMRS'],
      // PAMT from DRAM (ZONE_MOVABLE is skipped): the TDMR itself is outside the CMRs.
      [[256, 'movable'], false, 'config', '-EIO', 'TDX_TDMR_OUTSIDE_CMRS'],
    ],
  );
  for (const r of rows.slice(2)) {
    const c = expandCombination(s, r.index);
    const init = initTdx(c.host, c.variant);
    assert.equal(r.status, init.status);
    assert.match(r.status!, /^0x[0-9a-f]{16}$/);
    assert.equal(r.statusDetail, init.statusDetail);
    // The kernel side built the TDMRs and PAMTs before the module refused them.
    assert.equal(r.tdmrs, 4);
    assert.ok(r.pamtKb > 0);
  }
});

test('chunks are independent: any split gives the same rows as one pass', () => {
  const s = serverSweep([
    { axis: 'max_tdmrs', range: { from: 1, to: 5 } },
    { axis: 'kernel', values: ['upstream', 'cmr-holes'] },
  ]);
  const whole = runSweepInProcess(s);
  const split = [...runSweepChunk(s, 0, 3), ...runSweepChunk(s, 3, 7), ...runSweepChunk(s, 7, 10)];
  assert.deepEqual(split, whole);
});

test('init mode: a failure before TDMR construction (features, metadata, boot) counts no TDMRs and no PAMT', () => {
  const base = goldenCase('server-2s-16g').input as { module: object; platform?: object };
  const variants: [string, object, string][] = [
    ['features', { module: { ...base.module, tdx_features0: '0x0' } }, '-EINVAL'],
    ['boot', { platform: { tdx_keyids: 1 } }, '-ENODEV'],
  ];
  for (const [stage, patch, errno] of variants) {
    const doc = parseSweep({ name: 's', host: { ...base, ...patch }, axes: [{ axis: 'max_tdmrs', values: [64] }] });
    assert.ok(doc.ok);
    const s = resolveSweep(doc.value, doc.value.host!, 'upstream', 'init');
    assert.ok(s.ok);
    const [row] = runSweepInProcess(s.value);
    assert.equal(row.ok, false);
    assert.equal(row.stage, stage);
    assert.equal(row.errno, errno);
    assert.equal(row.tdmrs, 0);
    assert.equal(row.maxReservedUsed, 0);
    assert.equal(row.pamtKb, 0);
    assert.ok(row.nodes.every((n) => n.pamtKb === 0));
  }
});
