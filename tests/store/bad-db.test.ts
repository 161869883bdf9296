import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  existsSync,
  mkdirSync,
  readFileSync,
  truncateSync,
  writeFileSync,
  openSync,
  writeSync,
  closeSync,
  statSync,
} from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { openLabStore } from '../../main/store/lab-store.js';
import { StoreError, type StoreErrorCode } from '../../main/store/errors.js';
import { cli, rng, STORE_FIXTURES, tempDir } from './helpers.js';

/** A real notebook with enough rows to span many pages, closed (checkpointed, no -wal left). */
function makeDb(file: string): void {
  const store = openLabStore(file);
  const s = store.createSession('keep-me');
  const r = rng(1);
  store.addRun(
    s.id,
    { kind: 'simulate', kernelVariant: 'upstream', status: 'ok' },
    Array.from({ length: 20_000 }, (_, i) => ({
      t: i,
      kind: 'seamcall',
      addrStart: Math.floor(r() * 2 ** 30) * 4096,
      addrEnd: undefined,
    })),
  );
  store.close();
  assert.equal(existsSync(file + '-wal'), false);
}

/** Opening `file` fails with `code`, via the API and the CLI (exit 2, one line naming the file), and the file is byte-for-byte unchanged. */
function assertRefused(file: string, code: StoreErrorCode, why: RegExp): void {
  const before = existsSync(file) && statSync(file).isFile() ? readFileSync(file) : undefined;
  assert.throws(
    () => openLabStore(file),
    (e: unknown) => e instanceof StoreError && e.code === code && e.message.startsWith(file) && why.test(e.message),
  );
  for (const args of [
    ['session', 'list', '--db', file],
    ['session', 'new', 'x', '--db', file],
  ]) {
    const r = cli(args);
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.equal(r.stdout, '');
    const lines = r.stderr.trimEnd().split('\n');
    assert.equal(lines.length, 1, r.stderr);
    assert.ok(lines[0].startsWith(`tdx-lab: ${file}: `), r.stderr);
    assert.match(lines[0], why);
  }
  if (before) assert.deepEqual(readFileSync(file), before, 'the refused file was not modified');
  assert.equal(existsSync(file + '-wal'), false, 'no WAL file was created beside it');
}

test('random bytes: refused as not a database, untouched', () => {
  const { dir, cleanup } = tempDir();
  try {
    const file = join(dir, 'random.db');
    const r = rng(42);
    writeFileSync(file, Buffer.from(Array.from({ length: 8192 }, () => Math.floor(r() * 256))));
    assertRefused(file, 'not-sqlite', /not a SQLite database/);
  } finally {
    cleanup();
  }
});

test('a text file (a host JSON passed as --db): refused, untouched', () => {
  const { dir, cleanup } = tempDir();
  try {
    const file = join(dir, 'host.json');
    writeFileSync(file, readFileSync(join(STORE_FIXTURES, 'host-2s-16g.json')));
    assertRefused(file, 'not-sqlite', /not a SQLite database/);
  } finally {
    cleanup();
  }
});

test('a truncated database: refused as truncated, untouched', () => {
  const { dir, cleanup } = tempDir();
  try {
    const file = join(dir, 'lab.db');
    makeDb(file);
    truncateSync(file, Math.floor(statSync(file).size / 2 / 4096) * 4096);
    assertRefused(file, 'corrupt', /truncated/);
    const odd = join(dir, 'odd.db');
    makeDb(odd);
    truncateSync(odd, statSync(odd).size - 100);
    assertRefused(odd, 'corrupt', /truncated/);
  } finally {
    cleanup();
  }
});

test('a database corrupted inside: queries fail with a one-line corrupt error, exit 2', () => {
  const { dir, cleanup } = tempDir();
  try {
    const file = join(dir, 'lab.db');
    makeDb(file);
    // Overwrite every page after the schema pages with garbage; the header stays valid.
    const size = statSync(file).size;
    const fd = openSync(file, 'r+');
    const r = rng(3);
    const junk = Buffer.from(Array.from({ length: size - 4 * 4096 }, () => Math.floor(r() * 256)));
    writeSync(fd, junk, 0, junk.length, 4 * 4096);
    closeSync(fd);
    const before = readFileSync(file);
    const res = cli(['session', 'show', 'keep-me', '--db', file]);
    assert.equal(res.status, 2, res.stderr);
    assert.match(res.stderr, /^tdx-lab: .*lab\.db: (the notebook is damaged|not a SQLite database)/);
    assert.equal(res.stderr.trimEnd().split('\n').length, 1);
    assert.deepEqual(
      readFileSync(file).subarray(4 * 4096),
      before.subarray(4 * 4096),
      'the data pages were not rewritten',
    );
  } finally {
    cleanup();
  }
});

test("another program's SQLite database: refused, untouched", () => {
  const { dir, cleanup } = tempDir();
  try {
    const file = join(dir, 'firefox.sqlite');
    const db = new Database(file);
    db.exec(
      `CREATE TABLE moz_places (id INTEGER PRIMARY KEY, url TEXT); INSERT INTO moz_places (url) VALUES ('https://example.org')`,
    );
    db.close();
    assertRefused(file, 'not-lab-db', /not a TDX lab notebook/);
    // Even with a schema version of its own (higher than ours), it is "not ours", not "newer".
    const versioned = join(dir, 'places.sqlite');
    const v = new Database(versioned);
    v.exec(`CREATE TABLE moz_places (id INTEGER PRIMARY KEY, url TEXT)`);
    v.pragma('user_version = 77');
    v.close();
    assertRefused(versioned, 'not-lab-db', /not a TDX lab notebook \(application id 0\)/);
  } finally {
    cleanup();
  }
});

test('a read-only location: clear error, nothing created', () => {
  const { dir, cleanup } = tempDir();
  try {
    let file: string;
    if (process.getuid?.() === 0) {
      // root ignores permission bits; sysfs is read-only even for root.
      file = '/sys/tdx-lab-test.db';
    } else {
      const ro = join(dir, 'ro');
      mkdirSync(ro, { mode: 0o555 });
      file = join(ro, 'lab.db');
    }
    assert.throws(
      () => openLabStore(file),
      (e: unknown) =>
        e instanceof StoreError && e.message.startsWith(file) && /read-only|cannot open|cannot write/.test(e.message),
    );
    const r = cli(['session', 'new', 'x', '--db', file]);
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /^tdx-lab: .*lab\.db|^tdx-lab: \/sys\/tdx-lab-test\.db/);
    assert.equal(r.stderr.trimEnd().split('\n').length, 1);
    assert.equal(existsSync(file), false);
  } finally {
    cleanup();
  }
});

test('a folder given as --db, or a missing folder: clear error', () => {
  const { dir, cleanup } = tempDir();
  try {
    assert.throws(
      () => openLabStore(dir),
      (e: unknown) => e instanceof StoreError && /is a directory/.test(e.message),
    );
    const r = cli(['session', 'new', 'x', '--db', join(dir, 'nope', 'lab.db')]);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /folder .*nope does not exist/);
  } finally {
    cleanup();
  }
});

test('a database locked by another writer: waits the busy timeout, then a clear error; readers still work', () => {
  const { dir, cleanup } = tempDir();
  try {
    const file = join(dir, 'lab.db');
    makeDb(file);
    const holder = new Database(file);
    holder.exec('BEGIN IMMEDIATE'); // another process mid-write
    try {
      const r = cli(['session', 'new', 'blocked', '--db', file], { TDX_LAB_BUSY_TIMEOUT_MS: '300' });
      assert.equal(r.status, 2, r.stderr);
      assert.match(r.stderr, /^tdx-lab: .*lab\.db: database is locked by another tdx-lab process \(waited 300 ms\)/);
      const list = cli(['session', 'list', '--db', file], { TDX_LAB_BUSY_TIMEOUT_MS: '300' });
      assert.equal(list.status, 0, list.stderr);
      assert.match(list.stdout, /keep-me/);
      // The same through the API.
      const store = openLabStore(file, { busyTimeoutMs: 100 });
      assert.throws(
        () => store.createSession('blocked'),
        (e: unknown) => e instanceof StoreError && e.code === 'locked',
      );
      store.close();
    } finally {
      holder.exec('ROLLBACK');
      holder.close();
    }
    const after = cli(['session', 'new', 'now-free', '--db', file]);
    assert.equal(after.status, 0, after.stderr);
    const list = cli(['session', 'list', '--db', file, '--json']);
    assert.deepEqual(
      JSON.parse(list.stdout).map((s: { name: string }) => s.name),
      ['keep-me', 'now-free'],
    );
  } finally {
    cleanup();
  }
});
