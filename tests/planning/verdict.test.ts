/** The planning verdict agrees with the engine: success figures, the module's refusal, the kernel's limits. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildHost, defaultHostSpec } from '../../engine/planning/host-builder.js';
import { verdictFor } from '../../engine/planning/verdict.js';
import { planTdmrs } from '../../engine/kernel/construct.js';
import { initTdx } from '../../engine/flow/init.js';
import { SZ_1G } from '../../engine/format/hex.js';
import type { Host } from '../../engine/host/types.js';

const verdict = (host: Host) => verdictFor({ host, plan: planTdmrs(host), init: initTdx(host) });

test('the default 2-socket host initializes; PAMT per node adds up to the total', () => {
  const host = buildHost(defaultHostSpec());
  const v = verdict(host);
  assert.equal(v.ok, true);
  assert.match(v.headline, /^TDX initializes/);
  assert.equal(v.stage, null);
  assert.deepEqual(
    v.nodes.map((n) => n.nid),
    [0, 1],
  );
  const sum = v.nodes.reduce((s, n) => s + n.pamtBytes, 0);
  assert.equal(sum, v.pamtKb * 1024);
  for (const n of v.nodes) {
    assert.ok(n.pamtPercent > 0 && n.pamtPercent < 1, `node ${n.nid}: ${n.pamtPercent}%`);
    assert.equal(n.pamtGiB, n.pamtBytes / SZ_1G);
  }
  assert.equal(v.tdmrs.length, v.tdmrCount);
  assert.ok(v.tdmrs.every((t) => t.reservedUsed <= t.reservedLimit && t.reservedLimit === 16));
});

test('a CXL device hot-added before init: the module refuses the TDMR covering it, and the device memory is the culprit', () => {
  const spec = defaultHostSpec();
  spec.devices.push({ name: 'cxl0', kind: 'cxl', sizeGiB: 128, hotAdd: 'before-init' });
  const host = buildHost(spec);
  const init = initTdx(host);
  const v = verdictFor({ host, plan: planTdmrs(host), init });
  assert.equal(v.ok, false);
  assert.equal(v.stage, 'config');
  assert.equal(v.statusName, init.statusName);
  assert.equal(v.statusName, 'TDX_TDMR_OUTSIDE_CMRS');
  assert.equal(v.seamcall, 'TDH.SYS.CONFIG');
  assert.equal(v.errno, '-EIO');
  assert.ok(
    v.kernelMessages.some((l) => l.includes('module initialization failed')),
    v.kernelMessages.join('\n'),
  );
  const dev = host.devices![0];
  assert.ok(v.failedTdmr !== null);
  assert.ok(
    v.culprits.some((c) => c.start === dev.start && c.end === dev.end && c.what === 'memory outside every CMR'),
    JSON.stringify(v.culprits),
  );
  assert.match(v.headline, /TDH\.SYS\.CONFIG.*TDX_TDMR_OUTSIDE_CMRS/);
});

test('too few TDMRs: the kernel stops at fill_out_tdmrs and names the max_tdmrs limit', () => {
  const spec = defaultHostSpec();
  spec.module.max_tdmrs = 1;
  const host = buildHost(spec);
  const v = verdict(host);
  assert.equal(v.ok, false);
  assert.equal(v.stage, 'tdmrs');
  assert.equal(v.errno, '-ENOSPC');
  assert.equal(v.limit, 'max_tdmrs 1');
  assert.ok(v.kernelMessages.some((l) => /TDMRs exhausted/.test(l)));
  assert.equal(v.culprits.length, 1);
  const plan = planTdmrs(host);
  assert.equal(v.culprits[0].start, plan.memlist[0].start);
  assert.equal(v.culprits[0].end, plan.memlist[plan.memlist.length - 1].end);
});

test('too few reserved areas per TDMR: the reserved stage names the TDMR and the limit', () => {
  const spec = defaultHostSpec();
  spec.module.max_reserved_per_tdmr = 1;
  const host = buildHost(spec);
  const v = verdict(host);
  assert.equal(v.ok, false);
  assert.equal(v.stage, 'reserved');
  assert.equal(v.limit, 'max_reserved_per_tdmr 1');
  assert.equal(v.failedTdmr, 0);
  assert.equal(v.culprits[0].what, 'TDMR 0');
});
