/**
 * The Sessions tab's API methods (session-contract.ts) against a real lab
 * store, direct and in its worker thread: notes, rename, delete and its undo,
 * diffs of two runs and two sessions (the store's own diff, as the CLI
 * prints it), and store errors as one line. And pasteIomem (the host editor).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import type { ApiEnvelope, RunInfo, SessionInfo } from '../../main/common/api-contract.js';
import type { DeletedSession, NoteInfo, RunDiff, SessionDiff } from '../../main/common/session-contract.js';
import type { IomemRows } from '../../main/common/editor-contract.js';
import { createLabApi, type LabApi } from '../../main/api/lab-api.js';
import { openLabStore } from '../../main/store/lab-store.js';
import { recordRun } from '../../main/store/record-run.js';
import { analyzeHost } from '../../engine/outcome/analyze.js';
import { SAMPLES_DIR, loadHostText } from './app-helpers.js';

const FRAGMENTED = join(SAMPLES_DIR, '2s-server-fragmented-low-memory.json');

async function ok<T>(api: LabApi, method: string, args: unknown): Promise<T> {
  const r = (await api.call(method, args)) as ApiEnvelope<T>;
  assert.ok(r.ok, `${method}: ${!r.ok ? r.error.message : ''}`);
  return r.value;
}

async function fails(api: LabApi, method: string, args: unknown): Promise<{ code: string; message: string }> {
  const r = await api.call(method, args);
  assert.equal(r.ok, false, `${method}(${JSON.stringify(args)}) should fail`);
  if (r.ok) throw new Error('unreachable');
  assert.doesNotMatch(r.error.message, /\n/, 'one line');
  return r.error;
}

/** Two sessions: the fragmented host on upstream and on cmr-holes, and the same on upstream again. */
function notebook(dbPath: string): { upstream: number; cmrHoles: number; again: number } {
  const { host } = loadHostText(FRAGMENTED);
  const store = openLabStore(dbPath);
  try {
    const a = recordRun(store, 'fragmented', {
      kind: 'plan',
      host,
      variant: 'upstream',
      outcome: analyzeHost(host, 'upstream', { trials: false }),
      label: 'upstream',
    });
    const b = recordRun(store, 'fragmented', {
      kind: 'plan',
      host,
      variant: 'cmr-holes',
      outcome: analyzeHost(host, 'cmr-holes', { trials: false }),
      label: 'cmr-holes',
    });
    const c = recordRun(store, 'retest', {
      kind: 'plan',
      host,
      variant: 'upstream',
      outcome: analyzeHost(host, 'upstream', { trials: false }),
      label: 'upstream again',
    });
    return { upstream: a.run.id, cmrHoles: b.run.id, again: c.run.id };
  } finally {
    store.close();
  }
}

for (const mode of ['direct', 'worker'] as const)
  test(`Sessions tab methods on the lab store (${mode})`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tdx-lab-session-api-'));
    const dbPath = join(dir, 'lab.db');
    const ids = notebook(dbPath);
    const api = createLabApi({ samplesDir: SAMPLES_DIR, inProcess: true, storePath: dbPath, store: { mode } });
    try {
      const sessions = await ok<SessionInfo[]>(api, 'listSessions', {});
      const frag = sessions.find((s) => s.name === 'fragmented')!;

      // Notes: added (one about a run), listed in order.
      const n1 = await ok<NoteInfo>(api, 'addNote', { sessionId: frag.id, text: 'BIOS 2.1: 24 holes below 2 GiB' });
      const n2 = await ok<NoteInfo>(api, 'addNote', {
        sessionId: frag.id,
        text: 'cmr-holes initializes',
        runId: String(ids.cmrHoles),
      });
      assert.equal(n1.runId, null);
      assert.equal(n2.runId, String(ids.cmrHoles));
      const notes = await ok<NoteInfo[]>(api, 'listNotes', { sessionId: 'fragmented' });
      assert.deepEqual(
        notes.map((n) => [n.text, n.runId]),
        [
          ['BIOS 2.1: 24 holes below 2 GiB', null],
          ['cmr-holes initializes', String(ids.cmrHoles)],
        ],
      );
      assert.match((await fails(api, 'addNote', { sessionId: frag.id, text: '  ' })).message, /a note needs some text/);
      const wrongRun = await fails(api, 'addNote', { sessionId: frag.id, text: 'x', runId: String(ids.again) });
      assert.match(wrongRun.message, new RegExp(`run #${ids.again} is not a run of session #${frag.id}`));

      // A diff of two runs is the store's: the status and the TDMRs differ.
      const d = await ok<RunDiff>(api, 'diffRuns', { a: String(ids.upstream), b: String(ids.cmrHoles) });
      const store = openLabStore(dbPath, { readonly: true });
      try {
        assert.deepEqual(d, store.diffRuns(ids.upstream, ids.cmrHoles));
      } finally {
        store.close();
      }
      assert.equal(d.same, false);
      assert.equal(d.a.status, 'failed');
      assert.equal(d.b.status, 'ok');
      assert.equal(d.host.same, true);
      const same = await ok<RunDiff>(api, 'diffRuns', { a: String(ids.upstream), b: String(ids.again) });
      assert.equal(same.same, true);
      assert.equal((await fails(api, 'diffRuns', { a: '999', b: String(ids.again) })).code, 'not-found');
      assert.match((await fails(api, 'diffRuns', { a: 'x', b: '1' })).message, /diffRuns: argument \$\.a: "x"/);

      // Sessions: paired by host, kind and kernel variant.
      const sd = await ok<SessionDiff>(api, 'diffSessions', { a: 'fragmented', b: 'retest' });
      assert.equal(sd.pairs.length, 1);
      assert.equal(sd.pairs[0].same, true);
      assert.deepEqual(
        sd.onlyA.map((r) => r.kernelVariant),
        ['cmr-holes'],
      );

      // Rename: taken and empty names are refused in one line.
      const taken = await fails(api, 'renameSession', { id: frag.id, newName: 'retest' });
      assert.match(taken.message, /a session named 'retest' already exists/);
      assert.match((await fails(api, 'renameSession', { id: frag.id, newName: '' })).message, /cannot be empty/);
      const renamed = await ok<SessionInfo>(api, 'renameSession', { id: frag.id, newName: 'fragmented BIOS 2.1' });
      assert.equal(renamed.name, 'fragmented BIOS 2.1');
      assert.equal(renamed.id, frag.id);

      // Delete keeps a copy; undo puts the session back with its runs and notes.
      const del = await ok<DeletedSession>(api, 'deleteSession', { id: 'fragmented BIOS 2.1' });
      assert.deepEqual([del.name, del.runCount, del.noteCount, del.undoNote], ['fragmented BIOS 2.1', 2, 2, null]);
      assert.ok(del.undoToken);
      assert.deepEqual(
        (await ok<SessionInfo[]>(api, 'listSessions', {})).map((s) => s.name),
        ['retest'],
      );
      assert.equal((await fails(api, 'getSession', { id: 'fragmented BIOS 2.1' })).code, 'not-found');
      const back = await ok<SessionInfo>(api, 'undoDeleteSession', { token: del.undoToken });
      assert.equal(back.name, 'fragmented BIOS 2.1');
      assert.equal(back.runCount, 2);
      const backNotes = await ok<NoteInfo[]>(api, 'listNotes', { sessionId: back.id });
      assert.deepEqual(
        backNotes.map((n) => n.text),
        ['BIOS 2.1: 24 holes below 2 GiB', 'cmr-holes initializes'],
      );
      const backRuns = await ok<RunInfo[]>(api, 'listRuns', { sessionId: back.id });
      assert.deepEqual(
        backRuns.map((r) => [r.name, r.status]),
        [
          ['upstream', 'failed'],
          ['cmr-holes', 'ok'],
        ],
      );
      // A copy is used once.
      const again = await fails(api, 'undoDeleteSession', { token: del.undoToken });
      assert.equal(again.code, 'not-found');
      assert.equal((await fails(api, 'deleteSession', { id: 'nope' })).code, 'not-found');
    } finally {
      await api.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

test('Sessions tab methods without a lab store say why, in one line', async () => {
  const api = createLabApi({ samplesDir: SAMPLES_DIR, inProcess: true });
  try {
    const e = await fails(api, 'listNotes', { sessionId: '1' });
    assert.equal(e.code, 'unavailable');
    assert.match(e.message, /sessions are not available: no lab store is configured/);
  } finally {
    await api.close();
  }
});

test('pasteIomem reads /proc/iomem lines with the engine importer; other text is refused naming the line', async () => {
  const api = createLabApi({ samplesDir: SAMPLES_DIR, inProcess: true });
  try {
    const rows = await ok<IomemRows>(api, 'pasteIomem', {
      text: [
        '00100000-5f0dffff : System RAM',
        '  01000000-01ffffff : Kernel code',
        '100000000-407fffffff : System RAM',
        '4080000000-607fffffff : CXL Window 0',
        '  4080000000-607fffffff : region0',
      ].join('\n'),
    });
    assert.deepEqual(
      rows.memblock.map((m) => [m.start, m.end, m.nid]),
      [
        [0x100000, 0x5f0e0000, 0],
        [0x100000000, 0x4080000000, 0],
      ],
    );
    assert.deepEqual(rows.reserved, [{ start: 0x1000000, end: 0x2000000, what: 'kernel code' }]);
    assert.deepEqual(
      rows.devices.map((d) => [d.name, d.kind, d.start, d.end]),
      [['region0', 'cxl', 0x4080000000, 0x6080000000]],
    );
    assert.ok(rows.assumptions.some((a) => /all memory assumed on node 0/.test(a)));
    assert.equal(rows.lines, 5);
    const bad = await fails(api, 'pasteIomem', { text: '00100000-000fffff : System RAM' });
    assert.equal(bad.code, 'bad-input');
    assert.match(bad.message, /^pasted lines: line 1: range ends \(0x000fffff\) before it starts/);
    const prose = await fails(api, 'pasteIomem', { text: 'hello, this is not iomem' });
    assert.match(prose.message, /^pasted lines: no \/proc\/iomem lines/);
  } finally {
    await api.close();
  }
});
