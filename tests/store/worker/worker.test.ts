/**
 * The store worker itself: one worker per database file, the main thread
 * free while SQLite works, a dead worker told as a StoreError, and the
 * protocol's method list and error codec.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, symlinkSync } from 'node:fs';
import { join, relative } from 'node:path';
import { InputError } from '../../../main/node/input-file.js';
import { StoreError } from '../../../main/store/errors.js';
import { LabStore, openLabStore } from '../../../main/store/lab-store.js';
import type { EventInput } from '../../../main/store/types.js';
import { StoreWorkerClient } from '../../../main/store/worker/client.js';
import { openStore, type AsyncLabStore } from '../../../main/store/worker/open-store.js';
import { STORE_METHODS, decodeError, encodeError } from '../../../main/store/worker/protocol.js';
import { acquireStoreWorker, openStoreWorkers, storeFileKey } from '../../../main/store/worker/registry.js';
import { tempDir } from '../helpers.js';

function bigRun(n: number): EventInput[] {
  return Array.from({ length: n }, (_, i) => ({
    t: i,
    kind: 'seamcall',
    addrStart: i * 4096,
    addrEnd: i * 4096 + 8192,
  }));
}

test('every public LabStore method is answered by the worker (and nothing else is)', () => {
  const methods = Object.getOwnPropertyNames(LabStore.prototype).filter(
    (m) =>
      m !== 'constructor' &&
      typeof Object.getOwnPropertyDescriptor(LabStore.prototype, m)?.value === 'function' &&
      // A function argument or a generator cannot cross threads; the worker's exportSession/importSession stand in.
      !['guard', 'transaction', 'close', 'exportPieces', 'importSessionFrom'].includes(m),
  );
  const listed = STORE_METHODS.filter((m) => m !== 'recordRun' && m !== 'getSchemaVersion');
  assert.deepEqual([...listed].sort(), methods.sort());
});

test('errors cross as data and come back as the same classes, codes and messages', () => {
  const se = decodeError(encodeError(new StoreError('locked', 'lab.db: database is locked')));
  assert.ok(se instanceof StoreError);
  assert.equal((se as StoreError).code, 'locked');
  assert.equal(se.message, 'lab.db: database is locked');
  assert.equal((se as StoreError).exitCode, 2);
  const ie = decodeError(encodeError(new InputError('x.json: empty file', 2)));
  assert.ok(ie instanceof InputError && !(ie instanceof StoreError));
  const bug = decodeError(encodeError(new TypeError('undefined is not a function')));
  assert.equal(bug.name, 'TypeError');
  assert.ok(!(bug instanceof InputError), 'a bug is not dressed up as bad input');
});

test('one worker per database file: the same file by any spelling shares it; other files get their own', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const file = join(dir, 'lab.db');
    mkdirSync(join(dir, 'sub'));
    symlinkSync(dir, join(dir, 'sub', 'link'));
    const spellings = [
      file,
      relative(process.cwd(), file),
      join(dir, 'sub', '..', 'lab.db'),
      join(dir, 'sub', 'link', 'lab.db'),
    ];
    assert.equal(new Set(spellings.map(storeFileKey)).size, 1);
    const before = openStoreWorkers();
    const handles = await Promise.all(spellings.map((p) => openStore(p, { mode: 'worker' })));
    const leases = await Promise.all([acquireStoreWorker(file), acquireStoreWorker(spellings[3])]);
    assert.equal(leases[0].client, leases[1].client);
    assert.equal(openStoreWorkers(), before + 1, 'one worker for the file');
    const other = await openStore(join(dir, 'other.db'), { mode: 'worker' });
    assert.equal(openStoreWorkers(), before + 2);
    // Writes through one handle are seen through every other (one connection).
    await handles[0].createSession('shared');
    for (const h of handles)
      assert.deepEqual(
        (await h.listSessions()).map((s) => s.name),
        ['shared'],
      );
    assert.deepEqual(await other.listSessions(), []);
    // A different connection shape is refused, not silently shared.
    await assert.rejects(
      acquireStoreWorker(file, { readonly: true }),
      (e: unknown) => e instanceof StoreError && /already open in this process with other options/.test(e.message),
    );
    // The worker stays until the last handle closes.
    for (const h of handles) await h.close();
    assert.equal(openStoreWorkers(), before + 2);
    assert.equal((await leases[0].client.call('listSessions', [])).length, 1);
    await leases[0].release();
    await leases[1].release();
    assert.equal(openStoreWorkers(), before + 1);
    assert.equal(leases[0].client.alive, false);
    await other.close();
    assert.equal(openStoreWorkers(), before);
  } finally {
    cleanup();
  }
});

/** Counts event-loop turns of this thread while `work` runs. */
async function turnsDuring(work: () => Promise<unknown>): Promise<number> {
  let turns = 0;
  let on = true;
  const spin = () => {
    if (!on) return;
    turns++;
    setImmediate(spin);
  };
  setImmediate(spin);
  await work();
  on = false;
  return turns;
}

test('in worker mode the main thread keeps running while SQLite writes, reads and exports (direct mode holds it for the whole call)', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const events = bigRun(150_000);
    const measure = async (store: AsyncLabStore) => {
      const s = await store.createSession('big');
      const write = await turnsDuring(() =>
        store.addRun(s.id, { kind: 'simulate', kernelVariant: 'upstream', status: 'ok' }, events),
      );
      const run = (await store.listRuns(s.id))[0];
      const read = await turnsDuring(() => store.eventsInRange(run.id, 0, 2 ** 52, 150_000));
      const exported = await turnsDuring(() => store.exportSession('big'));
      return { write, read, exported };
    };
    const worker = await openStore(join(dir, 'w.db'), { mode: 'worker' });
    const w = await measure(worker);
    await worker.close();
    const direct = await openStore(join(dir, 'd.db'), { mode: 'direct' });
    const d = await measure(direct);
    await direct.close();
    // The worker's write of 150,000 events, its range read and its export take many
    // event-loop turns' time, and this thread turned all along; direct mode holds the
    // thread for the whole call (what froze every window before).
    assert.ok(w.write > 20, `worker write: ${w.write} turns`);
    assert.ok(w.read > 5, `worker read: ${w.read} turns`);
    assert.ok(w.exported > 5, `worker export: ${w.exported} turns`);
    assert.ok(d.write <= 1, `direct write blocked the thread (${d.write} turns)`);
    assert.ok(d.read <= 1 && d.exported <= 1, `direct read ${d.read}, export ${d.exported}`);
  } finally {
    cleanup();
  }
});

test('a worker that dies mid-write: the call fails with a StoreError saying so; the file is whole; reopening works', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const file = join(dir, 'lab.db');
    const lease = await acquireStoreWorker(file);
    const s = await lease.client.call('createSession', ['crash']);
    await lease.client.call('addRun', [
      s.id,
      { kind: 'simulate', kernelVariant: 'upstream', status: 'ok', label: 'kept' },
      bigRun(1000),
    ]);
    const pending = lease.client.call('addRun', [
      s.id,
      { kind: 'simulate', kernelVariant: 'upstream', status: 'ok', label: 'lost' },
      bigRun(400_000),
    ]);
    // Stop the thread while that transaction runs (as a crash of the worker would).
    await new Promise((r) => setTimeout(r, 300));
    await (lease.client as unknown as { worker: { terminate(): Promise<number> } }).worker.terminate();
    await assert.rejects(
      pending,
      (e: unknown) =>
        e instanceof StoreError &&
        e.code === 'io' &&
        /worker thread stopped .*cannot tell whether its last call was written/.test(e.message),
    );
    await assert.rejects(
      lease.client.call('listSessions', []),
      (e: unknown) => e instanceof StoreError && e.code === 'io',
    );
    assert.equal(lease.client.alive, false);
    // The registry forgot the dead worker: the next opener gets a fresh one.
    const again = await openStore(file, { mode: 'worker' });
    assert.equal(await again.integrityCheck(), 'ok');
    const runs = await again.listRuns('crash');
    assert.ok(runs.some((r) => r.label === 'kept'));
    for (const r of runs) assert.equal(await again.countEvents(r.id), r.eventCount, 'no half-written run');
    await again.close();
    await lease.release();
    const direct = openLabStore(file);
    assert.equal(direct.integrityCheck(), 'ok');
    direct.close();
  } finally {
    cleanup();
  }
});

test('an argument that cannot be sent is refused at once, and the worker carries on', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const client = await StoreWorkerClient.start(join(dir, 'lab.db'));
    await assert.rejects(
      client.call('createSession', [(() => 'x') as unknown as string]),
      (e: unknown) => e instanceof Error && /could not be cloned/.test(e.message),
    );
    assert.equal(client.alive, true, 'the worker is unharmed');
    assert.equal((await client.call('listSessions', [])).length, 0);
    await client.close();
    assert.equal(client.alive, false);
  } finally {
    cleanup();
  }
});
