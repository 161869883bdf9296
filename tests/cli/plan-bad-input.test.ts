/**
 * Bad input to `tdx-lab plan`: each case gets one clear line on stderr that
 * names the file (and the JSON path where there is one), exit 2, no stack.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../helpers/golden.js';
import { runTdxLab } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'tdx-lab-bad-'));
const sample = JSON.parse(readFileSync(join(PROJECT_ROOT, 'resources', 'hosts', '2s-server-512g.json'), 'utf8'));

function variant(mutate: (h: any) => void): string {
  const h = structuredClone(sample);
  mutate(h);
  return JSON.stringify(h, null, 2);
}

const CASES: Array<{ what: string; file: string; content?: string; expect: RegExp }> = [
  {
    what: 'malformed JSON',
    file: 'malformed.json',
    content: '{"name": "x", "memblock": [\n  {"start": "0x0",,}\n]}',
    expect: /malformed\.json.*(line 2|JSON)/,
  },
  {
    what: 'missing field',
    file: 'missing.json',
    content: variant((h) => delete h.module),
    expect: /missing\.json.*\$\.module/,
  },
  {
    what: 'missing nested field',
    file: 'missing-end.json',
    content: variant((h) => delete h.memblock[2].end),
    expect: /missing-end\.json.*\$\.memblock\[2\]\.end/,
  },
  {
    what: 'wrong type',
    file: 'type.json',
    content: variant((h) => (h.memblock[1].nid = 'zero')),
    expect: /type\.json.*\$\.memblock\[1\]\.nid/,
  },
  {
    what: 'wrong type (address as number)',
    file: 'number.json',
    content: variant((h) => (h.cmrs[0].base = 4096)),
    expect: /number\.json.*\$\.cmrs\[0\]\.base/,
  },
  {
    what: 'unsorted regions',
    file: 'unsorted.json',
    content: variant((h) => h.memblock.reverse()),
    expect: /unsorted\.json.*\$\.memblock\[\d+\].*(sort|order|before)/i,
  },
  {
    what: 'overlapping regions',
    file: 'overlap.json',
    content: variant((h) => (h.memblock[2].start = '0x5f000000')),
    expect: /overlap\.json.*\$\.memblock\[2\].*overlap/i,
  },
  {
    what: 'address not 4 KiB aligned',
    file: 'align.json',
    content: variant((h) => (h.memblock[4].end = '0x4080000800')),
    expect: /align\.json.*\$\.memblock\[4\]\.end.*(4 KiB|align)/i,
  },
  {
    what: 'address past 2^52',
    file: 'big.json',
    content: variant((h) => (h.memblock[5].end = '0x20000000000000')),
    expect: /big\.json.*\$\.memblock\[5\]\.end.*2\^52|big\.json.*\$\.memblock\[5\]\.end.*(large|exceed|beyond|past)/i,
  },
  {
    what: 'non-hex string',
    file: 'nonhex.json',
    content: variant((h) => (h.reserved[0].start = '0x10zz')),
    expect: /nonhex\.json.*\$\.reserved\[0\]\.start.*hex/i,
  },
  {
    what: 'zero-size region',
    file: 'zero.json',
    content: variant((h) => (h.memblock[4].end = h.memblock[4].start)),
    expect: /zero\.json.*\$\.memblock\[4\].*(empty|zero|size)/i,
  },
  { what: 'empty file', file: 'empty.json', content: '', expect: /empty\.json.*empty/i },
];

for (const c of CASES) {
  test(`bad input: ${c.what}`, () => {
    const file = join(dir, c.file);
    writeFileSync(file, c.content ?? '');
    const r = runTdxLab(['plan', file]);
    assert.equal(r.status, 2, `exit status (stderr: ${r.stderr})`);
    assert.equal(r.stdout, '', 'nothing printed on stdout');
    const lines = r.stderr.trimEnd().split('\n');
    assert.equal(lines.length, 1, `one line: ${r.stderr}`);
    assert.match(lines[0], c.expect);
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
  });
}

test('bad input: a directory instead of a file', () => {
  const d = join(dir, 'a-directory.json');
  mkdirSync(d);
  const r = runTdxLab(['plan', d]);
  assert.equal(r.status, 2);
  assert.match(r.stderr.trim(), /^tdx-lab: .*a-directory\.json.*directory/);
  assert.equal(r.stderr.trim().split('\n').length, 1);
});

test('bad input: a file that does not exist', () => {
  const r = runTdxLab(['plan', join(dir, 'nope.json')]);
  assert.equal(r.status, 2);
  assert.match(r.stderr.trim(), /^tdx-lab: .*nope\.json.*(not exist|no such|not found)/i);
  assert.equal(r.stderr.trim().split('\n').length, 1);
});

test('bad input among good files: nothing is printed for any file', () => {
  const good = join(PROJECT_ROOT, 'resources', 'hosts', '2s-server-512g.json');
  const r = runTdxLab(['plan', '--json', good, join(dir, 'nope.json')]);
  assert.equal(r.status, 2);
  assert.equal(r.stdout, '');
});

test('usage errors exit 2: unknown option, unknown kernel variant, no file', () => {
  for (const args of [['plan', '--frobnicate', 'x.json'], ['plan', '--kernel', 'debian', 'x.json'], ['plan']]) {
    const r = runTdxLab(args);
    assert.equal(r.status, 2, args.join(' '));
    assert.doesNotMatch(r.stderr, /\n\s+at /);
  }
});

test('a host with 1,000,000 memblock regions is planned, not refused', () => {
  const n = 1_000_000;
  const size = 64 * 1024 * 1024;
  const base = 2 ** 32;
  const parts: string[] = [];
  for (let i = 0; i < n; i++) {
    const s = base + i * size;
    parts.push(`{"start":"0x${s.toString(16)}","end":"0x${(s + size).toString(16)}","nid":${Math.floor((i * 8) / n)}}`);
  }
  const file = join(dir, 'million.json');
  writeFileSync(
    file,
    `{"name":"million","memblock":[${parts.join(',')}],"reserved":[],` +
      `"module":{"max_tdmrs":65536,"max_reserved_per_tdmr":8192,"pamt_entry_size":{"4k":16,"2m":16,"1g":16}},` +
      `"cmrs":[{"base":"0x${base.toString(16)}","size":"0x${(n * size).toString(16)}"}]}`,
  );
  const r = runTdxLab(['plan', '--json', file]);
  assert.equal(r.stderr, '');
  assert.equal(r.status, 0);
  const result = JSON.parse(r.stdout);
  assert.equal(result.ok, true);
  assert.equal(result.tdx_memlist.length, n);
  assert.equal(result.tdmrs.length, (n * size) / 2 ** 30);
});
