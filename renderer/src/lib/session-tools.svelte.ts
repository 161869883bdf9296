/**
 * The Sessions tab's tools beside the session and run lists: the open
 * session's notes, rename, delete (with a confirm, then undo), two picked
 * runs (A and B, from any session) to diff or to open in compare, and a
 * diff of two sessions. Every answer is the store's (through the API); this
 * state only holds it. One instance for the page's life.
 */
import type { TdxLabApi } from '../../../main/common/api-contract.js';
import type { DeletedSession, NoteInfo, RunDiff, SessionDiff } from '../../../main/common/session-contract.js';
import { message, type LabState } from './lab.svelte.js';

export interface PickedRun {
  id: string;
  name: string;
  session: string;
}

export type DiffShown = { kind: 'runs'; diff: RunDiff } | { kind: 'sessions'; diff: SessionDiff };

export class SessionTools {
  notes = $state<NoteInfo[]>([]);
  /** The session the notes are of. */
  notesOf = $state<string | null>(null);
  picked = $state<{ a: PickedRun | null; b: PickedRun | null }>({ a: null, b: null });
  diff = $state.raw<DiffShown | null>(null);
  /** The last deletion, until it is undone or another action replaces it. */
  deleted = $state<DeletedSession | null>(null);
  error = $state<string | null>(null);
  busy = $state(false);

  constructor(
    readonly api: TdxLabApi,
    readonly lab: LabState,
  ) {}

  async #do<T>(fn: () => Promise<T>): Promise<T | undefined> {
    this.busy = true;
    this.error = null;
    try {
      return await fn();
    } catch (e) {
      this.error = message(e);
      return undefined;
    } finally {
      this.busy = false;
    }
  }

  async loadNotes(sessionId: string): Promise<void> {
    await this.#do(async () => {
      const notes = await this.api.listNotes({ sessionId });
      if (this.lab.openSessionId !== sessionId) return;
      this.notes = notes;
      this.notesOf = sessionId;
    });
  }

  async addNote(sessionId: string, text: string, runId: string | null): Promise<boolean> {
    const n = await this.#do(() => this.api.addNote({ sessionId, text, ...(runId ? { runId } : {}) }));
    if (!n) return false;
    if (this.notesOf === sessionId) this.notes = [...this.notes, n];
    void this.lab.loadSessions();
    return true;
  }

  async rename(sessionId: string, newName: string): Promise<boolean> {
    const s = await this.#do(() => this.api.renameSession({ id: sessionId, newName }));
    if (!s) return false;
    for (const p of ['a', 'b'] as const) {
      const r = this.picked[p];
      if (r && this.lab.runs.some((x) => x.id === r.id)) this.picked[p] = { ...r, session: s.name };
    }
    await this.lab.loadSessions();
    return true;
  }

  async remove(sessionId: string): Promise<void> {
    const d = await this.#do(() => this.api.deleteSession({ id: sessionId }));
    if (!d) return;
    this.deleted = d;
    this.diff = null;
    const gone = new Set(this.lab.runs.map((r) => r.id));
    for (const p of ['a', 'b'] as const) if (this.picked[p] && gone.has(this.picked[p]!.id)) this.picked[p] = null;
    this.lab.openSessionId = null;
    this.lab.runs = [];
    this.notes = [];
    this.notesOf = null;
    await this.lab.loadSessions();
  }

  async undoRemove(): Promise<void> {
    const token = this.deleted?.undoToken;
    if (!token) return;
    const s = await this.#do(() => this.api.undoDeleteSession({ token }));
    if (!s) return;
    this.deleted = null;
    await this.lab.loadSessions();
    await this.lab.openSession(s.id);
    await this.loadNotes(s.id);
  }

  pick(slot: 'a' | 'b', run: PickedRun): void {
    this.picked = { ...this.picked, [slot]: run };
  }

  async diffRuns(): Promise<void> {
    const { a, b } = this.picked;
    if (!a || !b) return;
    const diff = await this.#do(() => this.api.diffRuns({ a: a.id, b: b.id }));
    if (diff) this.diff = { kind: 'runs', diff };
  }

  async diffSessions(a: string, b: string): Promise<void> {
    const diff = await this.#do(() => this.api.diffSessions({ a, b }));
    if (diff) this.diff = { kind: 'sessions', diff };
  }
}

let tools: SessionTools | null = null;

export function sessionTools(lab: LabState): SessionTools {
  return (tools ??= new SessionTools(lab.api, lab));
}
