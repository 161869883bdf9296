/** Bad artifacts: one clear line naming the file and line; exit 2; never a stack trace. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync, createWriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { FIXTURES } from '../helpers/golden.js';
import { tdxLab } from './run-cli.js';

const f = (name: string) => join(FIXTURES, 'import', name);

function expectBad(args: string[], pattern: RegExp): void {
  const r = tdxLab(args);
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr, pattern);
  assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
  assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
}

test('iomem with overlapping top-level lines: file and line', () => {
  expectBad(
    ['import', f('iomem-overlap.txt')],
    /iomem-overlap\.txt:4: range 0x60000000-0x7fffffff overlaps the top-level range on line 3/,
  );
});

test('iomem with a garbage line: file and line', () => {
  expectBad(['import', f('iomem-garbage.txt')], /iomem-garbage\.txt:4: not a \/proc\/iomem line/);
});

test('iomem read without root (all zeros)', () => {
  expectBad(
    ['import', f('iomem-nonroot.txt')],
    /iomem-nonroot\.txt:1: address range 00000000-00000000: \/proc\/iomem was read without root/,
  );
});

test('a text file that is no artifact', () => {
  expectBad(['import', f('not-an-artifact.txt')], /not-an-artifact\.txt:1: nothing recognised/);
});

test('missing file, directory', () => {
  expectBad(['import', f('does-not-exist.txt')], /does-not-exist\.txt: no such file/);
  expectBad(['import', join(FIXTURES, 'import')], /import: is a directory/);
});

test('artifacts of two hosts are refused, naming both files', () => {
  expectBad(
    ['import', f('host-a-dmesg.txt'), f('host-b-dmesg.txt')],
    /host-b-dmesg\.txt:3: not the same host as .*host-a-dmesg\.txt:16: hostname lab-host-b vs lab-host-a/,
  );
  // No hostnames to compare: the CMR lists still tell them apart.
  expectBad(
    ['check', f('host-a-system-report.txt'), f('host-b-dmesg.txt')],
    /host-b-dmesg\.txt:5: not the same host as .*host-a-system-report\.txt:29: the kernels printed different CMR lists/,
  );
});

test('truncated dmesg: the cut line is named as a warning; check compares the outcome only', () => {
  const imp = tdxLab(['import', f('dmesg-truncated.txt')]);
  assert.equal(imp.status, 0, imp.stderr);
  assert.match(imp.stderr, /dmesg-truncated\.txt:5: warning: kernel line cut short: "initialization failed: TD"/);
  const doc = JSON.parse(imp.stdout);
  assert.equal(doc.observed[0].outcome, 'failed');
  const chk = tdxLab(['check', f('dmesg-truncated.txt')]);
  // memblock = CMRs succeeds, the real boot failed: a disagreement, said plainly.
  assert.equal(chk.status, 1);
  assert.match(chk.stdout, /DISAGREE/);
});

test('binary files and bad JSON', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tdx-import-'));
  try {
    const bin = join(dir, 'blob.bin');
    writeFileSync(bin, Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x01, 0x00, 0x00, 0x00]));
    expectBad(['import', bin], /blob\.bin:1: binary data \(byte 7 is 0x00\)/);
    const late = join(dir, 'late-nul.txt');
    writeFileSync(
      late,
      '[    1.0] virt/tdx: BIOS enabled: private KeyID range [32, 64)\n'.repeat(2000) + 'abc\u0000def\n',
    );
    expectBad(['import', late], /late-nul\.txt:2001: binary data \(NUL bytes\)/);
    const json = join(dir, 'broken.json');
    writeFileSync(json, '{\n  "memory": [\n    {"range": \n');
    expectBad(['import', json], /broken\.json:1: malformed JSON/);
    const empty = join(dir, 'empty.txt');
    writeFileSync(empty, '');
    expectBad(['import', empty], /empty\.txt: empty file/);
    const dirArg = join(dir, 'sub');
    mkdirSync(dirArg);
    expectBad(['check', dirArg], /sub: is a directory/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('check: a recorded host whose printed PAMT differs exits 1; one without observed boots exits 2', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tdx-check-'));
  try {
    const out = join(dir, 'a.json');
    const imp = tdxLab(['import', f('host-a-dmesg.txt'), '--out', out]);
    assert.equal(imp.status, 0, imp.stderr);
    assert.equal(tdxLab(['check', out]).status, 0);
    const doc = JSON.parse(require_(out));
    doc.observed[0].pamt_kb += 4;
    writeFileSync(out, JSON.stringify(doc));
    const bad = tdxLab(['check', out]);
    assert.equal(bad.status, 1);
    assert.match(bad.stdout, /emulated 4 KB less than printed, from 64 GiB in 3 TDMRs/);
    delete doc.observed;
    writeFileSync(out, JSON.stringify(doc));
    expectBad(['check', out], /nothing to check: no kernel TDX messages/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

import { readFileSync } from 'node:fs';
function require_(p: string): string {
  return readFileSync(p, 'utf8');
}

test('a large log is streamed with bounded memory (100 MB under a 48 MB heap)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tdx-big-'));
  try {
    const big = join(dir, 'big-dmesg.txt');
    const ws = createWriteStream(big);
    const noise =
      '[ 1234.567890] usb 1-1: new high-speed USB device number 2 using xhci_hcd and some more text to pad it\n';
    const block = noise.repeat(1000);
    ws.write('[    1.000000] virt/tdx: BIOS enabled: private KeyID range [32, 64)\n');
    ws.write(
      '[    8.000000] virt/tdx: CMR: [0x100000, 0x70000000)\n[    8.000001] virt/tdx: CMR: [0x100000000, 0x1080000000)\n',
    );
    let written = 0;
    while (written < 100 * 1024 * 1024) {
      if (!ws.write(block)) await once(ws, 'drain');
      written += block.length;
    }
    ws.write('[ 9999.000000] virt/tdx: 262664 KB allocated for PAMT\n[ 9999.000001] virt/tdx: module initialized\n');
    ws.end();
    await once(ws, 'finish');
    const r = tdxLab(['import', big], { nodeArgs: ['--max-old-space-size=48'] });
    assert.equal(r.status, 0, r.stderr.slice(0, 500));
    const doc = JSON.parse(r.stdout);
    assert.equal(doc.observed[0].pamt_kb, 262664);
    assert.ok(doc.provenance.sources_read[0].lines > 900000);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('an overlong line is cut and reported with its line number, the rest still parses', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tdx-long-'));
  try {
    const file = join(dir, 'long.txt');
    writeFileSync(
      file,
      '[ 1.0] virt/tdx: BIOS enabled: private KeyID range [32, 64)\n' +
        'x'.repeat(200_000) +
        '\n[ 9.0] virt/tdx: 262664 KB allocated for PAMT\n[ 9.0] virt/tdx: module initialized\n',
    );
    const r = tdxLab(['import', file]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /long\.txt:2: warning: line longer than 65536 characters, read only its start/);
    assert.equal(JSON.parse(r.stdout).observed[0].pamt_kb, 262664);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('differing kernel releases across files are refused', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tdx-kern-'));
  try {
    const other = join(dir, 'other-boot.txt');
    writeFileSync(
      other,
      '[ 0.0] Command line: BOOT_IMAGE=/boot/vmlinuz-6.14.0-1009-intel ro\n[ 1.0] virt/tdx: BIOS enabled: private KeyID range [32, 64)\n',
    );
    expectBad(
      ['import', f('host-a-system-report.txt'), other],
      /other-boot\.txt:1: not the same host as .*host-a-system-report\.txt:18: kernel 6\.14\.0-1009-intel vs 6\.8\.0-1028-intel/,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
