/**
 * openStore(): one async interface, two modes. The same test bodies run
 * against the direct LabStore and the worker, and the worker's answers are
 * compared with a direct LabStore reading the same file.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { planTdmrs } from '../../../engine/kernel/construct.js';
import { StoreError } from '../../../main/store/errors.js';
import { openLabStore } from '../../../main/store/lab-store.js';
import { APPLICATION_ID, SCHEMA_VERSION } from '../../../main/store/migrations.js';
import type { EventInput } from '../../../main/store/types.js';
import { openStore, type StoreMode } from '../../../main/store/worker/open-store.js';
import { loadFixtureHost, rng, tempDir } from '../helpers.js';

const MODES: StoreMode[] = ['direct', 'worker'];

function* events(n: number, seed: number): Generator<EventInput> {
  const r = rng(seed);
  for (let i = 0; i < n; i++) {
    if (i % 10 === 0) yield { t: i, kind: 'log', payload: { text: `line ${i}` } };
    else {
      const start = Math.floor(r() * 2 ** 30) * 4096;
      yield { t: i + r(), kind: 'seamcall', addrStart: start, addrEnd: start + 4096 * (1 + Math.floor(r() * 64)) };
    }
  }
}

const rejectsWith = (p: Promise<unknown>, code: string, why?: RegExp) =>
  assert.rejects(
    p,
    (e: unknown) =>
      e instanceof StoreError && e.code === code && (!why || why.test(e.message)) && !e.message.includes('\n'),
  );

for (const mode of MODES) {
  test(`${mode}: sessions, hosts, runs, events and notes; the answers equal a direct LabStore's`, async () => {
    const { dir, cleanup } = tempDir();
    try {
      const file = join(dir, 'lab.db');
      const store = await openStore(file, { mode });
      assert.equal(store.mode, mode);
      assert.equal(store.path, file);
      assert.equal(await store.getSchemaVersion(), SCHEMA_VERSION);
      const s = await store.createSession('emr', 'EMR bring-up');
      await store.createSession('cxl');
      await rejectsWith(store.createSession('cxl'), 'exists', /already exists/);
      await rejectsWith(store.createSession('  '), 'bad-input');
      assert.deepEqual(
        (await store.listSessions()).map((x) => x.name),
        ['emr', 'cxl'],
      );
      assert.equal((await store.renameSession(s.id, 'emr-2026')).name, 'emr-2026');
      const run = await store.addRun(
        'emr-2026',
        { kind: 'simulate', kernelVariant: 'upstream', status: 'ok', summary: { declared: 2000 } },
        events(2000, 3), // a generator: the worker client sends it as an array
      );
      assert.equal(run.eventCount, 2000);
      assert.equal(await store.countEvents(run.id), 2000);
      await store.addNote('emr-2026', { text: 'look here', runId: run.id, addrStart: 0x1000, addrEnd: 0x2000 });
      // Structured clone keeps what JSON would not: ±Infinity arguments.
      assert.equal((await store.eventsInWindow(run.id, -Infinity, Infinity, 10_000)).length, 2000);
      await rejectsWith(store.deleteRun(999), 'not-found');
      await rejectsWith(
        store.addRun(s.id, { kind: 'simulate', kernelVariant: 'upstream', status: 'ok' }, [
          { t: 0, kind: 'x', addrStart: 10, addrEnd: 5 },
        ]),
        'bad-input',
      );

      const direct = openLabStore(file);
      try {
        assert.deepEqual(await store.getSession('emr-2026'), direct.getSession('emr-2026'));
        assert.deepEqual(await store.eventsInRange(run.id, 0, 2 ** 40), direct.eventsInRange(run.id, 0, 2 ** 40));
        assert.deepEqual(await store.eventsInWindow(run.id, 100, 300), direct.eventsInWindow(run.id, 100, 300));
        assert.deepEqual(await store.getRun(run.id), direct.getRun(run.id));
        assert.equal(await store.integrityCheck(), 'ok');
      } finally {
        direct.close();
      }
      await store.deleteSession('cxl');
      await rejectsWith(store.requireSession('cxl'), 'not-found');
      await store.close();
      await store.close(); // idempotent
      await assert.rejects(store.listSessions(), /this store handle is closed/);
    } finally {
      cleanup();
    }
  });

  test(`${mode}: recordRun of real plans, diffs, export -> import round trip`, async () => {
    const { dir, cleanup } = tempDir();
    try {
      const one = await openStore(join(dir, 'one.db'), { mode });
      const two = await openStore(join(dir, 'two.db'), { mode });
      const h2 = loadFixtureHost('host-2s-16g.json');
      const h3 = loadFixtureHost('host-3n-16g.json');
      const a = await one.recordRun('inv', {
        kind: 'plan',
        host: h2,
        variant: 'upstream',
        plan: planTdmrs(h2, 'upstream'),
      });
      const b = await one.recordRun('inv', {
        kind: 'simulate',
        host: h3,
        variant: 'upstream',
        plan: planTdmrs(h3, 'upstream'),
        events: events(500, 9),
      });
      assert.equal(a.sessionId, b.sessionId);
      assert.equal(b.run.eventCount, 500);
      const d = await one.diffRuns(a.run.id, b.run.id);
      assert.equal(d.same, false);
      assert.deepEqual(d.host.memblockOnlyB, [{ start: 0x880000000, end: 0xc80000000, nid: 2 }]);
      const doc = await one.exportSession('inv');
      assert.equal(doc.runs.length, 2);
      const file = join(dir, 'inv.json');
      writeFileSync(file, JSON.stringify(doc));
      const imported = await two.importSession(file, JSON.parse(readFileSync(file, 'utf8')));
      assert.equal(imported.runCount, 2);
      const again = await two.exportSession('inv');
      assert.deepEqual({ ...again, exported_at: null }, { ...doc, exported_at: null });
      await rejectsWith(two.importSession(file, doc), 'exists', /--rename/);
      await rejectsWith(
        two.importSession('bad.json', { format: 'nope', version: 1 }),
        'bad-import',
        /^bad\.json: \$\.format/,
      );
      await one.close();
      await two.close();
    } finally {
      cleanup();
    }
  });

  test(`${mode}: files that are not ours are refused with their StoreError code and left untouched`, async () => {
    const { dir, cleanup } = tempDir();
    try {
      const text = join(dir, 'host.json');
      writeFileSync(text, '{"name": "not a database"}'.padEnd(200, ' '));
      const before = readFileSync(text);
      await rejectsWith(openStore(text, { mode }), 'not-sqlite', /not a SQLite database/);
      assert.deepEqual(readFileSync(text), before);
      const future = join(dir, 'future.db');
      const db = new Database(future);
      db.exec('CREATE TABLE sessions (id INTEGER PRIMARY KEY)');
      db.pragma(`application_id = ${APPLICATION_ID}`);
      db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
      db.close();
      const size = statSync(future).size;
      await rejectsWith(openStore(future, { mode }), 'newer-schema', /newer than this tdx-lab understands/);
      assert.equal(statSync(future).size, size);
      await rejectsWith(openStore(join(dir, 'missing.db'), { mode, readonly: true }), 'missing', /no such database/);
      await rejectsWith(openStore(join(dir, 'no', 'such', 'lab.db'), { mode }), 'cannot-open', /does not exist/);
      // createDir makes the per-user default folder.
      const made = await openStore(join(dir, 'new', 'lab.db'), { mode, createDir: true });
      await made.close();
      // Read-only handles refuse writes with 'read-only'.
      const ro = await openStore(join(dir, 'new', 'lab.db'), { mode, readonly: true });
      assert.equal(ro.readonly, true);
      await rejectsWith(ro.createSession('x'), 'read-only');
      await ro.close();
    } finally {
      cleanup();
    }
  });
}
