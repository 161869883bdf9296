/**
 * The Sessions tab's part of the API contract: rename, delete (with undo),
 * notes, and diffs of two runs or two sessions — what `tdx-lab session`
 * does on the CLI, through the same store methods. Spread into API_ARGS and
 * ApiResults in api-contract.ts. Browser-safe: no node:* imports.
 */
import { z } from 'zod';
import type { SessionInfo } from './api-contract.js';
import type { RunDiff, SessionDiff } from '../store/diff.js';

export type {
  RunDiff,
  SessionDiff,
  RunBrief,
  HostDiff,
  TdmrRowDiff,
  ReservedDiff,
  PamtNodeDiff,
} from '../store/diff.js';

const id = z.string().min(1, 'must not be empty').max(200, 'is longer than 200 characters');

export const SESSION_ARGS = {
  /** Renames a session (by number or name); the store refuses a name that is taken or empty. */
  renameSession: z.strictObject({ id, newName: z.string().max(400, 'is longer than 400 characters') }),
  /**
   * Deletes a session with its hosts, runs, events and notes. A copy is kept
   * on the Node side (sessions up to UNDO_LIMITS) so undoDeleteSession can put it back.
   */
  deleteSession: z.strictObject({ id }),
  /** Puts a deleted session back from its copy (as a new session of the same name). */
  undoDeleteSession: z.strictObject({ token: z.string().min(1, 'must not be empty').max(100) }),
  listNotes: z.strictObject({ sessionId: id }),
  /** Adds a note to a session, optionally about one of its runs. */
  addNote: z.strictObject({
    sessionId: id,
    text: z.string().max(20_000, 'is longer than 20,000 characters'),
    runId: id.optional(),
  }),
  /** What changed between two runs (of any sessions): hosts, statuses, TDMRs, PAMT per node, reserved areas. */
  diffRuns: z.strictObject({ a: id, b: id }),
  /** Two sessions' newest runs paired by host, kind and kernel variant, each pair diffed. */
  diffSessions: z.strictObject({ a: id, b: id }),
} as const;

/** A session copy is kept for undo only up to these sizes (it is held in memory on the Node side). */
export const UNDO_LIMITS = { runs: 500, events: 200_000 } as const;

export interface NoteInfo {
  id: string;
  sessionId: string;
  /** The run the note is about, if any. */
  runId: string | null;
  text: string;
  createdAt: string;
}

export interface DeletedSession {
  name: string;
  runCount: number;
  hostCount: number;
  noteCount: number;
  /** Pass to undoDeleteSession to put the session back; null when it was too large to keep (undoNote says why). */
  undoToken: string | null;
  undoNote: string | null;
}

export interface SessionResults {
  renameSession: SessionInfo;
  deleteSession: DeletedSession;
  undoDeleteSession: SessionInfo;
  listNotes: NoteInfo[];
  addNote: NoteInfo;
  diffRuns: RunDiff;
  diffSessions: SessionDiff;
}
