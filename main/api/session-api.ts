/**
 * The Sessions tab's API methods (main/common/session-contract.ts): rename,
 * delete with undo, notes and diffs, each one awaited call of the lab store
 * the services own (direct, or in its worker thread), as `tdx-lab session`
 * does. Store errors come back as one line (guard()). Wired into
 * createLabApi (lab-api.ts).
 */
import type { z } from 'zod';
import { ApiError } from '../common/api-contract.js';
import { UNDO_LIMITS, type NoteInfo, type SESSION_ARGS, type SessionResults } from '../common/session-contract.js';
import type { SessionExport } from '../store/export-format.js';
import type { NoteRecord } from '../store/types.js';
import type { AsyncLabStore } from '../store/worker/open-store.js';
import type { Services } from './services.js';
import { guard, runNumber, sessionInfo, sessionRef } from './session-store.js';

type Args<M extends keyof typeof SESSION_ARGS> = z.output<(typeof SESSION_ARGS)[M]>;

export type SessionHandlers = {
  [M in keyof SessionResults]: (args: Args<M>) => Promise<SessionResults[M]>;
};

/** Deleted sessions kept for undo, newest last; older copies are dropped beyond this many. */
const KEPT_COPIES = 4;

function noteInfo(n: NoteRecord): NoteInfo {
  return {
    id: String(n.id),
    sessionId: String(n.sessionId),
    runId: n.runId === null ? null : String(n.runId),
    text: n.text,
    createdAt: n.createdAt,
  };
}

/** Why a session is too large to keep a copy of for undo, or null. */
async function tooLargeForUndo(store: AsyncLabStore, id: number, runCount: number): Promise<string | null> {
  if (runCount > UNDO_LIMITS.runs) return `it has ${runCount} runs (a copy is kept for up to ${UNDO_LIMITS.runs})`;
  let events = 0;
  for (const r of await store.listRuns(id)) {
    events += await store.countEvents(r.id);
    if (events > UNDO_LIMITS.events)
      return `its runs hold more than ${UNDO_LIMITS.events.toLocaleString('en-US')} events (a copy is kept up to that)`;
  }
  return null;
}

export function createSessionApi(services: Services): { handlers: SessionHandlers; close(): Promise<void> } {
  const copies = new Map<string, { name: string; doc: SessionExport }>();
  let counter = 0;

  const handlers: SessionHandlers = {
    async renameSession(a) {
      const store = await services.store();
      return guard(async () => sessionInfo(await store.renameSession(sessionRef(a.id), a.newName)));
    },

    async deleteSession(a) {
      const store = await services.store();
      return guard(async () => {
        const s = await store.requireSession(sessionRef(a.id));
        const why = await tooLargeForUndo(store, s.id, s.runCount);
        // The copy is taken before the delete: if it cannot be read, nothing is deleted.
        const doc = why ? null : await store.exportSession(s.id);
        const gone = await store.deleteSession(s.id);
        let undoToken: string | null = null;
        if (doc) {
          undoToken = `undo-${++counter}`;
          copies.set(undoToken, { name: gone.name, doc });
          while (copies.size > KEPT_COPIES) copies.delete(copies.keys().next().value!);
        }
        return {
          name: gone.name,
          runCount: gone.runCount,
          hostCount: gone.hostCount,
          noteCount: gone.noteCount,
          undoToken,
          undoNote: why ? `no undo: ${why}` : null,
        };
      });
    },

    async undoDeleteSession(a) {
      const copy = copies.get(a.token);
      if (!copy)
        throw new ApiError(
          'not-found',
          `undoDeleteSession: no deleted session is kept under ${JSON.stringify(a.token)} (copies last until the app closes, ${KEPT_COPIES} at most)`,
        );
      const store = await services.store();
      const s = await guard(() => store.importSession(`the copy of deleted session '${copy.name}'`, copy.doc));
      copies.delete(a.token);
      return sessionInfo(s);
    },

    async listNotes(a) {
      const store = await services.store();
      return guard(async () => (await store.listNotes(sessionRef(a.sessionId))).map(noteInfo));
    },

    async addNote(a) {
      const runId = a.runId === undefined ? null : runNumber(a.runId, 'addNote', 'runId');
      const store = await services.store();
      return guard(async () => noteInfo(await store.addNote(sessionRef(a.sessionId), { text: a.text, runId })));
    },

    async diffRuns(a) {
      const ra = runNumber(a.a, 'diffRuns', 'a');
      const rb = runNumber(a.b, 'diffRuns', 'b');
      const store = await services.store();
      return guard(() => store.diffRuns(ra, rb));
    },

    async diffSessions(a) {
      const store = await services.store();
      return guard(() => store.diffSessions(sessionRef(a.a), sessionRef(a.b)));
    },
  };

  return {
    handlers,
    async close() {
      copies.clear();
    },
  };
}
