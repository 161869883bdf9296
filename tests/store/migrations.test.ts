import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { openLabStore } from '../../main/store/lab-store.js';
import { StoreError } from '../../main/store/errors.js';
import { APPLICATION_ID, MIGRATIONS, SCHEMA_VERSION, migrateTo } from '../../main/store/migrations.js';
import { tempDir } from './helpers.js';

test('the schema has at least two versions, numbered 1..N', () => {
  assert.ok(MIGRATIONS.length >= 2);
  MIGRATIONS.forEach((m, i) => assert.equal(m.version, i + 1));
  assert.equal(SCHEMA_VERSION, MIGRATIONS.length);
});

test('a new file and an empty (0-byte) file are created at the current schema, in WAL mode', () => {
  const { dir, cleanup } = tempDir();
  try {
    for (const file of [join(dir, 'new.db'), join(dir, 'empty.db')]) {
      if (file.endsWith('empty.db')) writeFileSync(file, '');
      openLabStore(file).close();
      const db = new Database(file, { readonly: true });
      assert.equal(db.pragma('user_version', { simple: true }), SCHEMA_VERSION);
      assert.equal(db.pragma('application_id', { simple: true }), APPLICATION_ID);
      assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
      db.close();
    }
  } finally {
    cleanup();
  }
});

/** Builds a database at exactly `version` with the migrations of that time, then fills it the way that schema allowed. */
function buildOldDb(file: string, version: number): void {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  assert.equal(migrateTo(db, version), version);
  const now = '2026-01-02T03:04:05.000Z';
  db.prepare(`INSERT INTO sessions (id, name, description, created_at) VALUES (1, 'old', 'from v${version}', ?)`).run(
    now,
  );
  db.prepare(
    `INSERT INTO hosts (id, session_id, name, origin, provenance, host_json, digest, created_at) VALUES (1, 1, 'h', 'recorded', '{"file":"dmesg.txt"}', '{"name":"h"}', 'x', ?)`,
  ).run(now);
  db.prepare(
    `INSERT INTO runs (id, session_id, host_id, kind, engine_version, kernel_variant, status, tdmr_count, event_count, created_at)
     VALUES (1, 1, 1, 'simulate', '0.0.9', 'upstream', 'ok', 1, 4, ?)`,
  ).run(now);
  db.prepare(`INSERT INTO run_tdmrs (run_id, idx, base, size, reserved) VALUES (1, 0, 0, 1073741824, '[]')`).run();
  const ev = db.prepare(
    `INSERT INTO events (run_id, seq, t, kind, addr_start, addr_end, payload) VALUES (1, ?, ?, ?, ?, ?, NULL)`,
  );
  ev.run(0, 0, 'log', null, null);
  ev.run(1, 1, 'hotplug', 0x880000000, 0xc80000000);
  ev.run(2, 2, 'seamcall', 0x100000, 0x101000);
  ev.run(3, 3, 'seamcall', 2 ** 52 - 4096, 2 ** 52);
  if (version >= 2) {
    // v2 wrote the address index along with the events.
    const ix = db.prepare(
      `INSERT INTO event_addrs (run_id, span_class, addr_start, seq, addr_end) VALUES (1, ?, ?, ?, ?)`,
    );
    ix.run(34, 0x880000000, 1, 0xc80000000);
    ix.run(12, 0x100000, 2, 0x101000);
    ix.run(12, 2 ** 52 - 4096, 3, 2 ** 52);
  }
  db.prepare(`INSERT INTO notes (session_id, run_id, text, created_at) VALUES (1, 1, 'kept', ?)`).run(now);
  db.close();
}

for (const m of MIGRATIONS) {
  test(`a schema v${m.version} database opens with the current code, data intact`, () => {
    const { dir, cleanup } = tempDir();
    try {
      const file = join(dir, `v${m.version}.db`);
      buildOldDb(file, m.version);
      if (m.version < SCHEMA_VERSION) {
        // Read-only opening cannot migrate: it says so and writes nothing.
        assert.throws(
          () => openLabStore(file, { readonly: true }),
          (e: unknown) =>
            e instanceof StoreError &&
            e.code === 'read-only' &&
            e.message.includes(`schema version ${m.version} needs upgrading`),
        );
      }
      const store = openLabStore(file);
      assert.equal(store.schemaVersion, SCHEMA_VERSION);
      const s = store.getSession('old');
      assert.equal(s?.description, `from v${m.version}`);
      assert.equal(s?.notes[0].text, 'kept');
      assert.equal(store.getRun(1)?.eventCount, 4);
      assert.equal(store.getRunTdmrs(1)[0].size, 2 ** 30);
      // The address queries work on events written before the address index existed.
      assert.deepEqual(
        store.eventsInRange(1, 0x900000000, 0x900001000).map((e) => e.seq),
        [1],
      );
      assert.deepEqual(
        store.eventsInRange(1, 0, 2 ** 52).map((e) => e.seq),
        [2, 1, 3],
      );
      assert.deepEqual(
        store.eventsInWindow(1, 0, 2).map((e) => e.kind),
        ['log', 'hotplug'],
      );
      assert.equal(store.integrityCheck(), 'ok');
      store.close();
    } finally {
      cleanup();
    }
  });
}

test('a database from a newer tdx-lab is refused and left byte-for-byte untouched (not even WAL)', () => {
  const { dir, cleanup } = tempDir();
  try {
    const file = join(dir, 'future.db');
    const db = new Database(file);
    db.exec(`CREATE TABLE sessions (id INTEGER PRIMARY KEY, name TEXT, shiny_new_column TEXT)`);
    db.pragma(`application_id = ${APPLICATION_ID}`);
    db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    db.close();
    const before = readFileSync(file);
    assert.throws(
      () => openLabStore(file),
      (e: unknown) =>
        e instanceof StoreError &&
        e.code === 'newer-schema' &&
        e.message.startsWith(file) &&
        e.message.includes(`version ${SCHEMA_VERSION + 1}`) &&
        !e.message.includes('\n'),
    );
    assert.deepEqual(readFileSync(file), before);
    assert.equal(existsSync(file + '-wal'), false);
    const check = new Database(file, { readonly: true });
    assert.equal(check.pragma('journal_mode', { simple: true }), 'delete');
    check.close();
  } finally {
    cleanup();
  }
});
