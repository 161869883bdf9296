/**
 * The profiles through the whole flow: init at boot (boot-init), its
 * preconditions and messages, Dynamic PAMT (dpamt) with its line, R8 bit 16,
 * the module's 48-bit refusal and the refcount array, runtime module update,
 * and the memory-outside-CMRs story per profile.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseScenario } from '../../engine/scenario/parse.js';
import { runScenario, type ScenarioResult } from '../../engine/scenario/run.js';
import { initTdx } from '../../engine/flow/init.js';
import { parseHost } from '../../engine/host/validate.js';
import type { KernelVariant } from '../../engine/host/types.js';
import { sampleHost, sampleScenarioJson } from '../flow/helpers.js';
import { runTdxLab } from '../helpers/cli.js';
import { PROJECT_ROOT } from '../helpers/golden.js';
import { join } from 'node:path';

function play(name: string, mutate: (j: Record<string, any>) => void = () => {}): ScenarioResult {
  const json = structuredClone(sampleScenarioJson(name)) as Record<string, any>;
  mutate(json);
  const parsed = parseScenario(json);
  assert.ok(parsed.ok, JSON.stringify(!parsed.ok && parsed.problems));
  return runScenario(parsed.value);
}

const BLOCKS_64G = (64 * 2 ** 30) / (128 * 2 ** 20);

test('boot-init: boot initializes the module, a later CXL hot-add is refused for every block, init is a no-op', () => {
  const r = play('boot-init-cxl-hot-added-before-kvm-loads');
  const [boot, add, init] = r.events;
  assert.equal(boot.ok, true);
  assert.ok(boot.log.includes('virt/tdx: TDX-Module initialized'), boot.log.join('\n'));
  assert.ok(!boot.log.some((l) => /module initialized$/.test(l) && !/TDX-Module/.test(l)));
  assert.equal(boot.log[1], 'virt/tdx: Module version: 1.5.06', 'mainline prints the version it read first');
  assert.equal(boot.seamcalls.find((c) => c.name === 'TDH.SYS.RD')?.args.rdx, '0x0800000100000003');
  assert.match(add.summary, /512 blocks refused/);
  assert.deepEqual(add.blocks, [
    { start: '0x5000000000', end: '0x6000000000', size: '64 GiB', from: 'absent', to: 'refused' },
  ]);
  assert.equal(add.log.length, BLOCKS_64G, 'one "online_pages ... failed" per block');
  assert.equal(init.kind, 'init');
  assert.equal(init.ok, true);
  assert.deepEqual(init.seamcalls, [], 'KVM loading does no SEAMCALL on boot-init');
  assert.match(init.summary, /nothing to initialize/);
  assert.equal(r.final.outcome, 'initialized');
  assert.equal(r.final.blocks.refused, BLOCKS_64G);
});

test('the same timeline on upstream and cmr-holes: CXL hot-added before KVM loads breaks init', () => {
  const cases: [KernelVariant, 'movable' | 'normal', string][] = [
    ['upstream', 'movable', 'TDX_TDMR_OUTSIDE_CMRS'],
    ['upstream', 'normal', 'TDX_PAMT_OUTSIDE_CMRS'],
    // The CXL TDMR is one CMR hole, and its PAMT (on the CXL node) a second area inside it: they overlap.
    ['cmr-holes', 'normal', 'TDX_NON_ORDERED_RESERVED_IN_TDMR'],
  ];
  for (const [kernel, zone, status] of cases) {
    const r = play('boot-init-cxl-hot-added-before-kvm-loads', (j) => {
      j.kernel = kernel;
      j.events[1].zone = zone;
    });
    assert.equal(r.events[1].blocks[0].to, 'online', `${kernel}: no TDX memory list yet`);
    assert.equal(r.events[2].statusName, status, `${kernel} ${zone}`);
    assert.equal(r.events[2].log.at(-1), 'virt/tdx: module initialization failed (-5)');
    assert.equal(r.final.outcome, 'init-failed');
  }
  // cmr-holes with the CXL memory in ZONE_MOVABLE: holes come from the CMRs, so the whole CXL TDMR is
  // one reserved area and TDH.SYS.CONFIG has nothing to reject (docs/kernels.md: what the lab cannot tell).
  const movable = play('boot-init-cxl-hot-added-before-kvm-loads', (j) => (j.kernel = 'cmr-holes'));
  assert.equal(movable.final.outcome, 'initialized');
});

test('boot-init and dpamt: only memory present at boot (CXL handed over as RAM) breaks init', () => {
  for (const kernel of ['boot-init', 'dpamt'] as KernelVariant[]) {
    const r = play('boot-init-cxl-as-boot-ram', (j) => (j.kernel = kernel));
    const boot = r.events[0];
    assert.equal(boot.ok, false, kernel);
    assert.equal(boot.statusName, 'TDX_PAMT_OUTSIDE_CMRS', kernel);
    assert.equal(boot.failedTdmr?.base, '0x5000000000');
    assert.equal(boot.log.at(-1), 'virt/tdx: TDX-Module initialization failed (-5)');
    assert.equal(r.events[1].ok, false, 'KVM loading finds no initialized module');
    assert.equal(r.final.outcome, 'init-failed');
  }
});

test('dpamt: the log prints "Enable Dynamic PAMT", then the KB line; TDH.SYS.CONFIG carries R8 bit 16', () => {
  const r = play('dpamt-td-workload');
  const log = r.events[0].log;
  const enable = log.indexOf('virt/tdx: Enable Dynamic PAMT');
  const kb = log.indexOf('virt/tdx: 20492 KB allocated for PAMT');
  assert.ok(enable > 0 && kb > enable, log.join('\n'));
  assert.equal(log.at(-1), 'virt/tdx: TDX-Module initialized');
  const cfg = r.events[0].seamcalls.find((c) => c.name === 'TDH.SYS.CONFIG')!;
  assert.equal(cfg.args.r8, '0x0000000000010040', 'global KeyID 64 | Dynamic PAMT');
  // The bitmap's element size is read last, only because the module offers Dynamic PAMT.
  const reads = r.events[0].seamcalls.filter((c) => c.name === 'TDH.SYS.RD').map((c) => c.args.rdx);
  assert.equal(reads.at(-1), '0x9100000000000013');
  assert.deepEqual(r.tdxMemory.points[0], {
    pamt: 'dynamic',
    staticKb: 20492,
    // max_pfn at 514 GiB: 263168 refcounts of 4 bytes = 1052672 bytes = 257 pages.
    refcountKb: 1028,
    dynamicKb: 0,
    dynamicMaxKb: 0,
    totalKb: 21520,
    staticEquivalentKb: 2101260,
    tds: 0,
    tdMemoryBytes: 0,
  });
});

test('dpamt on a host with more than 48 non-KeyID address bits: the module refuses with 0xc000010000000008', () => {
  const r = play('dpamt-td-workload', (j) => (j.host.platform = { phys_addr_bits: 52, keyid_bits: 2 }));
  const boot = r.events[0];
  assert.equal(boot.status, '0xc000010000000008');
  assert.equal(boot.statusName, 'TDX_OPERAND_INVALID');
  assert.equal(boot.statusDetail, 'operand R8');
  assert.deepEqual(boot.log.slice(-3), [
    'virt/tdx: Enable Dynamic PAMT',
    'virt/tdx: SEAMCALL (0x000000000000002d) failed: 0xc000010000000008',
    'virt/tdx: TDX-Module initialization failed (-5)',
  ]);
});

test('dpamt with a module older than 1.5.20: no Dynamic PAMT line, static PAMT, R8 without bit 16', () => {
  const r = play('dpamt-td-workload', (j) => (j.host.module.version = '1.5.06'));
  const boot = r.events[0];
  assert.ok(!boot.log.includes('virt/tdx: Enable Dynamic PAMT'));
  assert.ok(boot.log.includes('virt/tdx: 2101260 KB allocated for PAMT'));
  assert.equal(boot.seamcalls.find((c) => c.name === 'TDH.SYS.CONFIG')!.args.r8, '0x0000000000000040');
  assert.equal(r.tdxMemory.points[0].pamt, 'static');
});

test('dpamt: the refcount array cannot be allocated (max_pfn far above the memory): -ENOMEM, no line of its own', () => {
  // 2 GiB of RAM, and 1 GiB at 2^51: 2^51 / 2 MiB × 4 bytes = 4 GiB of refcounts.
  const host = parseHost({
    name: 'sparse',
    memblock: [
      { start: '0x100000', end: '0x80000000', nid: 0 },
      { start: '0x8000000000000', end: '0x8000040000000', nid: 0 },
    ],
    reserved: [],
    module: { max_tdmrs: 64, max_reserved_per_tdmr: 16, pamt_entry_size: { '4k': 16, '2m': 16, '1g': 16 } },
    cmrs: [{ base: '0x100000', size: '0x7ff00000' }],
  });
  assert.ok(host.ok);
  const r = initTdx(host.value, 'dpamt');
  assert.deepEqual([r.ok, r.stage, r.errno, r.errnoValue], [false, 'refcount', '-ENOMEM', -12]);
  assert.equal(r.log.at(-1), 'virt/tdx: TDX-Module initialization failed (-12)');
  assert.ok(!r.seamcalls.some((c) => c.name === 'TDH.SYS.CONFIG'), 'it fails before any TDMR is built');
  // The same host on boot-init (no refcounts) gets as far as the module's CMR check.
  assert.equal(initTdx(host.value, 'boot-init').stage, 'config');
});

test('boot-init preconditions: each failure prints its own line and errno, and no "initialization failed" line', () => {
  const cases: [string, string, string][] = [
    ['xsave', 'XSAVE is required for TDX', '-EINVAL'],
    ['movdir64b', 'MOVDIR64B is required for TDX', '-EINVAL'],
    ['self_snoop', 'Self-snoop is required for TDX', '-ENODEV'],
  ];
  for (const [field, line, errno] of cases) {
    const r = initTdx(
      sampleHost((h) => (h.platform[field] = false)),
      'boot-init',
    );
    assert.deepEqual([r.ok, r.stage, r.errno], [false, 'preconditions', errno], field);
    assert.equal(r.log.at(-1), `virt/tdx: ${line}`);
    assert.ok(!r.log.some((l) => /initialization failed/.test(l)), field);
    assert.deepEqual(r.seamcalls, [], 'before any CPU is brought up');
  }
  // On upstream the same host initializes: KVM-load kernels have no such checks in the emulated flow.
  assert.equal(
    initTdx(
      sampleHost((h) => (h.platform.xsave = false)),
      'upstream',
    ).ok,
    true,
  );
  // No TDX KeyIDs: the initcall still runs and says the platform lacks TDX.
  const none = initTdx(
    sampleHost((h) => (h.platform.tdx_keyids = 0)),
    'boot-init',
  );
  assert.deepEqual(none.log, ['virt/tdx: TDX not supported by the host platform']);
  assert.equal(none.errno, '-ENODEV');
});

test('boot-init on a TDX 1.0 module: the version line still prints (zeros) after the failed read', () => {
  const r = initTdx(
    sampleHost((h) => (h.module.version = '1.0.3')),
    'boot-init',
  );
  assert.equal(r.ok, false);
  assert.equal(r.stage, 'metadata');
  const at = r.log.indexOf('virt/tdx: Module version: 0.0.00');
  assert.ok(at > 0, r.log.join('\n'));
  assert.match(r.log[at - 1], /^virt\/tdx: R09/);
  assert.equal(r.log.at(-1), 'virt/tdx: TDX-Module initialization failed (-5)');
});

test('the one-shot entry point analyzes a host on any profile id', () => {
  const host = sampleHost();
  const kb = new Map<string, number | null>();
  for (const k of ['upstream', 'cmr-holes', 'boot-init', 'dpamt'] as KernelVariant[]) {
    const r = initTdx(host, k);
    assert.equal(r.ok, true, k);
    kb.set(k, r.pamtKb);
    assert.equal(
      r.log.at(-1),
      k === 'boot-init' || k === 'dpamt' ? 'virt/tdx: TDX-Module initialized' : 'virt/tdx: module initialized',
    );
  }
  // The sample host's module is 1.5.06: no Dynamic PAMT, so dpamt sizes statically too.
  assert.equal(kb.get('dpamt'), kb.get('upstream'));
  assert.equal(initTdx(host, 'dpamt').dpamt, null);
});

test('module update: shutdown, P-SEAMLDR install, re-init, TDH.SYS.UPDATE; TDX memory and TDs unchanged', () => {
  const r = play('boot-init-module-update');
  const up = r.events.find((e) => e.kind === 'module-update')!;
  assert.equal(up.ok, true, up.summary);
  assert.deepEqual(up.update, { from: '1.5.06', to: '1.5.24' });
  const leaves = up.seamcalls.map((c) => c.name);
  assert.deepEqual(leaves, [
    'TDH.SYS.RD',
    'TDH.SYS.SHUTDOWN',
    'TDH.SYS.INIT',
    ...new Array(8).fill('TDH.SYS.LP.INIT'),
    'TDH.SYS.UPDATE',
    'TDH.SYS.RD',
    'TDH.SYS.RD',
    'TDH.SYS.RD',
  ]);
  assert.equal(up.seamcalls[0].args.rdx, '0x8900000100000000', 'the handoff version first');
  assert.ok(!leaves.includes('TDH.SYS.CONFIG') && !leaves.includes('TDH.SYS.TDMR.INIT'));
  assert.deepEqual(up.log, [], 'no new PAMT line');
  const i = r.events.indexOf(up);
  assert.deepEqual(r.tdxMemory.points[i], r.tdxMemory.points[i - 1], 'TDX memory is the same before and after');
  assert.equal(r.tdxMemory.points[i].tds, 2, 'the TDs kept running');
  const online = r.events[i + 1];
  assert.equal(online.blocks[0].to, 'refused', 'memory hot-added since boot stays outside TDX');
  assert.equal(r.final.moduleState, 'SYS_READY');
});

test('module update that fails in TDH.SYS.UPDATE: TDX unusable, its memory still taken, TDs cannot start', () => {
  const r = play('boot-init-module-update', (j) => {
    j.events.splice(3, 0, { t: 50, kind: 'inject', leaf: 'TDH.SYS.UPDATE', status: 'TDX_SYS_BUSY' });
    j.events.push({ t: 200, kind: 'td-create', td: 'vm', count: 1 });
  });
  const up = r.events.find((e) => e.kind === 'module-update')!;
  assert.equal(up.ok, false);
  assert.equal(up.statusName, 'TDX_SYS_BUSY');
  assert.equal(up.kernelStatus, 'UNINITIALIZED');
  const i = r.events.indexOf(up);
  assert.equal(r.tdxMemory.points[i].staticKb, 1050636, 'the PAMTs are not given back');
  const late = r.events.at(-1)!;
  assert.deepEqual([late.ok, late.errno], [false, '-ENODEV']);
});

test('module-update on a kernel without runtime update is an input error naming the event', () => {
  const json = structuredClone(sampleScenarioJson('boot-init-module-update')) as Record<string, any>;
  json.kernel = 'upstream';
  const parsed = parseScenario(json);
  assert.equal(parsed.ok, false);
  assert.deepEqual(!parsed.ok && parsed.problems.map((p) => `${p.path}: ${p.message}`), [
    '$.events[3].kind: module-update needs a kernel with runtime module update (boot-init, dpamt); upstream has none',
  ]);
  const file = join(PROJECT_ROOT, 'resources', 'scenarios', 'boot-init-module-update.json');
  assert.equal(runTdxLab(['simulate', file]).status, 0);
});
