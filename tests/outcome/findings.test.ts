/**
 * Each finding rule fires on its evidence and stays silent without it,
 * including the false findings faces used to show; every fix says what
 * its emulator run shows, and never advises what that run rules out.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeHost, analyzeScenario } from '../../engine/outcome/analyze.js';
import type { Host } from '../../engine/host/types.js';
import type { FindingId, Outcome } from '../../engine/outcome/types.js';
import { TDX_FEATURES0_NO_RBP_MOD } from '../../engine/module/leaves.js';
import {
  allText,
  goldenHost,
  hostOutcome,
  ids,
  sampleHost,
  scenarioDoc,
  scenarioOf,
  scenarioOutcome,
} from './helpers.js';

function finding(o: Outcome, id: FindingId) {
  const f = o.findings.find((x) => x.id === id);
  assert.ok(f, `${o.subject.name}: expected finding ${id}, got ${ids(o).join(', ') || 'none'}`);
  return f;
}

function absent(o: Outcome, id: FindingId) {
  assert.ok(!ids(o).includes(id), `${o.subject.name}: ${id} must not fire (${ids(o).join(', ')})`);
}

function scenarioWith(name: string, patch: (doc: Record<string, unknown>) => void): Outcome {
  const doc = scenarioDoc(name);
  patch(doc);
  return analyzeScenario(scenarioOf(doc));
}

const withModule = (h: Host, m: Partial<Host['module']>): Host => ({ ...h, module: { ...h.module, ...m } });
const withPlatform = (h: Host, p: Partial<NonNullable<Host['platform']>>): Host => ({
  ...h,
  platform: { ...h.platform, ...p },
});

test('memory-outside-cmrs: CXL in memblock before init on upstream; not on a clean host, and not on cmr-holes', () => {
  const o = hostOutcome('2s-server-512g-cxl-before-init');
  const f = finding(o, 'memory-outside-cmrs');
  assert.equal(f.severity, 'error');
  assert.equal(o.verdict.statusName, 'TDX_TDMR_OUTSIDE_CMRS');
  assert.ok(f.evidence.some((e) => e.kind === 'seamcall' && e.statusName === 'TDX_TDMR_OUTSIDE_CMRS'));
  assert.ok(f.evidence.some((e) => e.kind === 'range' && e.start === 0x9000000000 && e.end === 0xb000000000));
  absent(hostOutcome('2s-server-512g'), 'memory-outside-cmrs');
  absent(hostOutcome('2s-server-512g-cxl-before-init', 'cmr-holes'), 'memory-outside-cmrs');
});

test('pamt-outside-cmrs: the ZONE_NORMAL CXL scenario fails with TDX_PAMT_OUTSIDE_CMRS and says why the PAMT landed there', () => {
  const o = scenarioOutcome('cxl-hot-added-before-init-normal-zone');
  assert.equal(o.verdict.statusName, 'TDX_PAMT_OUTSIDE_CMRS', 'the status the module returns, not TDMR_OUTSIDE_CMRS');
  assert.equal(o.verdict.failedTdmr?.index, 3);
  assert.equal(o.verdict.failedTdmr?.pageSize, '1G');
  const f = finding(o, 'pamt-outside-cmrs');
  assert.match(f.cause, /ZONE_NORMAL, which allows kernel \(GFP_KERNEL\) allocations/);
  assert.match(f.cause, /tdmr_get_nid/);
  assert.ok(f.evidence.some((e) => e.kind === 'seamcall' && e.statusName === 'TDX_PAMT_OUTSIDE_CMRS'));
  // The movable scenario's PAMT stays on DRAM: the TDMR itself is what the module rejects.
  const movable = scenarioOutcome('cxl-hot-added-before-init');
  absent(movable, 'pamt-outside-cmrs');
  assert.equal(movable.verdict.statusName, 'TDX_TDMR_OUTSIDE_CMRS');
});

test('reserved-areas-exhausted: 25 needed against 16 on upstream, with the areas past the limit; none on cmr-holes', () => {
  const o = hostOutcome('2s-server-fragmented-low-memory');
  const f = finding(o, 'reserved-areas-exhausted');
  assert.equal(o.reservedNeed?.areas.length, 25);
  assert.equal(o.reservedNeed?.limit, 16);
  assert.match(f.title, /TDMR 0 needs 25 reserved areas; the module allows 16/);
  assert.ok(f.evidence.filter((e) => e.kind === 'range' && e.ref?.startsWith('need-0-')).length >= 8);
  assert.doesNotMatch(
    allText(o),
    /MAX_RESERVED_PER_TDMR\b[^,]*larger|larger MAX_RESERVED/i,
    'no advice to find a module with more reserved areas',
  );
  absent(hostOutcome('2s-server-fragmented-low-memory', 'cmr-holes'), 'reserved-areas-exhausted');
});

test('too-many-tdmrs: the memory needs more TDMRs than the module has; not on a host within the limit', () => {
  const o = analyzeHost(goldenHost('upstream', 'tdmrs-65'), 'upstream');
  const f = finding(o, 'too-many-tdmrs');
  assert.match(f.title, /needs 65 TDMRs; the module allows 64/);
  absent(hostOutcome('2s-server-512g'), 'too-many-tdmrs');
});

test('pamt-alloc-failed: no contiguous free memory for a PAMT; freeing the crash kernel reservation is tried', () => {
  const h = sampleHost('2s-server-512g');
  const starved: Host = {
    ...h,
    reserved: h.memblock.map((m) => ({ start: m.start, end: m.end, what: 'crashkernel' })),
  };
  const o = analyzeHost(starved, 'upstream');
  assert.equal(o.verdict.stage, 'pamt');
  const f = finding(o, 'pamt-alloc-failed');
  const fix = f.fixes.find((x) => x.name.includes('crashkernel='));
  assert.ok(fix?.trial?.ok, 'with the reservation dropped it initializes');
  absent(hostOutcome('2s-server-512g'), 'pamt-alloc-failed');
});

test('blocks-refused: only where blocks were refused; never for scenarios that never hot-add cxl0', () => {
  const after = hostOutcome('2s-server-512g-cxl-onlined-after-init');
  const f = finding(after, 'blocks-refused');
  assert.equal(f.severity, 'warning');
  assert.equal(after.verdict.level, 'warning', 'initialized, but 128 GiB can never be onlined');
  assert.match(f.title, /128 GiB .*1,024 memory blocks/);
  finding(scenarioOutcome('cxl-hot-added-after-init'), 'blocks-refused');
  for (const name of ['boot-dram-only', 'cpu-offline-at-init', 'entropy-retry']) {
    const o = scenarioOutcome(name);
    absent(o, 'blocks-refused');
    assert.doesNotMatch(allText(o), /cxl0/, `${name}: nothing is said about cxl0, which it never hot-adds`);
  }
});

test('blocks-refused: "online it before init" is offered only when the emulator shows it works', () => {
  const f = finding(hostOutcome('2s-server-512g-cxl-onlined-after-init'), 'blocks-refused');
  assert.ok(!f.fixes.some((x) => /onlined before init$/.test(x.trial?.change ?? '') && !x.trial?.ok));
  const ruled = f.ruledOut?.find((x) => x.name.startsWith('online cxl0'));
  assert.ok(
    ruled?.trial && !ruled.trial.ok,
    'onlining before init is ruled out on a platform whose CMRs do not cover it',
  );
  assert.equal(ruled.trial.statusName, 'TDX_TDMR_OUTSIDE_CMRS');
});

test('module-too-old: a TDX 1.0 module fails TDH.SYS.RD; a module update is tried; not on 1.5', () => {
  const o = analyzeHost(
    withModule(sampleHost('2s-server-512g'), { version: '1.0.03', sys_rd_supported: false }),
    'upstream',
  );
  assert.equal(o.verdict.stage, 'metadata');
  assert.equal(o.plan, null, 'the kernel never built TDMRs');
  const f = finding(o, 'module-too-old');
  assert.ok(f.fixes[0].trial?.ok);
  absent(hostOutcome('2s-server-512g'), 'module-too-old');
});

test('no-rbp-mod: TDX_FEATURES0 without NO_RBP_MOD; not with it', () => {
  const o = analyzeHost(withModule(sampleHost('2s-server-512g'), { tdx_features0: 0 }), 'upstream');
  finding(o, 'no-rbp-mod');
  assert.ok(o.findings[0].fixes[0].trial?.ok);
  absent(
    analyzeHost(withModule(sampleHost('2s-server-512g'), { tdx_features0: TDX_FEATURES0_NO_RBP_MOD }), 'upstream'),
    'no-rbp-mod',
  );
});

test('module-not-loaded: no module loaded by the BIOS; not when one is', () => {
  const o = scenarioWith('boot-dram-only', (d) => (d.options = { module_loaded: false }));
  const f = finding(o, 'module-not-loaded');
  assert.match(f.fixes[0].name, /BIOS: .*SEAM Loader/);
  absent(scenarioOutcome('boot-dram-only'), 'module-not-loaded');
});

test('tdx-not-enabled: hibernation, too few KeyIDs, no KeyIDs; each with its fix tried', () => {
  const h = sampleHost('2s-server-512g');
  for (const [patch, fix] of [
    [{ nohibernate: false }, 'nohibernate'],
    [{ tdx_keyids: 1 }, 'key split'],
    [{ tdx_keyids: 0 }, 'SEAM Loader'],
  ] as const) {
    const o = analyzeHost(withPlatform(h, patch), 'upstream');
    const f = finding(o, 'tdx-not-enabled');
    assert.ok(f.fixes[0].name.includes(fix), f.fixes[0].name);
    assert.ok(f.fixes[0].trial?.ok, `${fix}: the trial initializes`);
  }
  absent(hostOutcome('2s-server-512g'), 'tdx-not-enabled');
});

test('cpus-offline-at-init: a CPU offline when KVM loads; onlining every CPU first is tried', () => {
  const o = scenarioOutcome('cpu-offline-at-init');
  const f = finding(o, 'cpus-offline-at-init');
  assert.match(f.title, /CPU 5/);
  assert.ok(f.fixes[0].trial?.ok);
  absent(o, 'seamcall-failed');
  absent(scenarioOutcome('boot-dram-only'), 'cpus-offline-at-init');
});

test('seamcall-failed: a failure no other rule explains; not for one that a rule explains', () => {
  const o = scenarioWith('boot-dram-only', (d) => {
    (d.events as unknown[]).splice(1, 0, {
      kind: 'inject',
      leaf: 'TDH.SYS.KEY.CONFIG',
      status: 'TDX_KEY_GENERATION_FAILED',
    });
  });
  const f = finding(o, 'seamcall-failed');
  assert.match(f.title, /TDH\.SYS\.KEY\.CONFIG failed with TDX_KEY_GENERATION_FAILED/);
  absent(hostOutcome('2s-server-512g-cxl-before-init'), 'seamcall-failed');
});

test('entropy-retried: retries that succeeded; not when none happened', () => {
  finding(scenarioOutcome('entropy-retry'), 'entropy-retried');
  absent(scenarioOutcome('boot-dram-only'), 'entropy-retried');
});

test('pamt-remote-node: a PAMT that fell back to another node; not when every PAMT is local', () => {
  finding(hostOutcome('2s-server-512g-cxl-before-init'), 'pamt-remote-node');
  absent(hostOutcome('2s-server-512g'), 'pamt-remote-node');
});

test('non-convertible-reserved: cmr-holes reserves non-CMR memory in a TDMR; TD pages from it fail PAGE.ADD/AUG', () => {
  const o = hostOutcome('2s-server-512g-cxl-before-init', 'cmr-holes');
  assert.equal(o.verdict.ok, true);
  const f = finding(o, 'non-convertible-reserved');
  assert.match(f.cause, /TDX_PAGE_METADATA_INCORRECT/);
  assert.match(f.cause, /PT_RSVD/);
  assert.ok(f.evidence.some((e) => e.kind === 'range' && e.ref?.startsWith('rsvd-')));
  absent(hostOutcome('2s-server-512g', 'cmr-holes'), 'non-convertible-reserved');
  absent(hostOutcome('2s-server-512g-cxl-before-init'), 'non-convertible-reserved');
});

test('reserved-areas-near-limit and tdmrs-near-limit: close to a limit; not with headroom', () => {
  finding(analyzeHost(goldenHost('upstream', 'rsvd-holes-14'), 'upstream'), 'reserved-areas-near-limit');
  finding(analyzeHost(goldenHost('upstream', 'fuzz-030'), 'upstream'), 'tdmrs-near-limit');
  const clean = hostOutcome('2s-server-512g');
  absent(clean, 'reserved-areas-near-limit');
  absent(clean, 'tdmrs-near-limit');
  assert.equal(clean.verdict.level, 'ok');
});

test('event-failed: an event that failed; not in a scenario whose events all succeed', () => {
  const o = scenarioWith('boot-dram-only', (d) => {
    (d.events as unknown[]).push({ kind: 'hot-remove', start: '0x2080000000', end: '0x2088000000' });
  });
  finding(o, 'event-failed');
  absent(scenarioOutcome('boot-dram-only'), 'event-failed');
});

test('other-kernel-differs: names the other kernel and what it prints; silent when the kernels agree', () => {
  const o = hostOutcome('2s-server-fragmented-low-memory');
  const f = finding(o, 'other-kernel-differs');
  assert.match(f.title, /^On cmr-holes: TDX initializes with \d+ KB of PAMT/);
  assert.ok(f.evidence.some((e) => e.kind === 'fact' && /KB allocated for PAMT/.test(e.value)));
  assert.match(f.fixes[0].name, /Ubuntu 6\.8\.0-1006-intel/);
  absent(hostOutcome('2s-server-512g'), 'other-kernel-differs');
});

test('fixes name real things: a kernel release, never "the cmr-holes variant" alone', () => {
  for (const o of [hostOutcome('2s-server-fragmented-low-memory'), hostOutcome('2s-server-512g-cxl-before-init')]) {
    for (const f of o.findings)
      for (const x of [...f.fixes, ...(f.ruledOut ?? [])])
        if (x.kind === 'kernel')
          assert.match(x.name, /Ubuntu \d|mainline (Linux )?\d|tip x86\/tdx/, `${f.id}: ${x.name}`);
    assert.doesNotMatch(allText(o), /the cmr-holes variant succeeds/);
  }
});
