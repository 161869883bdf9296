import { test } from 'node:test';
import assert from 'node:assert/strict';
import { initTdx } from '../../engine/flow/init.js';
import { KernelTdx } from '../../engine/flow/kernel-tdx.js';
import { STATUS } from '../../engine/module/statuses.js';
import { sampleHost } from './helpers.js';

test("boot DRAM inside the CMRs: the whole flow succeeds with the kernel's lines", () => {
  const r = initTdx(sampleHost());
  assert.equal(r.ok, true);
  assert.equal(r.stage, 'done');
  assert.equal(r.kernelStatus, 'INITIALIZED');
  assert.equal(r.moduleState, 'SYS_READY');
  assert.deepEqual(r.log, [
    'virt/tdx: BIOS enabled: private KeyID range [64, 128)',
    `virt/tdx: ${r.pamtKb} KB allocated for PAMT`,
    'virt/tdx: module initialized',
  ]);
  assert.equal(r.pamtKb, r.plan && r.plan.ok ? r.plan.pamt_kb : -1);
  const names = r.seamcalls.map((c) => c.name);
  assert.equal(names[0], 'TDH.SYS.INIT');
  assert.equal(names.filter((n) => n === 'TDH.SYS.LP.INIT').length, 8, '2 packages × 4 LPs');
  assert.equal(names.filter((n) => n === 'TDH.SYS.KEY.CONFIG').length, 2);
  const config = r.seamcalls.find((c) => c.name === 'TDH.SYS.CONFIG')!;
  assert.equal(config.args.rdx, `0x${r.tdmrCount!.toString(16).padStart(16, '0')}`);
  assert.equal(config.args.r8, '0x0000000000000040', 'global KeyID = first TDX KeyID (64)');
  // TDMR.INIT folded per TDMR: total calls = TDX memory / 4 MiB chunks.
  const inits = r.seamcalls.filter((c) => c.name === 'TDH.SYS.TDMR.INIT');
  const totalCalls = inits.reduce((n, c) => n + (c.repeat ?? 1), 0);
  const tdmrBytes = r.plan && r.plan.ok ? r.plan.tdmrs.reduce((n, t) => n + Number(t.size), 0) : 0;
  assert.equal(totalCalls, tdmrBytes / (4 * 1024 * 1024));
  assert.ok(r.memlist.length > 0);
  assert.deepEqual(JSON.parse(JSON.stringify(r)), r, 'JSON-serializable');
});

test('boot refusals: no KeyIDs (silent), too few KeyIDs, hibernation, ACPI S3 notice', () => {
  const none = initTdx(sampleHost((h) => (h.platform.tdx_keyids = 0)));
  assert.deepEqual([none.ok, none.stage, none.errno, none.log], [false, 'boot', '-ENODEV', []]);
  const few = initTdx(sampleHost((h) => (h.platform.tdx_keyids = 1)));
  assert.deepEqual(few.log, [
    'virt/tdx: BIOS enabled: private KeyID range [64, 65)',
    'virt/tdx: initialization failed: too few private KeyIDs available.',
  ]);
  assert.equal(few.seamcalls.length, 0);
  const hib = initTdx(sampleHost((h) => (h.platform.nohibernate = false)));
  assert.equal(hib.log[1], 'virt/tdx: initialization failed: Hibernation support is enabled');
  assert.equal(hib.errno, '-ENODEV');
  const s3 = initTdx(sampleHost((h) => (h.platform.acpi_s3 = true)));
  assert.equal(s3.log[1], 'virt/tdx: Disable ACPI S3. Turn off TDX in the BIOS to use ACPI S3.');
  assert.equal(s3.ok, true);
});

test('module not loaded: VMFailInvalid, -ENODEV, "module not loaded"', () => {
  const r = initTdx(sampleHost(), 'upstream', { moduleLoaded: false });
  assert.deepEqual(
    [r.ok, r.stage, r.errno, r.errnoValue, r.status, r.statusName],
    [false, 'cpu-enable', '-ENODEV', -19, '0x8000ff00ffff0000', 'TDX_SEAMCALL_VMFAILINVALID'],
  );
  assert.deepEqual(r.log.slice(1), ['virt/tdx: module not loaded']);
  assert.equal(r.seamcalls.length, 1, 'TDH.SYS.INIT runs once; its result is remembered');
});

test('#GP and #UD map to -EOPNOTSUPP and -EACCES without a SEAMCALL line', () => {
  const gp = initTdx(sampleHost(), 'upstream', {
    faults: [{ leaf: 'TDH_SYS_LP_INIT', call: 3, status: STATUS.TDX_SEAMCALL_GP }],
  });
  assert.deepEqual([gp.stage, gp.errno, gp.statusName], ['cpu-enable', '-EOPNOTSUPP', 'TDX_SEAMCALL_GP']);
  assert.ok(!gp.log.some((l) => l.includes('SEAMCALL')));
  const ud = initTdx(sampleHost(), 'upstream', { faults: [{ leaf: 'TDH_SYS_INIT', status: STATUS.TDX_SEAMCALL_UD }] });
  assert.deepEqual([ud.errno, ud.errnoValue], ['-EACCES', -13]);
});

test('TDX_RND_NO_ENTROPY: 9 failures are absorbed by the retry, 10 fail with -EIO', () => {
  const ok = initTdx(sampleHost(), 'upstream', {
    faults: [{ leaf: 'TDH_SYS_CONFIG', count: 9, status: STATUS.TDX_RND_NO_ENTROPY }],
  });
  assert.equal(ok.ok, true);
  const cfg = ok.seamcalls.filter((c) => c.name === 'TDH.SYS.CONFIG');
  assert.deepEqual(
    cfg.map((c) => c.attempt),
    [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
  );
  assert.equal(cfg[9].statusName, 'TDX_SUCCESS');
  const bad = initTdx(sampleHost(), 'upstream', {
    faults: [{ leaf: 'TDH_SYS_KEY_CONFIG', count: 10, status: STATUS.TDX_RND_NO_ENTROPY }],
  });
  assert.deepEqual([bad.ok, bad.stage, bad.errno, bad.status], [false, 'key-config', '-EIO', '0x8000020300000000']);
  assert.deepEqual(bad.log.slice(-2), [
    'virt/tdx: SEAMCALL (0x000000000000001f) failed: 0x8000020300000000',
    'virt/tdx: module initialization failed (-5)',
  ]);
  assert.equal(bad.memlist.length, 0, 'cleanup empties the TDX memory list');
});

test('busy statuses fail the call with -EIO (no retry)', () => {
  for (const status of [STATUS.TDX_SYS_BUSY, STATUS.TDX_OPERAND_BUSY]) {
    const r = initTdx(sampleHost(), 'upstream', { faults: [{ leaf: 'TDH_SYS_TDMR_INIT', call: 5, status }] });
    assert.deepEqual([r.stage, r.errno], ['tdmr-init', '-EIO']);
    assert.match(r.log.at(-4)!, /^virt\/tdx: SEAMCALL \(0x0000000000000024\) failed: /);
    assert.match(r.log.at(-3)!, /^virt\/tdx: RCX 0x0000000000000000 RDX 0x0000000000000000 R08 0x0000000000000000$/);
    assert.equal(r.log.at(-2), 'virt/tdx: R09 0x0000000000000000 R10 0x0000000000000000 R11 0x0000000000000000');
  }
});

test('TDX 1.0 module: TDH.SYS.RD fails like the real logs (canonical/tdx #83, #331)', () => {
  const r = initTdx(
    sampleHost((h) => (h.module.version = '1.0.3')),
    'cmr-holes',
  );
  assert.deepEqual(
    [r.stage, r.errno, r.status, r.statusName],
    ['metadata', '-EIO', '0xc000050500000000', 'TDX_SYS_NOT_READY'],
  );
  assert.deepEqual(r.log.slice(-4), [
    'virt/tdx: SEAMCALL (0x0000000000000022) failed: 0xc000050500000000',
    'virt/tdx: RCX 0x0000000000000000 RDX 0x9100000100000008 R08 0x0000000000000000',
    'virt/tdx: R09 0x0000000000000000 R10 0x0000000000000000 R11 0x0000000000000000',
    'virt/tdx: module initialization failed (-5)',
  ]);
  assert.ok(r.log.includes('virt/tdx: CMR: [0x100000, 0x5ff00000)'), 'cmr-holes kernels print the CMRs');
  // The seed-era kernel reads TDH.SYS.INFO instead, which TDX 1.0 implements.
  const info = initTdx(
    sampleHost((h) => (h.module.version = '1.0.3')),
    'upstream',
    { metadata: 'sys-info' },
  );
  assert.equal(info.ok, true);
});

test("missing NO_RBP_MOD feature: -EINVAL with the kernel's message", () => {
  const r = initTdx(sampleHost((h) => (h.module.tdx_features0 = '0x0')));
  assert.deepEqual([r.stage, r.errno], ['features', '-EINVAL']);
  assert.deepEqual(r.log.slice(-2), [
    'virt/tdx: frame pointer (RBP) clobber bug present, upgrade TDX module',
    'virt/tdx: module initialization failed (-22)',
  ]);
});

test('kernel-side failure (-ENOSPC): reserved areas exhausted, no TDH.SYS.CONFIG', () => {
  const r = initTdx(sampleHost((h) => (h.module.max_reserved_per_tdmr = 1)));
  assert.deepEqual([r.ok, r.stage, r.errno, r.errnoValue], [false, 'reserved', '-ENOSPC', -28]);
  assert.equal(r.log.at(-1), 'virt/tdx: module initialization failed (-28)');
  assert.ok(!r.seamcalls.some((c) => c.name === 'TDH.SYS.CONFIG'));
});

test('memory above the KeyID bits: TDX_INVALID_TDMR from TDH.SYS.CONFIG', () => {
  const r = initTdx(
    sampleHost((h) => {
      h.platform.phys_addr_bits = 40;
      h.platform.keyid_bits = 3;
    }),
  );
  // 2^(40-3) = 128 GiB: the TDMR reaching 258 GiB has KeyID bits set in its last byte.
  assert.deepEqual([r.stage, r.statusName, r.statusDetail], ['config', 'TDX_INVALID_TDMR', 'TDMR 1']);
});

test('tdx_enable after a failure returns -EINVAL forever; after success returns 0 without SEAMCALLs', () => {
  const host = sampleHost((h) => (h.module.tdx_features0 = '0x0'));
  const k = new KernelTdx(host);
  k.runBoot();
  assert.equal(k.cpuEnableAll().errno, null);
  assert.equal(k.enable(host.memblock).errno, '-EINVAL');
  const again = k.enable(host.memblock);
  assert.deepEqual([again.stage, again.errno], ['already-failed', '-EINVAL']);

  const good = new KernelTdx(sampleHost());
  good.runBoot();
  good.cpuEnableAll();
  assert.equal(good.enable(good.host.memblock).ok, true);
  const n = good.seamcalls.records.length;
  assert.equal(good.enable(good.host.memblock).ok, true);
  assert.equal(good.cpuEnableAll().errno, null);
  assert.equal(good.seamcalls.records.length, n);
});

test('injected module statuses the kernel never causes: CMR list invalid, key configured', () => {
  const cmr = initTdx(sampleHost(), 'upstream', {
    faults: [{ leaf: 'TDH_SYS_INIT', status: STATUS.TDX_CMR_LIST_INVALID }],
  });
  assert.deepEqual([cmr.stage, cmr.errno, cmr.statusName], ['cpu-enable', '-EIO', 'TDX_CMR_LIST_INVALID']);
  const kc = initTdx(sampleHost(), 'upstream', {
    faults: [{ leaf: 'TDH_SYS_KEY_CONFIG', call: 2, status: STATUS.TDX_KEY_CONFIGURED }],
  });
  assert.deepEqual([kc.stage, kc.errno, kc.status], ['key-config', '-EIO', '0x0000081500000000']);
});
