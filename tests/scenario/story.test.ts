/** The seed's CXL story and the other samples, played through runScenario. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseScenario } from '../../engine/scenario/parse.js';
import { runScenario } from '../../engine/scenario/run.js';
import { sampleScenarioJson } from '../flow/helpers.js';

function play(name: string, mutate: (j: Record<string, any>) => void = () => {}) {
  const json = structuredClone(sampleScenarioJson(name)) as Record<string, any>;
  mutate(json);
  const parsed = parseScenario(json);
  assert.ok(parsed.ok, JSON.stringify(!parsed.ok && parsed.problems));
  return runScenario(parsed.value);
}

test('(a) CXL hot-added (ZONE_MOVABLE) before init: TDH.SYS.CONFIG says TDX_TDMR_OUTSIDE_CMRS', () => {
  const r = play('cxl-hot-added-before-init');
  const add = r.events[1];
  assert.deepEqual(
    add.blocks,
    [{ start: '0x5000000000', end: '0x6000000000', size: '64 GiB', from: 'absent', to: 'online' }],
    'no TDX list yet: anything may go online',
  );
  const init = r.events[2];
  assert.equal(init.ok, false);
  assert.deepEqual(
    [init.errno, init.status, init.statusName, init.statusDetail],
    ['-EIO', '0xc0000a0200000003', 'TDX_TDMR_OUTSIDE_CMRS', 'TDMR 3'],
  );
  assert.deepEqual(init.log, [
    'virt/tdx: SEAMCALL (0x000000000000002d) failed: 0xc0000a0200000003',
    'virt/tdx: module initialization failed (-5)',
  ]);
  assert.deepEqual(
    [
      init.failedTdmr?.index,
      init.failedTdmr?.base,
      init.failedTdmr?.end,
      init.failedTdmr?.pamtNid,
      init.failedTdmr?.pamtPlacedNid,
    ],
    [3, '0x5000000000', '0x6000000000', 2, 0],
    'the TDMR covers the CXL memory; GFP_KERNEL took its PAMT from node 0 DRAM',
  );
  assert.equal(r.final.outcome, 'init-failed');
  assert.equal(r.final.kernelStatus, 'ERROR');
  assert.equal(r.final.moduleState, 'SYSINIT_DONE');
  assert.deepEqual(r.final.memlist, [], 'cleanup emptied the TDX memory list');
});

test("(a') the same in ZONE_NORMAL: the PAMT lands on the CXL node and the 1G PAMT check fails first", () => {
  const r = play('cxl-hot-added-before-init-normal-zone');
  assert.deepEqual(
    [r.events[2].statusName, r.events[2].statusDetail, r.events[2].status],
    ['TDX_PAMT_OUTSIDE_CMRS', 'TDMR 3, PAMT 1G', '0xc0000a1100000203'],
  );
});

test('(b) CXL hot-added after init: every block is refused and stays offline; removal works', () => {
  const r = play('cxl-hot-added-after-init');
  assert.equal(r.events[1].kernelStatus, 'INITIALIZED');
  const add = r.events[2];
  assert.deepEqual(add.blocks, [
    { start: '0x5000000000', end: '0x6000000000', size: '64 GiB', from: 'absent', to: 'refused' },
  ]);
  assert.equal(add.log.length, 512);
  assert.equal(add.log[0], 'online_pages [mem 0x5000000000-0x5007ffffff] failed');
  const retry = r.events[3];
  assert.equal(retry.ok, false);
  assert.match(retry.error!, /512 blocks refused by the TDX memory notifier/);
  assert.equal(r.events[4].ok, true, 'refused (offline) blocks can be removed');
  assert.equal(r.final.outcome, 'initialized');
  assert.equal(r.final.blocks.refused, 0);
});

test('(c) boot DRAM only: initializes; a DRAM block may go offline and online again', () => {
  const r = play('boot-dram-only');
  assert.equal(r.final.outcome, 'initialized');
  assert.equal(r.final.moduleState, 'SYS_READY');
  assert.deepEqual(r.events[2].blocks, [
    { start: '0x3000000000', end: '0x3010000000', size: '256 MiB', from: 'online', to: 'offline' },
  ]);
  assert.deepEqual(r.events[3].blocks, [
    { start: '0x3000000000', end: '0x3010000000', size: '256 MiB', from: 'offline', to: 'online' },
  ]);
});

test('entropy fault absorbed by the retry', () => {
  const r = play('entropy-retry');
  assert.equal(r.final.outcome, 'initialized');
  const kc = r.events[2].seamcalls.filter((c) => c.name === 'TDH.SYS.KEY.CONFIG');
  assert.deepEqual(
    kc.map((c) => [c.lp, c.attempt, c.statusName]),
    [
      [0, 1, 'TDX_RND_NO_ENTROPY'],
      [0, 2, 'TDX_RND_NO_ENTROPY'],
      [0, 3, 'TDX_RND_NO_ENTROPY'],
      [0, 4, 'TDX_SUCCESS'],
      [4, 1, 'TDX_SUCCESS'],
    ],
  );
});

test('hot-add before boot-time init without a boot event, and a second init after failure', () => {
  const r = play('cxl-hot-added-before-init', (j) => {
    j.events = [{ kind: 'hot-add', device: 'cxl0' }, { kind: 'init' }, { kind: 'init' }];
  });
  assert.equal(r.implicitBoot, true);
  assert.deepEqual(r.bootLog, ['virt/tdx: BIOS enabled: private KeyID range [64, 128)']);
  assert.deepEqual([r.events[2].errno, r.events[2].seamcalls.length], ['-EINVAL', 0]);
  // After the failed init the list is empty again: a later hot-add may go online.
  const later = play('cxl-hot-added-before-init', (j) => {
    j.host.devices.push({ name: 'cxl1', kind: 'cxl', start: '0x7000000000', end: '0x7040000000', nid: 3 });
    j.events = [{ kind: 'hot-add', device: 'cxl0' }, { kind: 'init' }, { kind: 'hot-add', device: 'cxl1' }];
  });
  assert.equal(later.events[2].blocks[0].to, 'online');
});

test('hotplug errors: overlapping hot-add, removing online memory, online of absent memory', () => {
  const r = play('boot-dram-only', (j) => {
    j.events = [
      { kind: 'hot-add', start: '0x3000000000', end: '0x3010000000', nid: 1 },
      { kind: 'hot-remove', start: '0x3000000000', end: '0x3010000000' },
      { kind: 'online', device: 'cxl0' },
    ];
  });
  assert.match(r.events[0].error!, /^-EEXIST/);
  assert.match(r.events[1].error!, /^-EBUSY/);
  assert.match(r.events[2].error!, /^-ENODEV/);
  assert.equal(r.final.outcome, 'no-init');
});

test('determinism: the same scenario twice gives byte-identical JSON', () => {
  for (const name of ['cxl-hot-added-before-init', 'cxl-hot-added-after-init', 'entropy-retry']) {
    assert.equal(JSON.stringify(play(name)), JSON.stringify(play(name)), name);
  }
});

test('a CPU offline when KVM loads: TDH.SYS.CONFIG is not pending (all LPs must be initialized)', () => {
  const r = play('cpu-offline-at-init');
  const init = r.events[2];
  assert.equal(init.seamcalls.filter((c) => c.name === 'TDH.SYS.LP.INIT').length, 7);
  assert.deepEqual(
    [init.ok, init.errno, init.status, init.statusName],
    [false, '-EIO', '0xc000050c00000000', 'TDX_SYS_CONFIG_NOT_PENDING'],
  );
  const online = r.events[3];
  assert.deepEqual(
    [online.ok, online.seamcalls.map((c) => [c.name, c.lp, c.statusName])],
    [true, [['TDH.SYS.LP.INIT', 5, 'TDX_SUCCESS']]],
  );
  assert.deepEqual([r.events[4].errno, r.events[4].seamcalls.length], ['-EINVAL', 0]);
  assert.equal(r.final.outcome, 'init-failed');
});

test('a CPU coming online after a successful init is already enabled or enables itself', () => {
  const r = play('boot-dram-only', (j) => {
    j.events = [{ kind: 'init' }, { kind: 'cpu-offline', cpu: 3 }, { kind: 'cpu-online', cpu: 3 }];
  });
  assert.equal(r.events[2].ok, true);
  assert.equal(r.events[2].seamcalls.length, 0, 'tdx_lp_initialized is per CPU and survives offlining');
  const p = parseScenario({
    host: sampleScenarioJson('boot-dram-only').host,
    events: [{ kind: 'cpu-offline', cpu: 8 }],
  });
  assert.equal(!p.ok && p.problems[0].path, '$.events[0].cpu');
});

test('options: no module loaded; the seed-era TDH.SYS.INFO metadata path', () => {
  const gone = play('boot-dram-only', (j) => {
    j.options = { module_loaded: false };
    j.events = [{ kind: 'init' }];
  });
  const e = gone.events[0];
  assert.deepEqual([e.ok, e.errno, e.log], [false, '-ENODEV', ['virt/tdx: module not loaded']]);
  assert.equal(e.seamcalls[0].status, '0x8000ff00ffff0000');
  assert.equal(gone.final.outcome, 'init-failed');
  assert.equal(gone.final.kernelStatus, 'UNINITIALIZED', 'tdx_enable was never reached');

  const info = play('boot-dram-only', (j) => {
    j.options = { metadata: 'sys-info' };
    j.host.module.version = '1.0.1';
    j.events = [{ kind: 'init' }];
  });
  assert.equal(info.final.outcome, 'initialized');
  assert.ok(info.events[0].seamcalls.some((c) => c.name === 'TDH.SYS.INFO' && c.statusName === 'TDX_SUCCESS'));
  assert.ok(!info.events[0].seamcalls.some((c) => c.name === 'TDH.SYS.RD'));
});
