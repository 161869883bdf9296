/**
 * The lean init of sweeps (initTdxVerdict: no SEAMCALL records, no result
 * document) against the full one (initTdxWithPlan): the same verdict,
 * status and plan on every kernel profile, for every golden host and for
 * hosts that stop at every stage a host file or an injected fault can
 * reach; and a sweep's rows through the lean path equal rows built from
 * the full flow.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Host } from '../../engine/host/types.js';
import { KERNEL_VARIANTS } from '../../engine/host/types.js';
import { parseHost } from '../../engine/host/validate.js';
import { initTdxVerdict, initTdxWithPlan, type InitOptions } from '../../engine/flow/init.js';
import { planTdmrs } from '../../engine/kernel/construct.js';
import { STATUS } from '../../engine/module/statuses.js';
import { expandCombination, settingsOf, type Sweep } from '../../engine/sweep/expand.js';
import { workloadFromSettings } from '../../engine/sweep/axes.js';
import { flowOutcomeOf, rowFromPlan, type SweepRow } from '../../engine/sweep/row.js';
import { runSweepInProcess } from '../../engine/sweep/chunk.js';
import { GOLDEN_SETS, loadGoldenCases } from '../helpers/golden.js';
import { goldenHost, serverSweep } from '../sweep/helpers.js';

const SZ_4G = 2 ** 32;

/** The full flow's answer, cut to the fields the lean one gives. */
function full(host: Host, variant: (typeof KERNEL_VARIANTS)[number], options: InitOptions = {}) {
  const { result: r, plan } = initTdxWithPlan(host, variant, { ...options, includePlan: false });
  return {
    ok: r.ok,
    stage: r.stage,
    errno: r.errno,
    status: r.status,
    statusName: r.statusName,
    statusDetail: r.statusDetail,
    plan,
  };
}

/** The server host changed so that init stops somewhere else. */
function serverWith(change: (h: Host) => Host): Host {
  return change(structuredClone(goldenHost('server-2s-256g')));
}

const HOSTS: [string, Host, InitOptions?][] = [
  ['no TDX KeyIDs', serverWith((h) => ({ ...h, platform: { ...h.platform, tdx_keyids: 0 } }))],
  ['one TDX KeyID', serverWith((h) => ({ ...h, platform: { ...h.platform, tdx_keyids: 1 } }))],
  ['hibernation', serverWith((h) => ({ ...h, platform: { ...h.platform, nohibernate: false } }))],
  ['no XSAVE', serverWith((h) => ({ ...h, platform: { ...h.platform, xsave: false } }))],
  ['TDX 1.0 module', serverWith((h) => ({ ...h, module: { ...h.module, version: '1.0', sys_rd_supported: false } }))],
  ['no NO_RBP_MOD', serverWith((h) => ({ ...h, module: { ...h.module, tdx_features0: 2 } }))],
  ['58 address bits', serverWith((h) => ({ ...h, platform: { ...h.platform, phys_addr_bits: 52, keyid_bits: 2 } }))],
  [
    'memory above 4 GiB all reserved',
    serverWith((h) => ({
      ...h,
      reserved: h.memblock.filter((r) => r.end > SZ_4G).map((r) => ({ start: r.start, end: r.end })),
    })),
  ],
  [
    'LP.INIT faults',
    goldenHost('server-2s-256g'),
    { faults: [{ leaf: 'TDH_SYS_LP_INIT', call: 3, status: STATUS.TDX_SEAMCALL_GP }] },
  ],
  [
    'KEY.CONFIG out of entropy',
    goldenHost('server-2s-256g'),
    { faults: [{ leaf: 'TDH_SYS_KEY_CONFIG', count: 10, status: STATUS.TDX_RND_NO_ENTROPY }] },
  ],
  [
    'TDMR.INIT fails',
    goldenHost('server-2s-256g'),
    { faults: [{ leaf: 'TDH_SYS_TDMR_INIT', call: 5, status: STATUS.TDX_SYS_NOT_READY }] },
  ],
];

test('the lean init gives the full init’s verdict, status and plan on every profile, at every stage', () => {
  const stages = new Set<string>();
  const statuses = new Set<string>();
  let compared = 0;
  const check = (name: string, host: Host, options: InitOptions = {}) => {
    for (const v of KERNEL_VARIANTS) {
      const want = full(host, v, options);
      assert.deepEqual(initTdxVerdict(host, v, options), want, `${name} on ${v}`);
      stages.add(want.stage);
      if (want.statusName) statuses.add(want.statusName);
      compared++;
    }
  };
  for (const set of GOLDEN_SETS)
    for (const c of loadGoldenCases(set)) {
      const h = parseHost(c.input);
      if (h.ok) check(c.name, h.value);
    }
  for (const [name, host, options] of HOSTS) check(name, host, options);
  assert.ok(compared > 1000, `${compared} inits compared`);
  // Every stage but refcount and already-failed (which no fresh boot of these hosts reaches).
  for (const s of [
    'done',
    'boot',
    'preconditions',
    'cpu-enable',
    'metadata',
    'features',
    'tdmrs',
    'pamt',
    'reserved',
    'config',
    'key-config',
    'tdmr-init',
  ])
    assert.ok(stages.has(s), `stage ${s} reached (got ${[...stages].join(', ')})`);
  assert.ok(statuses.size >= 6, `statuses: ${[...statuses].join(', ')}`);
});

/** Rows as the full flow makes them: initTdxWithPlan's result, its plan or a separate planTdmrs. */
function fullRows(sweep: Sweep): SweepRow[] {
  const rows: SweepRow[] = [];
  for (let i = 0; i < sweep.total; i++) {
    const c = expandCombination(sweep, i);
    const { result: r, plan } = initTdxWithPlan(c.host, c.variant, { includePlan: false });
    const flow = flowOutcomeOf(r);
    const p = plan ?? planTdmrs(c.host, c.variant);
    rows.push(rowFromPlan(i, c.values, c.host, p, flow, workloadFromSettings(settingsOf(sweep, c.values))));
  }
  return rows;
}

test('init-mode sweep rows through the lean init equal rows from the full flow, on every profile', () => {
  for (const bits of [undefined, 2]) {
    const sweep = serverSweep(
      [
        { axis: 'nodes', values: [1, 2, 4] },
        { axis: 'memory_per_node_gib', values: [16, 256] },
        { axis: 'cxl_gib', values: [0, 64] },
        { axis: 'cxl_zone', values: ['normal', 'movable'] },
        { axis: 'max_tdmrs', values: [1, 3, 64] },
        { axis: 'max_reserved_per_tdmr', values: [1, 16] },
        { axis: 'kernel', values: [...KERNEL_VARIANTS] },
        { axis: 'td_count', values: [0, 2] },
      ],
      'init',
    );
    // keyid_bits 2 leaves 50 address bits: Dynamic PAMT's TDH.SYS.CONFIG refuses R8.
    if (bits !== undefined) sweep.host = { ...sweep.host, platform: { ...sweep.host.platform, keyid_bits: bits } };
    const rows = runSweepInProcess(sweep);
    const want = fullRows(sweep);
    assert.equal(rows.length, want.length);
    for (let i = 0; i < rows.length; i++) assert.deepEqual(rows[i], want[i], `combination ${i}`);
    const kinds = new Set(rows.map((r) => `${r.stage} ${r.statusName}`));
    assert.ok(rows.some((r) => r.ok) && kinds.size >= 4, `failures: ${[...kinds].join(', ')}`);
  }
});
