/**
 * Artifacts as people paste them into issues and mails (issue 14, "Importers
 * that take what people actually paste"): one test per class of paste, each
 * built from a sample of that shape in tests/fixtures/import/.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { FIXTURES } from '../helpers/golden.js';
import { readArtifact } from '../../main/import/read-artifact.js';
import { importFiles } from '../../main/import/import-files.js';
import { runCheck } from '../../main/cli/commands/check.js';
import { parseArtifactText } from '../../engine/import/artifact.js';
import { kernelMessage } from '../../engine/import/dmesg.js';
import { promptCommand } from '../../engine/import/wrapping.js';
import { tdxLab } from './run-cli.js';

const f = (name: string) => join(FIXTURES, 'import', name);
const real = (name: string) => join(FIXTURES, 'real-hosts', name);
const ranges = (rs: readonly { start: number; end: number }[]) => rs.map((r) => [r.start, r.end]);

// --- Shell and Markdown wrapping ---------------------------------------------------------------

test('wrapping: a ```console fence around a `user@host $ numactl -H` prompt', async () => {
  const { facts } = await readArtifact(f('numactl-console-fence.md'));
  assert.deepEqual(facts.kinds, ['numactl']);
  assert.deepEqual(facts.hostnames, ['spr-02']);
  assert.deepEqual(
    [...facts.nodeSizesMb.entries()],
    [
      [0, 257546],
      [1, 258043],
    ],
  );
  // Like every numactl-only file: accepted, with the layout missing.
  const r = tdxLab(['import', f('numactl-console-fence.md')]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(JSON.parse(r.stdout).layout_missing, /no memory layout/);
});

test('wrapping: a `$cmd` prompt without a space, a sentence of prose before the table and after it', async () => {
  const { facts } = await readArtifact(f('iomem-prompt-nospace.txt'));
  assert.deepEqual(facts.kinds, ['iomem']);
  assert.deepEqual(ranges(facts.iomemRam), [
    [0x1000, 0xa0000],
    [0x100000, 0x70000000],
    [0x100000000, 0x1080000000],
  ]);
  assert.equal(facts.iomemKernel.length, 4);
});

test('wrapping: `# cmd` root prompts switch between uname, dmesg, iomem and lsmem output', async () => {
  const { facts } = await readArtifact(f('root-prompts-transcript.txt'));
  assert.deepEqual(facts.kinds, ['dmesg', 'iomem', 'lsmem']);
  assert.deepEqual(facts.kernels, ['6.8.0-1028-intel']);
  assert.equal(facts.iomemRam.length, 3);
  assert.equal(facts.nodeRanges.length, 3);
  const run = await runCheck([f('root-prompts-transcript.txt')]);
  assert.deepEqual(
    run.checks.map((c) => [c.variant, c.verdict]),
    [['cmr-holes', 'agree']],
  );
});

test('wrapping: a closing fence after JSON ends the JSON', async () => {
  const { facts } = await readArtifact(f('cxl-list-fenced.md'));
  assert.deepEqual(facts.kinds, ['cxl-list']);
  assert.deepEqual(facts.cxlRegions, [{ name: 'region0', start: 0x1080000000, end: 0x1880000000, nid: undefined }]);
  // The same with prose after the fence and a fence glued to the last bracket.
  const t = parseArtifactText(
    't',
    '```json\n[{"region":"region0","resource":"0x1080000000","size":"0x800000000"}]```\nThanks!\n',
  );
  assert.equal(t.cxlRegions.length, 1);
  // A document a fence cuts before it closes, and JSON that is no list the lab reads: errors naming the line it starts on.
  assert.throws(
    () => parseArtifactText('t', '```json\n[\n  {"memdev":"mem0",\n```\n'),
    (e: Error & { line?: number }) => e.line === 2 && /malformed JSON: the document is not closed/.test(e.message),
  );
  assert.throws(
    () => parseArtifactText('t', 'Here is the config:\n{"foo": 1}\n'),
    (e: Error & { line?: number }) => e.line === 2 && /no cxl\/daxctl list/.test(e.message),
  );
});

test('wrapping: one issue body holds several blocks of different kinds among prose, headings, <details> and fences', async () => {
  const file = f('issue-paste-cxl-host.md');
  const { facts } = await readArtifact(file);
  assert.deepEqual(facts.kinds, ['dmesg', 'iomem', 'lsmem', 'numactl', 'cxl-list']);
  assert.deepEqual(facts.hostnames, ['cxl-lab-1']);
  assert.equal(facts.memoryBlockSize, 128 * 2 ** 20);
  const { result } = await importFiles([file]);
  const h = result.host!;
  assert.deepEqual(
    h.memblock.map((m) => [m.start, m.end, m.nid]),
    [
      [0, 0xa0000, 0],
      [0x100000, 0x70000000, 0],
      [0x100000000, 0x880000000, 0],
      [0x880000000, 0x1080000000, 1],
    ],
  );
  assert.deepEqual(
    h.devices?.map((d) => [d.name, d.kind, d.start, d.end, d.nid, d.zone]),
    [['region0', 'cxl', 0x1080000000, 0x1880000000, 2, 'movable']],
  );
  const run = await runCheck([file]);
  assert.deepEqual(
    run.checks.map((c) => c.verdict),
    ['agree'],
  );
});

test('prompt shapes: $, user@host:path$, user@host $, [user@host dir]#, host:~ #, bash-5.2$, (venv), # and % with a known command', () => {
  const cases: [string, { cmd: string; host?: string } | undefined][] = [
    ['$ lsmem', { cmd: 'lsmem' }],
    ['$cat /proc/iomem', { cmd: 'cat /proc/iomem' }],
    ['tdx@spr-02:~$ numactl -H', { cmd: 'numactl -H', host: 'spr-02' }],
    ['tdx@spr-02 $ numactl -H', { cmd: 'numactl -H', host: 'spr-02' }],
    ['tdx@spr-02 ~ $ lsmem -J', { cmd: 'lsmem -J', host: 'spr-02' }],
    ['root@spr-02:/home/tdx# dmesg | grep -i tdx', { cmd: 'dmesg | grep -i tdx', host: 'spr-02' }],
    ['[root@spr-02 ~]# cat /proc/iomem', { cmd: 'cat /proc/iomem', host: 'spr-02' }],
    ['> [root@ guest-tools]# uname -r', { cmd: 'uname -r' }],
    ['spr-02:~ # cxl list -R', { cmd: 'cxl list -R', host: 'spr-02' }],
    ['bash-5.2# daxctl list', { cmd: 'daxctl list' }],
    ['(venv) tdx@spr-02:~$ sudo lsmem', { cmd: 'sudo lsmem', host: 'spr-02' }],
    ['# numactl -H', { cmd: 'numactl -H' }],
    ['% sudo dmesg', { cmd: 'sudo dmesg' }],
    // Comments, headings and prose are not prompts.
    ['# source: a public issue', undefined],
    ['## lsmem', undefined],
    ['# --- (A) issue body, `sudo dmesg | grep -i tdx`', undefined],
    ['john@example.com wrote:', undefined],
    ['[    0.000000] Command line: ro', undefined],
    ['00000000-00000fff : Reserved', undefined],
  ];
  for (const [line, want] of cases) assert.deepEqual(promptCommand(line), want, line);
  // `cat FILE` output is recognised by what it holds; JSON in it that is no list the lab reads is another file.
  const t = parseArtifactText(
    't',
    '$ cat saved/iomem.txt\n00100000-6fffffff : System RAM\n$ cat /etc/docker/daemon.json\n{"log-driver": "json-file"}\n$ cat region.json\n[{"region":"region0","resource":"0x1080000000","size":"0x800000000"}]\n',
  );
  assert.deepEqual(t.kinds, ['iomem', 'cxl-list']);
  assert.equal(t.iomemRam.length, 1);
  assert.equal(t.cxlRegions.length, 1);
});

// --- dmesg time stamps ---------------------------------------------------------------------------

test('dmesg -T time stamps are read like [    0.000000], never taken for JSON', async () => {
  const { facts } = await readArtifact(f('dmesg-T.txt'));
  assert.deepEqual(facts.kinds, ['dmesg']);
  assert.deepEqual(facts.hostnames, ['tdx-t-host']);
  assert.equal(facts.e820.length, 5);
  assert.equal(facts.nodeRanges.length, 3);
  const b = facts.boots[0];
  assert.deepEqual([b.kernel, b.pamtKb, b.outcome, b.cmrs.length], ['6.8.0-1028-intel', 262668, 'initialized', 2]);
  const run = await runCheck([f('dmesg-T.txt')]);
  assert.deepEqual(
    run.checks.map((c) => c.verdict),
    ['agree'],
  );
});

test('every time stamp and prefix dmesg, journalctl and syslog print', () => {
  const msg = 'virt/tdx: module initialized';
  const lines: [string, string?][] = [
    [`[    1.824045] ${msg}`],
    [`[Tue Nov  4 10:00:00 2025] ${msg}`],
    [`[Tue Nov 14 10:00:00 2025 <    0.000012>] ${msg}`],
    [`[    1.824045 <    0.000012>] ${msg}`],
    [`[Nov 4 10:00] ${msg}`],
    [`[  +0.000123] ${msg}`],
    [`2025-11-04T10:00:00,123456+00:00 ${msg}`],
    [`kern  :info  : [    1.824045] ${msg}`],
    [`<6>[    1.824045] ${msg}`],
    [`6,339,1824045,-;${msg}`],
    [`Nov  4 10:00:00 tdx-box kernel: [    1.824045] ${msg}`, 'tdx-box'],
    [`Nov 04 10:00:00.123456 tdx-box kernel: ${msg}`, 'tdx-box'],
    [`Tue 2025-11-04 10:00:00 UTC tdx-box kernel: ${msg}`, 'tdx-box'],
    [`[    1.824045] tdx-box kernel: ${msg}`, 'tdx-box'],
  ];
  for (const [line, host] of lines) assert.deepEqual(kernelMessage(line), { msg, host }, line);
  // A whole -T log of one line each kind opens as a kernel log, not as JSON.
  const t = parseArtifactText('t', lines.map((l) => l[0]).join('\n'));
  assert.deepEqual(t.kinds, ['dmesg']);
  assert.equal(t.boots[0].outcome, 'initialized');
});

// --- /proc/iomem ---------------------------------------------------------------------------------

test('zero-size iomem entries (00000000-00000000 : PCI Bus) do not make a root read count as unprivileged', async () => {
  const { facts } = await readArtifact(f('iomem-zero-size-entries.txt'));
  assert.deepEqual(ranges(facts.iomemRam), [
    [0x1000, 0xa0000],
    [0x100000, 0x70000000],
    [0x100000000, 0x1080000000],
  ]);
  // Only an iomem where every range is zero was read without root.
  const r = tdxLab(['import', f('iomem-nonroot.txt')]);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /iomem-nonroot\.txt:1: address range 00000000-00000000: \/proc\/iomem was read without root/);
});

test('kmem memory is not boot RAM: CXL window/region/dax, Soft Reserved and Persistent Memory (legacy) are devices', async () => {
  for (const name of ['iomem-kmem-devices.txt', 'iomem-kmem-flattened.txt']) {
    const { result } = await importFiles([f(name)]);
    const h = result.host!;
    assert.equal(Math.max(...h.memblock.map((m) => m.end)), 0x1080000000, name);
    assert.deepEqual(
      h.devices?.map((d) => [d.name, d.kind, d.start, d.end]),
      [
        ['region0', 'cxl', 0x1080000000, 0x1880000000],
        ['dax1.0', 'cxl', 0x2080000000, 0x2480000000],
        ['namespace0.0', 'nvdimm', 0x2480000000, 0x2880000000],
      ],
      name,
    );
    // Soft Reserved does not say what memory it is: the kind is assumed, and said.
    assert.ok(
      result.assumptions.some((a) => /^dax1\.0 .*do not say what memory this is.*modelled as cxl/.test(a)),
      result.assumptions.join('\n'),
    );
  }
  // `grep "System RAM" /proc/iomem` keeps the kmem line and loses its parents: still not boot RAM.
  const grep = await importFiles([f('iomem-grep-system-ram.txt')]);
  assert.equal(Math.max(...grep.result.host!.memblock.map((m) => m.end)), 0x1080000000);
  assert.deepEqual(
    grep.result.host!.devices?.map((d) => [d.start, d.end]),
    [[0x1080000000, 0x1880000000]],
  );
  // e820 types of device memory are hot-add candidates too.
  const e820 = parseArtifactText(
    'e',
    [
      'BIOS-e820: [mem 0x0000000000000000-0x000000000009ffff] usable',
      'BIOS-e820: [mem 0x0000000000100000-0x000000007fffffff] usable',
      'BIOS-e820: [mem 0x0000000100000000-0x000000107fffffff] usable',
      'BIOS-e820: [mem 0x0000001080000000-0x000000187fffffff] soft reserved',
      'BIOS-e820: [mem 0x0000001880000000-0x000000207fffffff] persistent (type 7)',
    ].join('\n'),
  );
  const { buildHost } = await import('../../engine/import/build-host.js');
  const eh = buildHost([{ source: 'e', facts: e820 }]).host!;
  assert.equal(Math.max(...eh.memblock.map((m) => m.end)), 0x1080000000);
  assert.deepEqual(
    eh.devices?.map((d) => [d.name, d.kind]),
    [
      ['Soft Reserved', 'cxl'],
      ['Persistent Memory', 'nvdimm'],
    ],
  );
});

test('kmem memory is not counted as boot RAM when artifacts of one host are compared', async () => {
  const { mixedHosts } = await import('../../engine/import/same-host.js');
  const iomem = parseArtifactText(
    'iomem.txt',
    [
      '00001000-0009ffff : System RAM',
      '00100000-7fffffff : System RAM',
      '100000000-207fffffff : System RAM',
      '2080000000-a07fffffff : CXL Window 0',
      '  2080000000-a07fffffff : region0',
      '    2080000000-a07fffffff : dax0.0',
      '      2080000000-a07fffffff : System RAM (kmem)',
    ].join('\n'),
  );
  const lsmem = parseArtifactText(
    'lsmem.txt',
    [
      'RANGE                                  SIZE  STATE REMOVABLE    BLOCK NODE',
      '0x0000000000000000-0x000000207fffffff  130G online       yes   0-1039    0',
      '0x0000002080000000-0x000000a07fffffff  512G online       yes 1040-5135    2',
    ].join('\n'),
  );
  // 128 GiB of boot RAM in iomem against 640 GiB online in lsmem: the same host once the kmem region is left out.
  assert.equal(
    mixedHosts([
      { source: 'iomem.txt', facts: iomem },
      { source: 'lsmem.txt', facts: lsmem },
    ]),
    undefined,
  );
});

test('a line that fits no row between two iomem rows is an error; after the table it is wrapping', () => {
  const r = tdxLab(['import', f('iomem-garbage.txt')]);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /iomem-garbage\.txt:4: not a \/proc\/iomem line/);
  const after = parseArtifactText(
    't',
    '00001000-0009ffff : System RAM\n00100000-6fffffff : System RAM\nthat is all of it\n',
  );
  assert.equal(after.iomemRam.length, 2);
});

// --- lsmem ---------------------------------------------------------------------------------------

test('lsmem: an empty trailing cell (an offline block with no ZONES) is an empty cell, not a broken row', async () => {
  const { facts } = await readArtifact(f('lsmem-empty-zones.txt'));
  assert.deepEqual(
    facts.nodeRanges.map((n) => [n.start, n.end, n.nid, n.zone, n.online]),
    [
      [0, 0x80000000, 0, 'None', true],
      [0x100000000, 0x2080000000, 0, 'Normal', true],
      [0x2080000000, 0x4080000000, 1, 'Normal', true],
      [0x4080000000, 0x4180000000, 1, undefined, false],
    ],
  );
  const { result } = await importFiles([f('lsmem-empty-zones.txt')]);
  assert.equal(Math.max(...result.host!.memblock.map((m) => m.end)), 0x4080000000, 'the offline block is not memblock');
});

test('lsmem: an empty cell inside the row (-o+ZONES,NODE) is placed under its header; with spaces collapsed the last cell is the empty one', () => {
  const aligned = parseArtifactText(
    't',
    [
      'RANGE                                 SIZE   STATE REMOVABLE     BLOCK  ZONES NODE',
      '0x0000000000000000-0x000000007fffffff   2G  online       yes      0-15   None    0',
      '0x0000004080000000-0x000000417fffffff   4G offline       yes 2064-2095           1',
    ].join('\n'),
  );
  assert.deepEqual(
    aligned.nodeRanges.map((n) => [n.nid, n.zone]),
    [
      [0, 'None'],
      [1, undefined],
    ],
  );
  const collapsed = parseArtifactText(
    't',
    'RANGE SIZE STATE REMOVABLE BLOCK NODE ZONES\n0x0000000000000000-0x000000007fffffff 2G online yes 0-15 0 None\n0x0000004080000000-0x000000417fffffff 4G offline yes 2064-2095 1\n',
  );
  assert.deepEqual(
    collapsed.nodeRanges.map((n) => [n.nid, n.zone]),
    [
      [0, 'None'],
      [1, undefined],
    ],
  );
});

test('lsmem: the "Memmap on memory parameter:" line of newer util-linux is a summary line, not a row', async () => {
  const { facts } = await readArtifact(f('lsmem-memmap-on-memory.txt'));
  assert.deepEqual(ranges(facts.nodeRanges), [
    [0, 0x80000000],
    [0x100000000, 0x4080000000],
  ]);
  assert.equal(facts.memoryBlockSize, 128 * 2 ** 20);
});

// --- Elisions ------------------------------------------------------------------------------------

test('elisions: a "..." line in an iomem table is a gap, said in the assumptions', async () => {
  const { facts } = await readArtifact(f('iomem-elided.txt'));
  assert.deepEqual(
    facts.gaps.map((g) => [g.table, g.start, g.end, g.line]),
    [
      ['iomem', 0x70000000, 0x100000000, 6],
      ['iomem', 0x880000000, 2 ** 52, 8],
    ],
  );
  const alone = await importFiles([f('iomem-elided.txt')]);
  assert.ok(
    alone.result.assumptions.some((a) => /iomem-elided\.txt:6\) leaves out \[0x70000000, 0x100000000\)/.test(a)),
  );
  assert.ok(
    alone.result.assumptions.some((a) => /iomem-elided\.txt:8\) is cut at 0x880000000.*unknown and left out/.test(a)),
  );
  // With the kernel's CMRs, the memory above the cut comes from them.
  const withCmrs = await importFiles([f('iomem-elided.txt'), f('host-a-system-report.txt')]);
  assert.equal(Math.max(...withCmrs.result.host!.memblock.map((m) => m.end)), 0x1080000000);
  assert.ok(withCmrs.result.assumptions.some((a) => /memory above it is taken from the CMRs \(1 range\)/.test(a)));
});

test('elisions: a cut artifact never outranks a complete one describing the same memory', async () => {
  // A cut e820 table and a complete /proc/iomem: memblock from iomem.
  const a = await importFiles([f('dmesg-e820-cut.txt'), f('host-a-iomem.txt')]);
  assert.equal(Math.max(...a.result.host!.memblock.map((m) => m.end)), 0x1080000000);
  assert.ok(a.result.assumptions.includes('memblock = /proc/iomem "System RAM" (close to the e820 usable map)'));
  assert.ok(
    a.result.assumptions.some((x) =>
      /the e820 table \(.*dmesg-e820-cut\.txt:7\) is cut at 0x100000000.*not used for memblock/.test(x),
    ),
  );
  // A cut iomem and a complete lsmem -J: memblock from lsmem; the cut iomem does not count as a different host.
  const b = await importFiles([f('iomem-elided.txt'), f('host-a-lsmem.json')]);
  assert.ok(b.result.assumptions.some((x) => x.startsWith('memblock = lsmem online ranges')));
  assert.equal(Math.max(...b.result.host!.memblock.map((m) => m.end)), 0x1080000000);
  // A "..." row in lsmem is a gap as well.
  const l = parseArtifactText(
    't',
    'RANGE                                 SIZE  STATE REMOVABLE  BLOCK\n0x0000000000000000-0x000000007fffffff   2G online       yes   0-15\n...\n0x0000000400000000-0x000000047fffffff   2G online       yes 128-143\n',
  );
  assert.deepEqual(
    l.gaps.map((g) => [g.table, g.start, g.end]),
    [['lsmem', 0x80000000, 0x400000000]],
  );
});

test('elisions: a "..." inside a pasted JSON list is dropped with its dangling comma, and the list is marked cut', async () => {
  const t = parseArtifactText(
    't',
    '$ cxl list -M\n[\n  {\n    "memdev":"mem0",\n    "ram_size":68719476736\n  },\n  ...\n]\n',
  );
  assert.deepEqual(
    t.cxlMemdevs.map((m) => m.name),
    ['mem0'],
  );
  assert.deepEqual(t.listsCut, [{ what: 'cxl-list', line: 7 }]);
});

// --- Device-only lists, device names and kinds ---------------------------------------------------

test('device-only lists: a cxl list of memdevs only is valid input that adds facts (like a numactl-only file)', async () => {
  const r = tdxLab(['import', f('cxl-list-memdevs.json')]);
  assert.equal(r.status, 0, r.stderr);
  const doc = JSON.parse(r.stdout);
  assert.match(doc.layout_missing, /no memory layout/);
  assert.deepEqual(
    doc.devices_listed.map((d: Record<string, unknown>) => [d.name, d.what, d.size, d.in_host]),
    [
      ['mem0', 'cxl memdev', '0x1000000000', false],
      ['mem1', 'cxl memdev', '0x1000000000', false],
    ],
  );
  assert.match(r.stderr, /2 CXL memdevs listed without a region/);
  // With a memory layout the host is built and the memdevs stay listed.
  const { doc: withHost } = await importFiles([f('cxl-list-memdevs.json'), f('host-a-dmesg.txt')]);
  assert.ok('memblock' in withHost);
  assert.equal((withHost.devices_listed as unknown[]).length, 2);
});

test('device names come from the artifact (region, dax device), never from a remark beside it; the kind from what it says', async () => {
  const { result } = await importFiles([f('iomem-kmem-devices.txt')]);
  assert.equal(
    result.host!.devices![0].name,
    'region0',
    'the remark "<-- the 32G Micron card" is not part of the name',
  );
  // ndctl + daxctl (ndbus path) + lsmem: the kmem node's blocks are the nvdimm dax device dax0.0 on node 1.
  const nv = await importFiles([f('nvdimm-dax-transcript.txt')]);
  assert.deepEqual(
    nv.result.host!.devices?.map((d) => [d.name, d.kind, d.start, d.end, d.nid, d.zone]),
    [['dax0.0', 'nvdimm', 0x2080000000, 0x4000000000, 1, 'movable']],
  );
  assert.ok(!JSON.stringify(nv.doc).includes('pmem-fast'), "the poster's name for the DIMMs is not used");
  // A hmem (Soft Reserved) dax device: named by daxctl, kind not stated, so assumed and said.
  const pmem = await importFiles([real('pmem-ndctl-246-cxl-hmem-lsmem.txt')]);
  assert.deepEqual(
    pmem.result.host!.devices?.map((d) => [d.name, d.kind]),
    [['dax0.0', 'cxl']],
  );
  assert.ok(pmem.result.assumptions.some((a) => /^dax0\.0 .*do not say what memory this is/.test(a)));
});

// --- Memory only below 1 MiB (issue 12, item 10) ------------------------------------------------

test('memory only below 1 MiB: a recorded host with the layout missing and the reason, never exit 70', () => {
  const r = tdxLab(['import', f('e820-below-1m.txt')]);
  assert.equal(r.status, 0, r.stderr);
  assert.doesNotMatch(r.stderr, /invalid host|\n\s+at /);
  const doc = JSON.parse(r.stdout);
  assert.match(doc.layout_missing, /memory only below 1 MiB \(\[0x0, 0x9f000\) 636 KiB\)/);
  assert.equal(doc.observed[0].failure, 'TDMR [0x0, 0x80000000): reserved areas exhausted');
  const c = tdxLab(['check', f('e820-below-1m.txt')]);
  assert.equal(c.status, 2);
  assert.equal(c.stderr.trim().split('\n').length, 1, c.stderr);
  assert.match(c.stderr, /nothing to check: no usable memory layout: the artifacts show memory only below 1 MiB/);
  // Keeping it in a session is refused in one line with the same reason.
  const s = tdxLab(['import', f('e820-below-1m.txt'), '--session', 'x', '--db', join(FIXTURES, 'no-such-dir', 'x.db')]);
  assert.equal(s.status, 2);
  assert.match(s.stderr, /memory only below 1 MiB.*there is no host to keep in session 'x'/);
});
