import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { planTdmrs } from '../../engine/kernel/construct.js';
import { hostToJson } from '../../engine/format/host-json.js';
import { planToResultJson } from '../../engine/format/result-json.js';
import { openLabStore } from '../../main/store/lab-store.js';
import { StoreError } from '../../main/store/errors.js';
import { recordRun } from '../../main/store/record-run.js';
import { SCHEMA_VERSION } from '../../main/store/migrations.js';
import type { EventInput, EventRecord } from '../../main/store/types.js';
import { loadFixtureHost, rng, tempDir } from './helpers.js';

test('sessions: create, list, get, rename, delete on a real file', () => {
  const { dir, cleanup } = tempDir();
  try {
    const file = join(dir, 'lab.db');
    const store = openLabStore(file);
    assert.equal(store.schemaVersion, SCHEMA_VERSION);
    const a = store.createSession('emr-bringup', 'why the EMR box fails');
    store.createSession('cxl');
    assert.deepEqual(
      store.listSessions().map((s) => s.name),
      ['emr-bringup', 'cxl'],
    );
    assert.throws(
      () => store.createSession('cxl'),
      (e: unknown) => e instanceof StoreError && e.code === 'exists' && /already exists/.test(e.message),
    );
    assert.throws(
      () => store.createSession('  '),
      (e: unknown) => e instanceof StoreError && e.code === 'bad-input',
    );
    assert.throws(
      () => store.renameSession('cxl', 'emr-bringup'),
      (e: unknown) => e instanceof StoreError && e.code === 'exists',
    );
    const renamed = store.renameSession(a.id, 'emr');
    assert.equal(renamed.name, 'emr');
    assert.equal(store.getSession('emr')?.description, 'why the EMR box fails');
    assert.equal(store.getSession('emr-bringup'), null);
    store.deleteSession('cxl');
    assert.deepEqual(
      store.listSessions().map((s) => s.name),
      ['emr'],
    );
    assert.throws(
      () => store.deleteSession('cxl'),
      (e: unknown) => e instanceof StoreError && e.code === 'not-found',
    );
    store.close();
    // Still there after reopening: it is a file, not memory.
    const again = openLabStore(file);
    assert.equal(again.getSession('emr')?.id, a.id);
    again.close();
  } finally {
    cleanup();
  }
});

test('recordRun stores the real plan: TDMR table, PAMT per node, payload; hosts are deduplicated', () => {
  const { dir, cleanup } = tempDir();
  try {
    const store = openLabStore(join(dir, 'lab.db'));
    const host = loadFixtureHost('host-2s-16g.json');
    const plan = planTdmrs(host, 'upstream');
    assert.ok(plan.ok);
    const r1 = recordRun(store, 'golden', {
      kind: 'plan',
      host,
      variant: 'upstream',
      plan,
      provenance: { file: 'a.json' },
    });
    const r2 = recordRun(store, 'golden', {
      kind: 'plan',
      host,
      variant: 'upstream',
      plan,
      provenance: { file: 'a.json' },
    });
    assert.equal(r1.hostId, r2.hostId, 'the same host from the same file is stored once');
    assert.equal(store.listHosts('golden').length, 1);
    assert.deepEqual(store.getHost(r1.hostId)?.host, hostToJson(host));

    const run = store.getRun(r1.run.id)!;
    assert.equal(run.status, 'ok');
    assert.equal(run.tdmrCount, plan.tdmrs.length);
    assert.equal(run.pamtKb, plan.pamtKb);
    assert.equal(run.hostName, host.name);
    assert.deepEqual(run.payload, planToResultJson(plan), 'the payload is the golden RESULT document');
    const tdmrs = store.getRunTdmrs(run.id);
    assert.deepEqual(
      tdmrs.map((t) => [t.base, t.size, t.pamtNid, t.pamt, t.reserved.map((x) => [x.offset, x.size])]),
      plan.tdmrs.map((t) => [t.base, t.size, t.pamtNid, t.pamt, t.reserved.map((x) => [x.offset, x.size])]),
    );
    const nodes = run.summary?.nodes ?? [];
    assert.equal(
      nodes.reduce((a, n) => a + n.pamtBytes, 0),
      plan.pamtKb * 1024,
    );
    // Plain objects: a JSON round trip changes nothing.
    assert.deepEqual(JSON.parse(JSON.stringify(run)), run);
    store.close();
  } finally {
    cleanup();
  }
});

test('a failed plan is recorded as failed with its stage and errno', () => {
  const { dir, cleanup } = tempDir();
  try {
    const store = openLabStore(join(dir, 'lab.db'));
    const host = loadFixtureHost('host-2s-16g.json');
    const tight = { ...host, module: { ...host.module, max_tdmrs: 1 } };
    const plan = planTdmrs(tight, 'upstream');
    assert.equal(plan.ok, false);
    const { run } = recordRun(store, 's', { kind: 'plan', host: tight, variant: 'upstream', plan });
    assert.equal(run.status, 'failed');
    assert.equal(run.stage, plan.ok ? null : plan.stage);
    assert.equal(run.errno, plan.ok ? null : plan.errno);
    store.close();
  } finally {
    cleanup();
  }
});

test('large payloads are compressed and come back identical', () => {
  const { dir, cleanup } = tempDir();
  try {
    const file = join(dir, 'lab.db');
    const store = openLabStore(file);
    const s = store.createSession('p');
    const rows = Array.from({ length: 5000 }, (_, i) => ({
      index: i,
      tdmrs: i % 64,
      pamt: `0x${(i * 4096).toString(16)}`,
      ok: i % 7 !== 0,
    }));
    const run = store.addRun(s.id, { kind: 'sweep', kernelVariant: 'upstream', status: 'ok', payload: { rows } });
    assert.deepEqual(store.getRun(run.id)?.payload, { rows });
    const small = store.addRun(s.id, {
      kind: 'sweep',
      kernelVariant: 'upstream',
      status: 'ok',
      payload: { rows: rows.slice(0, 2) },
    });
    store.close();
    const raw = new Database(file, { readonly: true });
    const codec = (id: number) =>
      raw.prepare(`SELECT payload_codec AS c, length(payload) AS n FROM runs WHERE id = ?`).get(id) as {
        c: string;
        n: number;
      };
    assert.equal(codec(run.id).c, 'json+deflate');
    assert.ok(codec(run.id).n < JSON.stringify({ rows }).length / 4, 'stored compressed');
    assert.equal(codec(small.id).c, 'json', 'small payloads stay readable JSON text');
    raw.close();
  } finally {
    cleanup();
  }
});

/** Random events: log lines without addresses, page-sized ranges, and a few huge (CXL-window) ranges. */
function randomEvents(n: number, seed: number): EventInput[] {
  const r = rng(seed);
  const out: EventInput[] = [];
  for (let i = 0; i < n; i++) {
    const k = r();
    const t = Math.floor(i / 3) + r(); // non-unique, mostly increasing times
    if (k < 0.1) out.push({ t, kind: 'log', payload: { text: `line ${i}` } });
    else {
      const span =
        k < 0.12 ? 2 ** 36 + Math.floor(r() * 2 ** 30) * 4096 : k < 0.2 ? 1 : 4096 * (1 + Math.floor(r() * 600));
      const start = Math.floor(r() * 2 ** 40);
      out.push({
        t,
        kind: k < 0.12 ? 'hotplug' : 'seamcall',
        addrStart: start,
        addrEnd: start + span,
        payload: k < 0.5 ? { leaf: 'TDH.SYS.CONFIG' } : undefined,
      });
    }
  }
  // Edges: the top of the 2^52 address space, and a point event.
  out.push({ t: n, kind: 'edge', addrStart: 2 ** 52 - 4096, addrEnd: 2 ** 52 });
  out.push({ t: n + 1, kind: 'point', addrStart: 0x1000 });
  return out;
}

test('events: time windows and address ranges match a brute-force scan', () => {
  const { dir, cleanup } = tempDir();
  try {
    const store = openLabStore(join(dir, 'lab.db'));
    const s = store.createSession('ev');
    const events = randomEvents(20_000, 7);
    const run = store.addRun(s.id, { kind: 'simulate', kernelVariant: 'upstream', status: 'ok' }, events);
    const other = store.addRun(
      s.id,
      { kind: 'simulate', kernelVariant: 'upstream', status: 'ok' },
      randomEvents(500, 8),
    );
    assert.equal(run.eventCount, events.length);
    assert.equal(store.countEvents(run.id), events.length);
    const stored: EventRecord[] = events.map((e, seq) => ({
      seq,
      t: e.t,
      kind: e.kind,
      addrStart: e.addrStart ?? null,
      addrEnd: e.addrStart != null ? (e.addrEnd ?? e.addrStart + 1) : null,
      payload: e.payload ?? null,
    }));

    const r = rng(99);
    for (let i = 0; i < 40; i++) {
      const t0 = r() * 7000;
      const t1 = t0 + r() * 50;
      const want = stored.filter((e) => e.t >= t0 && e.t < t1).sort((a, b) => a.t - b.t || a.seq - b.seq);
      assert.deepEqual(store.eventsInWindow(run.id, t0, t1), want);
    }
    const ranges: [number, number][] = [
      [0, 0x2000],
      [2 ** 52 - 1, 2 ** 52],
      [0, 2 ** 52],
    ];
    for (let i = 0; i < 40; i++) {
      const a = Math.floor(r() * 2 ** 40);
      ranges.push([a, a + 1 + Math.floor(r() * 2 ** (12 + Math.floor(r() * 24)))]);
    }
    for (const [a, b] of ranges) {
      const want = stored
        .filter((e) => e.addrStart !== null && e.addrStart < b && e.addrEnd! > a)
        .sort((x, y) => x.addrStart! - y.addrStart! || x.seq - y.seq);
      assert.deepEqual(store.eventsInRange(run.id, a, b), want, `range [${a}, ${b})`);
    }
    // Limits cut in query order; other runs never leak in.
    assert.equal(store.eventsInRange(run.id, 0, 2 ** 52, 10).length, 10);
    assert.ok(store.eventsInRange(other.id, 0, 2 ** 52).length <= 502);
    assert.throws(
      () =>
        store.addRun(s.id, { kind: 'simulate', kernelVariant: 'upstream', status: 'ok' }, [
          { t: 0, kind: 'x', addrStart: 10, addrEnd: 5 },
        ]),
      (e: unknown) => e instanceof StoreError && e.code === 'bad-input',
    );
    assert.equal(store.listRuns(s.id).length, 2, 'the rejected run left nothing behind');
    store.close();
  } finally {
    cleanup();
  }
});

test('notes, cascade delete, and read-only opening', () => {
  const { dir, cleanup } = tempDir();
  try {
    const file = join(dir, 'lab.db');
    const store = openLabStore(file);
    const s = store.createSession('n');
    const run = store.addRun(
      s.id,
      { kind: 'simulate', kernelVariant: 'cmr-holes', status: 'ok' },
      randomEvents(100, 3),
    );
    store.addNote('n', { text: 'TDMR 0 needs 17 holes here', runId: run.id, addrStart: 0x100000, addrEnd: 0x200000 });
    assert.equal(store.listNotes('n')[0].runId, run.id);
    store.close();

    const ro = openLabStore(file, { readonly: true });
    assert.equal(ro.getSession('n')?.notes.length, 1);
    assert.throws(
      () => ro.createSession('x'),
      (e: unknown) => e instanceof StoreError && e.code === 'read-only',
    );
    ro.close();

    const rw = openLabStore(file);
    const second = rw.addRun('n', { kind: 'simulate', kernelVariant: 'upstream', status: 'ok' }, randomEvents(50, 4));
    rw.deleteRun(second.id);
    assert.equal(rw.getRun(second.id), null);
    assert.equal(rw.eventsInRange(second.id, 0, 2 ** 52).length, 0);
    assert.throws(
      () => rw.deleteRun(second.id),
      (e: unknown) => e instanceof StoreError && e.code === 'not-found',
    );
    assert.equal(rw.getRun(run.id)?.eventCount, 102, 'the other run is untouched');
    rw.deleteSession('n');
    assert.equal(rw.getRun(run.id), null);
    assert.equal(
      rw.eventsInRange(run.id, 0, 2 ** 52).length,
      0,
      'events and their address index went with the session',
    );
    assert.equal(rw.eventsInWindow(run.id, -Infinity, Infinity).length, 0);
    assert.equal(rw.integrityCheck(), 'ok');
    rw.close();
  } finally {
    cleanup();
  }
});

test('a simulated timeline becomes queryable events (steps, block changes, SEAMCALLs, log lines)', async () => {
  const { eventsFromTimeline } = await import('../../main/store/timeline-events.js');
  const { dir, cleanup } = tempDir();
  try {
    const store = openLabStore(join(dir, 'lab.db'));
    const host = loadFixtureHost('host-2s-16g.json');
    const steps = [
      {
        index: 0,
        t: 0,
        kind: 'boot',
        summary: 'booted',
        ok: true,
        log: ['virt/tdx: BIOS enabled: private KeyID range [64, 128)'],
      },
      {
        index: 1,
        t: 12.5,
        kind: 'init',
        summary: 'TDX initialized',
        ok: true,
        seamcalls: [{ name: 'TDH.SYS.CONFIG', status: '0x0000000000000000' }],
      },
      {
        index: 2,
        t: 30,
        kind: 'hot-add',
        summary: 'cxl0 hot-added',
        ok: false,
        errno: '-EINVAL',
        range: { start: 0x880000000, end: 0xc80000000 },
        blocks: [{ start: '0x880000000', end: '0x888000000', from: 'absent', to: 'refused' }],
      },
    ];
    const { run } = recordRun(store, 'sim', {
      kind: 'simulate',
      host,
      variant: 'upstream',
      status: 'failed',
      errno: '-EINVAL',
      events: eventsFromTimeline(steps),
    });
    assert.equal(run.eventCount, 3 + 1 + 1 + 1);
    assert.deepEqual(
      store.eventsInRange(run.id, 0x884000000, 0x884001000).map((e) => e.kind),
      ['hot-add', 'block'],
    );
    assert.deepEqual(
      store.eventsInWindow(run.id, 10, 20).map((e) => [e.kind, (e.payload as { name?: string }).name ?? null]),
      [
        ['init', null],
        ['seamcall', 'TDH.SYS.CONFIG'],
      ],
    );
    store.close();
  } finally {
    cleanup();
  }
});
