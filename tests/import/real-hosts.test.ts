/**
 * Every published real-host log imports, the facts read off each log come
 * out, and `check` reproduces what the kernels printed where the layout is
 * known (README of tests/fixtures/real-hosts).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURES } from '../helpers/golden.js';
import { importFiles } from '../../main/import/import-files.js';
import { runCheck } from '../../main/cli/commands/check.js';
import { parseHost } from '../../engine/host/validate.js';

const DIR = join(FIXTURES, 'real-hosts');
const f = (name: string) => join(DIR, name);

interface Expect {
  boots: number;
  kernel?: string;
  keyids?: [number, number];
  cmrs?: number;
  pamtKb?: number;
  outcome: string;
  module?: string;
  failure?: string;
  errno?: number;
  host: boolean;
}

// Read off each log by eye (the last boot where a file holds two).
const EXPECT: Record<string, Expect> = {
  'canonical-tdx-135-emr-fox-creek-pass.txt': {
    boots: 2,
    kernel: '6.8.0-1006-intel',
    keyids: [32, 64],
    cmrs: 5,
    pamtKb: 1050644,
    outcome: 'initialized',
    module: '1.5',
    host: true,
  },
  'canonical-tdx-275-spr-8480c-512g.txt': {
    boots: 1,
    kernel: '6.8.0-1008-intel',
    keyids: [16, 32],
    cmrs: 5,
    pamtKb: 2101268,
    outcome: 'initialized',
    module: '1.5',
    host: true,
  },
  'canonical-tdx-285-spr-8480c-256g.txt': {
    boots: 1,
    keyids: [64, 128],
    cmrs: 3,
    pamtKb: 1050636,
    outcome: 'initialized',
    module: '1.5',
    host: true,
  },
  'canonical-tdx-331-module-1.0-sys-rd-fail.txt': {
    boots: 1,
    cmrs: 4,
    outcome: 'failed',
    module: '1.0',
    errno: -5,
    host: true,
  },
  'canonical-tdx-381-cmrs-partial.txt': {
    boots: 1,
    kernel: '6.8.0-1028-intel',
    keyids: [32, 64],
    cmrs: 4,
    outcome: 'no-init',
    module: '1.5',
    host: true,
  },
  'canonical-tdx-382-bios-enabled-only.txt': {
    boots: 1,
    kernel: '6.8.0-1028-intel',
    keyids: [64, 128],
    cmrs: 0,
    outcome: 'no-init',
    host: false,
  },
  'canonical-tdx-415-gnr-reserved-exhausted.txt': {
    boots: 1,
    kernel: '6.14.0-1009-intel',
    keyids: [32, 64],
    cmrs: 0,
    outcome: 'failed',
    module: '2.0.08.00',
    failure: 'TDMR [0x40000000, 0x80000000): reserved areas exhausted',
    errno: -28,
    host: false,
  },
  'canonical-tdx-83-spr-sys-rd-fail.txt': {
    boots: 1,
    kernel: '6.8.0-1001-intel',
    keyids: [1, 128],
    cmrs: 0,
    outcome: 'failed',
    errno: -5,
    host: false,
  },
  'canonical-tdx-issue-260-before-bios-fix.txt': {
    boots: 1,
    kernel: '6.8.0-1013-intel',
    keyids: [32, 64],
    cmrs: 0,
    outcome: 'no-init',
    host: false,
  },
  'intel-td-partitioning-1-not-enabled-by-bios.txt': {
    boots: 1,
    keyids: [32, 64],
    cmrs: 0,
    outcome: 'not-enabled-by-bios',
    errno: -19,
    failure: 'TDX is not enabled by BIOS',
    host: false,
  },
  'intel-tdx-linux-5-rocky-6.6.txt': {
    boots: 1,
    kernel: '6.6.0-rc2',
    keyids: [32, 64],
    cmrs: 4,
    pamtKb: 1050644,
    outcome: 'initialized',
    module: '1.5',
    host: true,
  },
  'kernel-6.19-host.txt': { boots: 1, keyids: [32, 64], cmrs: 0, pamtKb: 1050644, outcome: 'initialized', host: false },
  'lkml-module-version-patch-example.txt': {
    boots: 1,
    cmrs: 0,
    pamtKb: 1034220,
    outcome: 'initialized',
    module: '1.5.24',
    host: false,
  },
  'lkml-v7-08-emr-e820-reserved-areas.txt': {
    boots: 1,
    cmrs: 5,
    outcome: 'failed',
    failure: 'TDMR [0x0, 0x80000000): reserved areas exhausted',
    errno: -28,
    host: true,
  },
  'ubuntu-tdx-guide-example.txt': {
    boots: 1,
    keyids: [64, 128],
    cmrs: 0,
    pamtKb: 1050644,
    outcome: 'initialized',
    host: false,
  },
};

test('every real-host log in the fixtures has expectations', () => {
  const logs = readdirSync(DIR).filter((n) => n.endsWith('.txt') && n !== 'pmem-ndctl-246-cxl-hmem-lsmem.txt');
  assert.deepEqual(logs.sort(), Object.keys(EXPECT).sort());
});

for (const [name, e] of Object.entries(EXPECT)) {
  test(`import ${name}`, async () => {
    const { doc, result } = await importFiles([f(name)]);
    assert.equal(result.observed.length, e.boots);
    const b = result.observed[result.observed.length - 1];
    assert.equal(b.kernel, e.kernel);
    assert.deepEqual(b.keyid_range, e.keyids);
    assert.equal(b.cmrs.length, e.cmrs ?? 0);
    assert.equal(b.pamt_kb, e.pamtKb);
    assert.equal(b.outcome, e.outcome);
    assert.equal(b.module_version, e.module);
    assert.equal(b.failure, e.failure);
    assert.equal(b.errno, e.errno);
    assert.equal(result.host !== undefined, e.host);
    if (e.host) assert.equal(parseHost(doc).ok, true, 'the output is a host parseHost accepts');
    else assert.match(String(doc.layout_missing), /no memory layout/);
    assert.ok(result.assumptions.length > 0 || !e.host, 'assumptions are listed');
  });
}

test('the 275 excerpt repeats CMR lines across "...": they are deduplicated, not partial', async () => {
  const { result } = await importFiles([f('canonical-tdx-275-spr-8480c-512g.txt')]);
  assert.deepEqual(
    result.host!.cmrs.map((c) => c.base),
    [0x100000, 0x100000000, 0x2080000000, 0x4080000000, 0x6080000000],
  );
  assert.equal(result.observed[0].cmrs_partial, undefined);
});

test('381: the CMR list cut by "..." is marked partial and said so', async () => {
  const { result } = await importFiles([f('canonical-tdx-381-cmrs-partial.txt')]);
  assert.equal(result.observed[0].cmrs_partial, true);
  assert.ok(result.assumptions.some((a) => /CMR list is cut/.test(a)));
  assert.equal(result.hostname, 'tdx-host');
});

test('83: hostname and kernel from the shell transcript (prompt and uname -a)', async () => {
  const { result } = await importFiles([f('canonical-tdx-83-spr-sys-rd-fail.txt')]);
  assert.equal(result.hostname, 'jason-C2184');
  assert.deepEqual(result.observed[0].seamcall_failures, [
    { leaf: '0x22', status: '0xc000050500000000', rdx: '0x9100000100000008' },
  ]);
});

test('135: two boots in one file, each with its own kernel and variant; the cut line is reported', async () => {
  const { result, warnings } = await importFiles([f('canonical-tdx-135-emr-fox-creek-pass.txt')]);
  assert.deepEqual(
    result.observed.map((b) => [b.kernel, b.variant, b.outcome]),
    [
      ['6.8.0-1004-intel', 'upstream', 'failed'],
      ['6.8.0-1006-intel', 'cmr-holes', 'initialized'],
    ],
  );
  assert.ok(
    warnings.some((w) => /135-emr-fox-creek-pass\.txt:13: warning: kernel line cut short/.test(w)),
    warnings.join('\n'),
  );
});

test('pmem-ndctl-246 (not a TDX host): lsmem ranges with nodes, 2 GiB blocks, the kmem node as a device', async () => {
  const { result } = await importFiles([f('pmem-ndctl-246-cxl-hmem-lsmem.txt')]);
  const h = result.host!;
  assert.equal(h.platform?.memory_block_size, 2 ** 31);
  assert.deepEqual(
    h.memblock.map((m) => [m.start, m.end, m.nid]),
    [
      [0, 0x80000000, 0],
      [0x100000000, 0x2080000000, 0],
    ],
  );
  assert.deepEqual(
    h.devices?.map((d) => [d.start, d.end, d.nid]),
    [[0x2080000000, 0x2280000000, 1]],
  );
  assert.equal(result.observed.length, 0);
});

// `check` against what the real kernels printed.
const CHECKS: { files: string[]; exit: number; verdicts: string[] }[] = [
  { files: ['canonical-tdx-285-spr-8480c-256g.txt'], exit: 0, verdicts: ['agree'] },
  { files: ['canonical-tdx-275-spr-8480c-512g.txt'], exit: 0, verdicts: ['agree'] },
  {
    files: ['canonical-tdx-135-emr-fox-creek-pass.txt', 'lkml-v7-08-emr-e820-reserved-areas.txt'],
    exit: 0,
    verdicts: ['agree', 'agree', 'agree'],
  },
  { files: ['lkml-v7-08-emr-e820-reserved-areas.txt'], exit: 0, verdicts: ['agree'] },
  // Without the e820 the first boot's firmware holes are unknown: memblock = CMRs succeeds where the real kernel failed.
  { files: ['canonical-tdx-135-emr-fox-creek-pass.txt'], exit: 1, verdicts: ['disagree', 'agree'] },
  // 6.6-rc2 printed one TDMR more than its CMRs give: a memblock split (NUMA) the log does not show.
  { files: ['intel-tdx-linux-5-rocky-6.6.txt'], exit: 1, verdicts: ['disagree'] },
  // TDX 1.0 module: TDH.SYS.RD fails before any TDMR; compared with the full init flow.
  { files: ['canonical-tdx-331-module-1.0-sys-rd-fail.txt'], exit: 0, verdicts: ['agree'] },
  { files: ['canonical-tdx-381-cmrs-partial.txt'], exit: 2, verdicts: ['not-checkable'] },
  { files: ['canonical-tdx-415-gnr-reserved-exhausted.txt'], exit: 2, verdicts: [] },
  { files: ['kernel-6.19-host.txt'], exit: 2, verdicts: [] },
];

for (const c of CHECKS) {
  test(`check ${c.files.join(' + ')}`, async () => {
    const run = await runCheck(c.files.map(f));
    assert.deepEqual(
      run.checks.map((x) => x.verdict),
      c.verdicts,
    );
    assert.equal(run.exitCode, c.exit);
  });
}

test('check 135 + LKML e820: the upstream boot fails exactly where the real one did, the cmr-holes boot prints 1050644 KB', async () => {
  const run = await runCheck([
    f('canonical-tdx-135-emr-fox-creek-pass.txt'),
    f('lkml-v7-08-emr-e820-reserved-areas.txt'),
  ]);
  assert.match(run.checks[0].emulated!, /TDMR \[0x0, 0x80000000\): reserved areas exhausted/);
  assert.match(run.checks[1].emulated!, /^1050644 KB allocated for PAMT, 5 TDMRs/);
});

test('check 331: the same SEAMCALL leaf, status and errno; the differing metadata field is reported', async () => {
  const run = await runCheck([f('canonical-tdx-331-module-1.0-sys-rd-fail.txt')]);
  assert.match(
    run.checks[0].emulated!,
    /SEAMCALL \(0x0000000000000022\) failed: 0xc000050500000000, module initialization failed \(-5\)/,
  );
  assert.ok(run.checks[0].notes.some((n) => /RDX 0x9100000100000008/.test(n)));
});

test('check linux-5 says where it differs: same GiB, one TDMR more', async () => {
  const run = await runCheck([f('intel-tdx-linux-5-rocky-6.6.txt')]);
  const notes = run.checks[0].notes.join('\n');
  assert.match(run.checks[0].emulated!, /^1050640 KB allocated for PAMT, 4 TDMRs/);
  assert.match(notes, /256 GiB in 5 TDMRs/);
  assert.match(notes, /NUMA node boundary/);
});

test('check 275: the PAMT figure and the TDMR count it implies both agree', async () => {
  const run = await runCheck([f('canonical-tdx-275-spr-8480c-512g.txt')]);
  assert.ok(
    run.checks[0].notes.includes('TDMR count 5 agrees too (the printed figure is 512 GiB in 5 TDMRs)'),
    run.checks[0].notes.join('\n'),
  );
});
