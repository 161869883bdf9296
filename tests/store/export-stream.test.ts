/**
 * Streaming export and import through the CLI: a host bigger than one
 * memblock chunk and a payload bigger than one deflate piece round-trip
 * exactly; --out never replaces what it must not; deep or odd files get one
 * clear line; a failed import writes nothing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { contiguousHost } from '../../engine/host/synthetic.js';
import { openLabStore } from '../../main/store/lab-store.js';
import { recordRun } from '../../main/store/record-run.js';
import { cli, tempDir } from './helpers.js';

function fails(args: string[], why: RegExp): string {
  const r = cli(args);
  assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
  assert.equal(r.stdout, '');
  const lines = r.stderr.trimEnd().split('\n');
  assert.equal(lines.length, 1, r.stderr);
  assert.match(lines[0], why);
  return lines[0];
}

function ok(args: string[]): string {
  const r = cli(args);
  assert.equal(r.status, 0, `${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

test('a 70,000-region host and a 3 MB payload round-trip exactly through export and import', () => {
  const { dir, cleanup } = tempDir();
  try {
    const db = join(dir, 'lab.db');
    const store = openLabStore(db);
    // 70,000 regions: more than one 65,536-region validation chunk.
    const host = contiguousHost({
      regions: 70_000,
      regionSize: 2 ** 26,
      nodes: 4,
      maxTdmrs: 1 << 16,
      maxReservedPerTdmr: 64,
    });
    const rows = Array.from({ length: 30_000 }, (_, i) => ({
      index: i,
      ok: i % 7 !== 0,
      pamt: `0x${(i * 4096).toString(16)}`,
    }));
    recordRun(store, 'big', {
      kind: 'sweep',
      host,
      variant: 'upstream',
      payload: { rows, note: 'ünïcödé \u2028 and "quotes"' },
      events: Array.from({ length: 5000 }, (_, i) => ({ t: i / 3, kind: 'log', payload: { text: `line ${i}` } })),
    });
    store.close();
    const file = join(dir, 'big.json');
    ok(['session', 'export', 'big', '--out', file, '--db', db]);
    const other = join(dir, 'other.db');
    assert.match(ok(['session', 'import', file, '--db', other]), /imported session 'big' \(#1: 1 runs, 1 hosts/);
    const again = join(dir, 'again.json');
    ok(['session', 'export', 'big', '--out', again, '--db', other]);
    const a = JSON.parse(readFileSync(file, 'utf8'));
    const b = JSON.parse(readFileSync(again, 'utf8'));
    delete a.exported_at;
    delete b.exported_at;
    assert.deepEqual(b, a);
    assert.equal(b.hosts[0].host.memblock.length, 70_000);
    assert.equal(b.runs[0].payload.rows.length, 30_000);
    // The export is exactly JSON.stringify of the document (stored JSON copied as it was).
    const text = readFileSync(file, 'utf8');
    assert.equal(text, JSON.stringify(JSON.parse(text)) + '\n');
  } finally {
    cleanup();
  }
});

test('an out-of-order region past the first chunk is found, with its index', () => {
  const { dir, cleanup } = tempDir();
  try {
    const db = join(dir, 'lab.db');
    const store = openLabStore(db);
    const host = contiguousHost({
      regions: 66_000,
      regionSize: 2 ** 26,
      nodes: 1,
      maxTdmrs: 1 << 16,
      maxReservedPerTdmr: 64,
    });
    recordRun(store, 's', { kind: 'plan', host, variant: 'upstream' });
    store.close();
    const file = join(dir, 's.json');
    ok(['session', 'export', 's', '--out', file, '--db', db]);
    const doc = JSON.parse(readFileSync(file, 'utf8'));
    // Region 65,536 (first of the second chunk) now starts inside the last one of the first chunk.
    const m = doc.hosts[0].host.memblock;
    m[65536].start = m[65535].start;
    writeFileSync(file, JSON.stringify(doc));
    fails(
      ['session', 'import', file, '--db', join(dir, 'x.db')],
      /\$\.hosts\[0\]\.host\.memblock\[65536\]: overlaps the previous region/,
    );
    assert.equal(existsSync(join(dir, 'x.db')), false, 'a failed import into a new notebook leaves none behind');
  } finally {
    cleanup();
  }
});

test('every --out: no replacing without --force, never the notebook or any database, no half files', () => {
  const { dir, cleanup } = tempDir();
  try {
    const db = join(dir, 'lab.db');
    const store = openLabStore(db);
    const host = contiguousHost({ regions: 4, regionSize: 2 ** 30, nodes: 1, maxTdmrs: 64, maxReservedPerTdmr: 16 });
    recordRun(store, 'g', { kind: 'plan', host, variant: 'upstream' });
    store.close();
    const other = join(dir, 'other.db');
    openLabStore(other).close();
    const before = readFileSync(db);
    const existing = join(dir, 'existing.json');
    writeFileSync(existing, 'keep me');
    const artifact = join(dir, 'dmesg.txt');
    writeFileSync(
      artifact,
      readFileSync(new URL('../../../tests/fixtures/real-hosts/canonical-tdx-275-spr-8480c-512g.txt', import.meta.url)),
    );

    for (const [label, args] of [
      ['session export', ['session', 'export', 'g', '--db', db, '--out']],
      ['import', ['import', artifact, '--out']],
      ['record', ['record', '--root', join(dir, 'emptyroot'), '--out']],
    ] as const) {
      mkdirSync(join(dir, 'emptyroot'), { recursive: true });
      fails([...args, existing], new RegExp(`existing\\.json: already exists; use --force`));
      assert.equal(readFileSync(existing, 'utf8'), 'keep me', `${label}: not replaced`);
      fails([...args, db, '--force'], /lab\.db: is (the lab notebook|a SQLite database)/);
      fails(
        [...args, other, '--force'],
        /other\.db: is a SQLite database .*never replaces a database, even with --force/,
      );
      fails([...args, dir], /is a directory/);
      fails([...args, join(dir, 'no', 'such', 'dir', 'x.json')], /folder .* does not exist/);
    }
    fails(['session', 'export', 'g', '--db', db, '--out', `${db}-wal`, '--force'], /-wal: /);
    execFileSync('mkfifo', [join(dir, 'fifo')]);
    fails(['session', 'export', 'g', '--db', db, '--out', join(dir, 'fifo'), '--force'], /not a regular file/);
    // --force replaces a regular file, through a temporary file renamed into place.
    assert.match(ok(['session', 'export', 'g', '--db', db, '--out', existing, '--force']), /exported session 'g'/);
    assert.equal(JSON.parse(readFileSync(existing, 'utf8')).format, 'tdx-lab-session');
    // The notebook was never replaced by an --out: still sound, still holding its session.
    assert.match(ok(['session', 'check', '--db', db]), /ok \(1 sessions, 1 runs/);
    assert.equal(readFileSync(db).subarray(0, 16).toString('latin1'), 'SQLite format 3\0');
    void before;
    assert.deepEqual(
      readdirSync(dir).filter((f) => f.includes('.tmp-')),
      [],
      'no temporary file is left behind',
    );
  } finally {
    cleanup();
  }
});

test('session import: a 50,000-deep payload, a BOM, UTF-16, and wrong types each get one clear line', () => {
  const { dir, cleanup } = tempDir();
  try {
    const db = join(dir, 'lab.db');
    const store = openLabStore(db);
    const host = contiguousHost({ regions: 2, regionSize: 2 ** 30, nodes: 1, maxTdmrs: 64, maxReservedPerTdmr: 16 });
    recordRun(store, 'g', { kind: 'plan', host, variant: 'upstream' });
    const good = JSON.stringify(store.exportSession('g'));
    store.close();
    const deep = join(dir, 'deep.json');
    writeFileSync(deep, good.replace('"payload":', `"payload":${'['.repeat(50_000)}${']'.repeat(50_000)},"x":`));
    fails(
      ['session', 'import', deep, '--rename', 'd', '--db', db],
      /deep\.json: malformed JSON at line 1, column \d+: nested deeper than 256 levels/,
    );
    const bom = join(dir, 'bom.json');
    writeFileSync(bom, '\ufeff' + good);
    assert.match(ok(['session', 'import', bom, '--rename', 'with-bom', '--db', db]), /imported session 'with-bom'/);
    const utf16 = join(dir, 'utf16.json');
    writeFileSync(utf16, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(good, 'utf16le')]));
    fails(['session', 'import', utf16, '--db', db], /utf16\.json: UTF-16 text/);
    const wrong = join(dir, 'wrong.json');
    const doc = JSON.parse(good);
    doc.runs[0].tdx_bytes = '12';
    writeFileSync(wrong, JSON.stringify(doc));
    fails(
      ['session', 'import', wrong, '--rename', 'w', '--db', db],
      /wrong\.json: \$\.runs\[0\]\.tdx_bytes: expected number, got string/,
    );
    const missing = join(dir, 'missing.json');
    delete doc.runs[0].kind;
    doc.runs[0].tdx_bytes = 12;
    writeFileSync(missing, JSON.stringify(doc));
    fails(['session', 'import', missing, '--rename', 'm', '--db', db], /missing\.json: \$\.runs\[0\]\.kind: missing/);
    const s = JSON.parse(ok(['session', 'list', '--json', '--db', db])).map((x: { name: string }) => x.name);
    assert.deepEqual(s, ['g', 'with-bom'], 'failed imports wrote nothing');
  } finally {
    cleanup();
  }
});
