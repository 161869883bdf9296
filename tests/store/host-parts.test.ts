/**
 * Host texts over PART_CHARS live in host_parts (schema v3, main/store/host-text.ts):
 * every path that writes or reads a host (addHost, findOrAddHost, getHost,
 * export, import, check, recover, delete) gives back the same text, the digest
 * is the whole text's, and a v2 notebook opened for writing migrates and then
 * stores a big host in parts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { contiguousHost } from '../../engine/host/synthetic.js';
import { hostToJson } from '../../engine/format/host-json.js';
import { checkNotebook } from '../../main/store/check.js';
import { PART_CHARS } from '../../main/store/host-text.js';
import { openLabStore } from '../../main/store/lab-store.js';
import { migrateTo, SCHEMA_VERSION } from '../../main/store/migrations.js';
import { recoverNotebook } from '../../main/store/recover.js';
import { cli, tempDir } from './helpers.js';

/** A host whose canonical text is a few parts long, with non-ASCII in its name (parts cut between characters). */
function bigHostJson() {
  const host = hostToJson(
    contiguousHost({ regions: 200_000, regionSize: 2 ** 22, nodes: 4, maxTdmrs: 1 << 16, maxReservedPerTdmr: 64 }),
  );
  return { ...host, name: 'grand-hôte-😀' };
}

function partsOf(file: string): { inParts: number; parts: number; json: string }[] {
  const db = new Database(file, { readonly: true });
  try {
    return db
      .prepare(
        `SELECT in_parts AS inParts, (SELECT count(*) FROM host_parts p WHERE p.host_id = h.id) AS parts, host_json AS json FROM hosts h ORDER BY id`,
      )
      .all() as { inParts: number; parts: number; json: string }[];
  } finally {
    db.close();
  }
}

function ok(args: string[]): string {
  const r = cli(args);
  assert.equal(r.status, 0, `${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

test('a host over PART_CHARS is stored in parts and every path gives back its exact text', () => {
  const { dir, cleanup } = tempDir();
  try {
    const db = join(dir, 'lab.db');
    const host = bigHostJson();
    const text = JSON.stringify(host);
    assert.ok(text.length > 2 * PART_CHARS, `test host is only ${text.length} characters`);
    const store = openLabStore(db);
    store.createSession('big');
    const rec = store.addHost('big', { host });
    assert.equal(rec.digest, createHash('sha256').update(text).digest('hex'));
    // The same content is found, not stored twice.
    assert.equal(store.findOrAddHost('big', { host }).id, rec.id);
    const small = store.addHost('big', {
      host: hostToJson(contiguousHost({ regions: 3, maxTdmrs: 64, maxReservedPerTdmr: 16 })),
    });
    assert.equal(JSON.stringify(store.getHost(rec.id)?.host), text);
    store.close();

    const rows = partsOf(db);
    assert.equal(rows.length, 2);
    assert.equal(rows[0].inParts, 1);
    assert.ok(rows[0].parts >= 3, `${rows[0].parts} parts`);
    assert.equal(rows[0].json, 'null');
    // A small host stays one value.
    assert.deepEqual([rows[1].inParts, rows[1].parts], [0, 0]);
    assert.equal(openLabStore(db, { readonly: true }).getHost(small.id)?.name, small.name);

    const check = checkNotebook(db);
    assert.ok(check.ok, check.problems.join('; '));

    // Export streams the parts; import writes them as parts again; re-export is byte for byte the same.
    const file = join(dir, 'big.json');
    ok(['session', 'export', 'big', '--out', file, '--db', db]);
    const exported = JSON.parse(readFileSync(file, 'utf8'));
    assert.equal(JSON.stringify(exported.hosts[0].host), text);
    const other = join(dir, 'other.db');
    ok(['session', 'import', file, '--db', other]);
    assert.equal(partsOf(other)[0].inParts, 1);
    const again = join(dir, 'again.json');
    ok(['session', 'export', 'big', '--out', again, '--db', other]);
    const stamp = (s: string) => s.replace(/"exported_at":"[^"]*"/, '');
    assert.equal(stamp(readFileSync(again, 'utf8')), stamp(readFileSync(file, 'utf8')));
    const imported = openLabStore(other, { readonly: true });
    const back = imported.listHosts('big').find((h) => h.name === host.name);
    assert.equal(back?.digest, rec.digest);
    imported.close();

    // Recover copies the parts into the new file, text and digest intact.
    const saved = join(dir, 'saved.db');
    const r = recoverNotebook(db, saved);
    assert.equal(r.hosts, 2);
    assert.deepEqual(r.lostHosts, []);
    const recovered = openLabStore(saved, { readonly: true });
    assert.equal(JSON.stringify(recovered.getHost(rec.id)?.host), text);
    recovered.close();

    // Deleting the session takes its parts with it.
    const w = openLabStore(db);
    w.deleteSession('big');
    w.close();
    const left = new Database(db, { readonly: true });
    assert.equal((left.prepare(`SELECT count(*) AS n FROM host_parts`).get() as { n: number }).n, 0);
    left.close();
  } finally {
    cleanup();
  }
});

test('a damaged part is found by check, and recover keeps the runs without that host', () => {
  const { dir, cleanup } = tempDir();
  try {
    const db = join(dir, 'lab.db');
    const store = openLabStore(db);
    store.createSession('s');
    const rec = store.addHost('s', { host: bigHostJson() });
    store.close();
    const raw = new Database(db);
    raw.prepare(`UPDATE host_parts SET part = substr(part, 2) WHERE host_id = ? AND seq = 1`).run(rec.id);
    raw.close();
    const check = checkNotebook(db);
    assert.equal(check.ok, false);
    assert.match(check.problems.join('\n'), new RegExp(`host #${rec.id}`));
    const r = recoverNotebook(db, join(dir, 'saved.db'));
    assert.deepEqual(
      r.lostHosts.map((h) => h.id),
      [rec.id],
    );
  } finally {
    cleanup();
  }
});

test('a v2 notebook opened for writing migrates to v3 and then stores a big host in parts', () => {
  const { dir, cleanup } = tempDir();
  try {
    const file = join(dir, 'v2.db');
    const old = new Database(file);
    old.pragma('journal_mode = WAL');
    assert.equal(migrateTo(old, 2), 2);
    old.close();
    const store = openLabStore(file);
    assert.equal(store.schemaVersion, SCHEMA_VERSION);
    assert.ok(SCHEMA_VERSION >= 3);
    store.createSession('s');
    const host = bigHostJson();
    const rec = store.addHost('s', { host });
    assert.equal(JSON.stringify(store.getHost(rec.id)?.host), JSON.stringify(host));
    store.close();
    assert.equal(partsOf(file)[0].inParts, 1);
  } finally {
    cleanup();
  }
});
