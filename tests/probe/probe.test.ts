/** The probe over hand-made /proc, /sys, /dev trees (tests/fixtures/probe/). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { FIXTURES } from '../helpers/golden.js';
import { probeHost } from '../../main/probe/probe.js';
import { DevMsrReader, MSR, bits } from '../../main/probe/msr.js';
import { kmsgRecordToLine } from '../../main/probe/kmsg.js';
import { recordDoc } from '../../main/cli/commands/record.js';
import { parseHost } from '../../engine/host/validate.js';
import { runCheck } from '../../main/cli/commands/check.js';
import { tdxLab } from '../import/run-cli.js';
import { loadNative } from '../../native/index.js';

const tree = (name: string) => join(FIXTURES, 'probe', name);
const status = (r: ReturnType<typeof probeHost>, id: string) => r.readiness.checks.find((c) => c.id === id)?.status;

test('2-socket TDX host: memory, nodes, MSRs, kernel messages, readiness READY', () => {
  const r = probeHost({ root: tree('tdx-2s'), native: null });
  assert.equal(r.hostname, 'tdx-2s');
  assert.equal(r.kernel, '6.8.0-1028-intel');
  assert.deepEqual(r.cpuinfo, {
    cpus: 4,
    packages: 2,
    model: 'Intel(R) Xeon(R) Platinum 8480+',
    flags: ['vmx', 'sgx', 'tme', 'pconfig', 'tdx_host_platform'],
  });
  assert.equal(r.memoryBlocks, 18);
  assert.deepEqual(r.nodes, [0, 1]);
  assert.deepEqual(
    r.msrs.find((m) => m.index === '0x87'),
    { index: '0x87', value: '0x200000001f' },
  );
  assert.equal(r.boot?.pamtKb, 73884);
  assert.equal(r.readiness.verdict, 'ready');
  const h = r.result.host!;
  assert.deepEqual(
    h.memblock.map((m) => [m.start, m.end, m.nid]),
    [
      [0, 0xa0000, 0],
      [0x100000, 0x70000000, 0],
      [0x100000000, 0x300000000, 0],
      [0x300000000, 0x500000000, 1],
    ],
  );
  assert.equal(h.platform?.memory_block_size, 2 ** 30);
  assert.equal(h.platform?.packages, 2);
  assert.deepEqual(
    h.reserved.map((x) => x.what),
    ['kernel code', 'kernel rodata', 'kernel data', 'kernel bss'],
  );
  // CPUID was not executed for a tree, and the probe says so.
  assert.ok(r.missing.some((m) => /CPUID/.test(m.fact) && /probing the tree/.test(m.why)));
});

test('the record of the 2-socket host is a valid host and check reproduces its PAMT', async () => {
  const r = probeHost({ root: tree('tdx-2s'), native: null });
  const doc = recordDoc(r, new Date(0));
  assert.equal(parseHost(doc).ok, true);
  for (const k of ['provenance', 'artifacts', 'observed', 'assumptions', 'readiness']) assert.ok(k in doc, k);
  assert.match(String((doc.artifacts as Record<string, string>)['/proc/iomem']), /System RAM/);
  const dir = mkdtempSync(join(tmpdir(), 'tdx-rec-'));
  try {
    const file = join(dir, 'tdx-2s.json');
    writeFileSync(file, JSON.stringify(doc));
    const run = await runCheck([file]);
    assert.deepEqual(
      run.checks.map((c) => c.verdict),
      ['agree'],
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('CXL host: the kmem node is device memory, not boot memblock', () => {
  const r = probeHost({ root: tree('cxl-1s'), native: null });
  const h = r.result.host!;
  assert.ok(h.memblock.every((m) => m.nid === 0 && m.end <= 0x200000000));
  assert.deepEqual(
    h.devices?.map((d) => [d.name, d.start, d.end, d.kind]),
    [['region0', 0x1000000000, 0x1100000000, 'cxl']],
  );
  assert.ok(r.result.host);
  assert.equal(r.readiness.verdict, 'ready');
  assert.deepEqual(r.nodes, [0, 1]);
});

test('host without TDX: NOT READY, with each BIOS problem named', () => {
  const r = probeHost({ root: tree('no-tdx'), native: null });
  assert.equal(r.readiness.verdict, 'not-ready');
  for (const id of ['cpu', 'tme', 'seamrr', 'keyids', 'cmdline', 'kvm-param', 'module-init'])
    assert.equal(status(r, id), 'problem', id);
  assert.equal(status(r, 'sgx-mcheck'), 'ok');
  assert.match(r.readiness.checks.find((c) => c.id === 'keyids')!.fix, /key split/);
  assert.equal(r.result.observed.length, 0, 'a boot without TDX lines is not an observed TDX boot');
  assert.equal(r.result.host!.cmrs.length, 0);
});

test('read without root (MSR device unusable, iomem zeros, no kernel messages): the probe says what is missing and why, and carries on', () => {
  const r = probeHost({ root: tree('msr-unreadable'), native: null });
  assert.equal(r.readiness.verdict, 'unknown');
  const msrMissing = r.missing.filter((m) => m.fact.startsWith('MSR'));
  assert.equal(msrMissing.length, 6);
  assert.ok(msrMissing.every((m) => /\/dev\/cpu\/0\/msr: is a directory/.test(m.why)));
  assert.ok(r.sources_failed.some((s) => s.source === '/dev/cpu/0/msr'));
  assert.ok(r.missing.some((m) => m.fact === 'TDX kernel messages' && /\/dev\/kmsg: not present/.test(m.why)));
  assert.ok(
    r.sources_failed.some((s) => s.source === '/proc/iomem' && /read without root/.test(s.why)),
    JSON.stringify(r.sources_failed),
  );
  assert.ok(r.result.host, 'the memory layout is still recorded (from the firmware memmap)');
  assert.equal(r.result.host!.reserved.length, 0);
});

test('an injected MSR reader replaces the device', () => {
  const values = new Map<number, bigint>([[MSR.KEYID_PARTITIONING, (1n << 32n) | 63n]]);
  const r = probeHost({
    root: tree('tdx-2s'),
    native: null,
    msr: {
      source: 'test',
      read: (i) =>
        values.has(i) ? { ok: true, value: values.get(i)! } : { ok: false, why: `test: 0x${i.toString(16)} absent` },
    },
  });
  assert.equal(status(r, 'keyids'), 'problem', 'one TDX KeyID is too few');
  // Without MSR 0x982 TME-MT is inferred from the printed KeyID line, and says so.
  assert.equal(status(r, 'tme'), 'ok');
  assert.match(r.readiness.checks.find((c) => c.id === 'tme')!.found, /^inferred: /);
});

test('MSRs are read with pread at the MSR index (a generated sparse file stands in for /dev/cpu/0/msr)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tdx-msr-'));
  try {
    const file = join(dir, 'msr');
    const buf = Buffer.alloc(0x1401 + 8);
    buf.writeBigUInt64LE(0x000000400000003fn, 0x87);
    buf.writeBigUInt64LE(0x3n, 0x982);
    buf.writeBigUInt64LE(0xfffffe000800n, 0x1401);
    writeFileSync(file, buf);
    const rd = new DevMsrReader(file, 'msr');
    const part = rd.read(MSR.KEYID_PARTITIONING);
    assert.ok(part.ok);
    if (part.ok) {
      assert.equal(bits(part.value, 63, 32), 64);
      assert.equal(bits(part.value, 31, 0), 63);
    }
    const mask = rd.read(MSR.SEAMRR_PHYS_MASK);
    assert.ok(mask.ok && bits(mask.value, 11, 11) === 1);
    const past = rd.read(0x2000);
    assert.equal(past.ok, false);
    mkdirSync(join(dir, 'd'));
    const d = new DevMsrReader(join(dir, 'd'), 'd').read(0x87);
    assert.equal(d.ok, false);
    const gone = new DevMsrReader(join(dir, 'missing'), '/dev/cpu/9/msr').read(0x87);
    assert.deepEqual(gone, { ok: false, why: '/dev/cpu/9/msr not present (load the msr driver: modprobe msr)' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('kmsg records become dmesg lines', () => {
  assert.equal(
    kmsgRecordToLine('6,812,9100000,-;virt/tdx: module initialized'),
    '[    9.100000] virt/tdx: module initialized',
  );
  assert.equal(kmsgRecordToLine(' SUBSYSTEM=cpu'), undefined);
});

test('tdx-lab record --root writes the file and prints the checklist; a bad --root is exit 2', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tdx-rec-cli-'));
  try {
    const out = join(dir, 'rec.json');
    const r = tdxLab(['record', '--root', tree('no-tdx'), '--out', out, '--no-native']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /^NOT READY: fix "CPU supports TME/);
    assert.match(r.stderr, /\[PROBLEM\] TDX private KeyIDs/);
    const imp = tdxLab(['import', out]);
    assert.equal(imp.status, 0, imp.stderr);
    const bad = tdxLab(['record', '--root', join(dir, 'nope')]);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /nope: no such directory/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('without the addon the probe says CPUID is missing and why', () => {
  const r = probeHost({ root: tree('tdx-2s'), native: loadNative({ TDX_LAB_NO_NATIVE: '1' }) });
  assert.ok(r.missing.some((m) => /CPUID/.test(m.fact) && m.why === 'native addon disabled (TDX_LAB_NO_NATIVE=1)'));
  assert.equal(r.cpuid, undefined);
  assert.equal(r.readiness.checks.find((c) => c.id === 'cpu')?.status, 'ok', '/proc/cpuinfo flags stand in');
});

test('probing this machine never throws, and every missing fact has a reason', () => {
  const r = probeHost({});
  assert.ok(['ready', 'not-ready', 'unknown'].includes(r.readiness.verdict));
  for (const m of r.missing) assert.ok(m.why.length > 0, m.fact);
  if (r.cpuid) assert.ok(r.cpuid.vendor.length === 12);
});
