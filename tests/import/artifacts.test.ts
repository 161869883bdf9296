/** Each artifact kind is recognised by content and read; together they build one host. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { FIXTURES } from '../helpers/golden.js';
import { readArtifact } from '../../main/import/read-artifact.js';
import { importFiles } from '../../main/import/import-files.js';
import { runCheck } from '../../main/cli/commands/check.js';
import { parseArtifactText } from '../../engine/import/artifact.js';

const f = (name: string) => join(FIXTURES, 'import', name);

test('kinds are recognised by content, not by file name', async () => {
  const kinds: Record<string, string> = {
    'host-a-dmesg.txt': 'dmesg',
    'host-a-iomem.txt': 'iomem',
    'host-a-lsmem.json': 'lsmem-json',
    'host-a-numactl.txt': 'numactl',
    'host-a-memmap.txt': 'e820',
    'host-a-system-report.txt': 'system-report',
    'cxl-list.json': 'cxl-list',
  };
  for (const [name, kind] of Object.entries(kinds)) assert.equal((await readArtifact(f(name))).facts.kind, kind, name);
});

test('dmesg: e820, SRAT nodes, hostname, CPU, TDX lines', async () => {
  const { facts } = await readArtifact(f('host-a-dmesg.txt'));
  assert.equal(facts.e820.length, 5);
  assert.deepEqual(facts.e820[2], { start: 0x100000, end: 0x70000000, type: 'usable' });
  assert.deepEqual(
    facts.nodeRanges.map((n) => n.nid),
    [0, 0, 1],
  );
  assert.deepEqual(facts.hostnames, ['lab-host-a']);
  assert.equal(facts.cpuModel, 'Intel(R) Xeon(R) Gold 6430');
  assert.equal(facts.boots[0].pamtKb, 262668);
});

test('iomem: System RAM merged, kernel image ranges kept', async () => {
  const { facts } = await readArtifact(f('host-a-iomem.txt'));
  assert.deepEqual(facts.iomemRam, [
    { start: 0x1000, end: 0xa0000 },
    { start: 0x100000, end: 0x70000000 },
    { start: 0x100000000, end: 0x1080000000 },
  ]);
  assert.deepEqual(
    facts.iomemKernel.map((k) => k.what),
    ['kernel code', 'kernel rodata', 'kernel data', 'kernel bss'],
  );
});

test('memmap dump and the sysfs grep form give the same e820', () => {
  const a = parseArtifactText('a', '0x0 0x9ffff System RAM\n0x100000 0x6fffffff System RAM\n');
  const b = parseArtifactText(
    'b',
    [
      '/sys/firmware/memmap/0/start:0x0',
      '/sys/firmware/memmap/0/end:0x9ffff',
      '/sys/firmware/memmap/0/type:System RAM',
      '/sys/firmware/memmap/1/start:0x100000',
      '/sys/firmware/memmap/1/end:0x6fffffff',
      '/sys/firmware/memmap/1/type:System RAM',
    ].join('\n'),
  );
  assert.deepEqual(a.e820, b.e820);
  assert.deepEqual(
    a.e820.map((e) => e.type),
    ['usable', 'usable'],
  );
});

test('lsmem text and lsmem -J agree', () => {
  const text = parseArtifactText(
    't',
    'RANGE                                  SIZE  STATE REMOVABLE  BLOCK NODE\n0x0000000000000000-0x000000006fffffff  1.8G online        no   0-13    0\n0x0000000100000000-0x000000087fffffff   30G online       yes 32-271    0\n\nMemory block size:       128M\nTotal online memory:      32G\n',
  );
  assert.equal(text.memoryBlockSize, 128 * 2 ** 20);
  assert.deepEqual(
    text.nodeRanges.map((n) => [n.start, n.end, n.nid]),
    [
      [0, 0x70000000, 0],
      [0x100000000, 0x880000000, 0],
    ],
  );
});

test('numactl -H: nodes, CPUs, sizes', async () => {
  const { facts } = await readArtifact(f('host-a-numactl.txt'));
  assert.deepEqual(
    [...facts.nodeCpus.entries()],
    [
      [0, [0, 1, 2, 3]],
      [1, [4, 5, 6, 7]],
    ],
  );
  assert.equal(facts.nodeSizesMb.get(1), 32768);
});

test('cxl list: the region becomes a device', async () => {
  const { facts } = await readArtifact(f('cxl-list.json'));
  assert.deepEqual(facts.cxlRegions, [{ name: 'region0', start: 2 ** 41, end: 2 ** 41 + 2 ** 36, nid: undefined }]);
});

test('system-report.sh output: kernel release, CPU, TDX kernel logs', async () => {
  const { facts } = await readArtifact(f('host-a-system-report.txt'));
  assert.deepEqual(facts.kernels, ['6.8.0-1028-intel']);
  assert.equal(facts.cpuModel, 'Intel(R) Xeon(R) Gold 6430');
  assert.equal(facts.boots.length, 1);
  assert.equal(facts.boots[0].cmrs.length, 2);
});

test('system-report.sh MSR section feeds the readiness checklist', async () => {
  const { facts } = await readArtifact(f('host-a-system-report.txt'));
  assert.deepEqual(facts.reported, { tmeEnable: 1, seamrrEnabled: 1, tdxKeyids: 32, mcheckStatus: 0, cpuTdx: true });
  const { readiness } = await importFiles([f('host-a-system-report.txt')]);
  const st = Object.fromEntries(readiness!.checks.map((c) => [c.id, c.status]));
  assert.deepEqual(st, {
    cpu: 'ok',
    tme: 'ok',
    seamrr: 'ok',
    keyids: 'ok',
    'sgx-mcheck': 'ok',
    cmdline: 'ok',
    'module-init': 'ok',
    'module-version': 'ok',
  });
  assert.equal(readiness!.verdict, 'ready');
});

test('a log of a BIOS problem gives a NOT READY verdict naming it', async () => {
  const { readiness } = await importFiles([
    join(FIXTURES, 'real-hosts', 'intel-td-partitioning-1-not-enabled-by-bios.txt'),
  ]);
  assert.equal(readiness!.verdict, 'not-ready');
  // The KeyID line was printed (TME-MT is on), then "TDX is not enabled by BIOS": the SEAM range is what is missing.
  assert.match(readiness!.summary, /SEAM range enabled/);
  assert.match(readiness!.summary, /SEAM Loader\) = Enabled/);
});

test('all of host A together: e820 memblock, SRAT nodes, iomem kernel image, CXL device; check agrees', async () => {
  const files = [
    'host-a-dmesg.txt',
    'host-a-iomem.txt',
    'host-a-lsmem.json',
    'host-a-numactl.txt',
    'host-a-system-report.txt',
    'cxl-list.json',
  ].map(f);
  const { result, doc } = await importFiles(files);
  const h = result.host!;
  assert.equal(h.name, 'lab-host-a');
  assert.deepEqual(
    h.memblock.map((m) => [m.start, m.end, m.nid]),
    [
      [0, 0xa0000, 0],
      [0x100000, 0x70000000, 0],
      [0x100000000, 0x880000000, 0],
      [0x880000000, 0x1080000000, 1],
    ],
  );
  assert.equal(h.reserved.length, 4);
  assert.equal(h.platform?.packages, 2);
  assert.deepEqual(
    h.devices?.map((d) => d.name),
    ['region0'],
  );
  assert.equal((doc.provenance as { sources_read: unknown[] }).sources_read.length, 6);
  const run = await runCheck(files);
  assert.deepEqual(
    run.checks.map((c) => c.verdict),
    ['agree', 'agree'],
  );
});

test('system report alone (CMRs, no NUMA): one TDMR fewer than printed, and check says why', async () => {
  const run = await runCheck([f('host-a-system-report.txt')]);
  assert.equal(run.exitCode, 1);
  assert.match(run.checks[0].notes.join('\n'), /64 GiB in 3 TDMRs/);
  const withNodes = await runCheck([f('host-a-system-report.txt'), f('host-a-lsmem.json')]);
  assert.equal(withNodes.exitCode, 0);
});
