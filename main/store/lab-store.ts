/**
 * LabStore: the lab notebook's one API. Synchronous (better-sqlite3), typed,
 * plain-object results, so the CLI, the Electron main process and a serve
 * mode share it. Every SQLite failure surfaces as a one-line StoreError that
 * names the file; every multi-row write is one transaction.
 */
import type Database from 'better-sqlite3';
import { StoreError, storeErrorFrom } from './errors.js';
import { diffRuns, diffSessions, type RunDiff, type RunSnapshot, type SessionDiff } from './diff.js';
import { DEFAULT_EVENT_LIMIT, countEvents, eventsInRange, eventsInWindow } from './events.js';
import { EXPORT_FORMAT, EXPORT_VERSION, type SessionExport } from './export-format.js';
import { exportPieces } from './export-stream.js';
import { importSessionText } from './import-stream.js';
import { addHost, findOrAddHost, getHost, listHosts } from './hosts.js';
import { SCHEMA_VERSION, userVersion } from './migrations.js';
import { addNote, listNotes } from './notes.js';
import { DEFAULT_BUSY_TIMEOUT_MS, openDatabase, type OpenOptions } from './open.js';
import { deleteRun, getRunTdmrs, getRunWithPayload, insertRun, listRuns, requireRun } from './runs.js';
import {
  createSession,
  deleteSession,
  findSession,
  listSessions,
  renameSession,
  requireSession,
  type SessionRef,
} from './sessions.js';
import { Sql, nowIso } from './sql.js';
import type {
  EventInput,
  EventRecord,
  HostInput,
  HostRecord,
  NoteInput,
  NoteRecord,
  RunInput,
  RunRecord,
  RunWithPayload,
  SessionDetail,
  SessionInfo,
  StoredTdmr,
} from './types.js';

export type { SessionRef } from './sessions.js';

export class LabStore {
  private readonly q: Sql;
  private readonly busyTimeoutMs: number;
  /** Set once SQLite reported damage: from then on every call refuses (health.ts). */
  private damaged?: StoreError;

  private constructor(
    db: Database.Database,
    readonly path: string,
    readonly readonly: boolean,
    busyTimeoutMs: number,
  ) {
    this.q = new Sql(db, path);
    this.busyTimeoutMs = busyTimeoutMs;
  }

  static open(path: string, options: OpenOptions = {}): LabStore {
    const db = openDatabase(path, options);
    return new LabStore(db, path, options.readonly ?? false, options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS);
  }

  /** Runs fn, turning SQLite errors (busy, corrupt, read-only...) into StoreErrors naming the file. */
  private guard<T>(fn: () => T): T {
    if (this.damaged) throw this.damaged;
    try {
      return fn();
    } catch (e) {
      try {
        storeErrorFrom(this.path, e, this.busyTimeoutMs);
      } catch (se) {
        if (se instanceof StoreError && se.code === 'corrupt') this.damaged = se;
        throw se;
      }
    }
  }

  /** Runs fn (several store calls) as one write transaction: all or nothing. */
  transaction<T>(fn: () => T): T {
    return this.guard(() => this.q.tx(fn));
  }

  get schemaVersion(): number {
    return this.guard(() => userVersion(this.q.db));
  }

  // Sessions

  createSession(name: string, description: string | null = null): SessionInfo {
    return this.guard(() => createSession(this.q, name, description));
  }

  listSessions(): SessionInfo[] {
    return this.guard(() => listSessions(this.q));
  }

  /** A session with its hosts, runs and notes, or null. */
  getSession(ref: SessionRef): SessionDetail | null {
    return this.guard(() => {
      const s = findSession(this.q, ref);
      if (!s) return null;
      return { ...s, hosts: listHosts(this.q, s.id), runs: listRuns(this.q, s.id), notes: listNotes(this.q, s.id) };
    });
  }

  /** Like getSession, but a missing session is a StoreError('not-found'). */
  requireSession(ref: SessionRef): SessionInfo {
    return this.guard(() => requireSession(this.q, ref));
  }

  /** The session named `name`, created if missing (one transaction). */
  ensureSession(name: string): SessionInfo {
    return this.guard(() => this.q.tx(() => findSession(this.q, name) ?? createSession(this.q, name)));
  }

  renameSession(ref: SessionRef, newName: string): SessionInfo {
    return this.guard(() => renameSession(this.q, ref, newName));
  }

  deleteSession(ref: SessionRef): SessionInfo {
    return this.guard(() => deleteSession(this.q, ref));
  }

  // Hosts

  addHost(session: SessionRef, input: HostInput): HostRecord {
    return this.guard(() => this.q.tx(() => addHost(this.q, requireSession(this.q, session).id, input)));
  }

  /** The session's identical host (content, origin, provenance) if recorded before, else a new one. */
  findOrAddHost(session: SessionRef, input: HostInput): HostRecord {
    return this.guard(() => this.q.tx(() => findOrAddHost(this.q, requireSession(this.q, session).id, input)));
  }

  getHost(id: number): HostRecord | null {
    return this.guard(() => getHost(this.q, id));
  }

  listHosts(session: SessionRef): HostRecord[] {
    return this.guard(() => listHosts(this.q, requireSession(this.q, session).id));
  }

  // Runs and events

  /** Adds a run with its TDMR table and events, all in one transaction. */
  addRun(session: SessionRef, run: RunInput, events?: Iterable<EventInput>): RunRecord {
    return this.guard(() => this.q.tx(() => insertRun(this.q, requireSession(this.q, session).id, run, events)));
  }

  listRuns(session: SessionRef): RunRecord[] {
    return this.guard(() => listRuns(this.q, requireSession(this.q, session).id));
  }

  /** The run with its decoded payload, or null. */
  getRun(id: number): RunWithPayload | null {
    return this.guard(() => getRunWithPayload(this.q, id));
  }

  deleteRun(id: number): void {
    this.guard(() => deleteRun(this.q, id));
  }

  getRunTdmrs(runId: number): StoredTdmr[] {
    return this.guard(() => getRunTdmrs(this.q, runId));
  }

  /** Events with t0 <= t < t1, in time order (at most `limit`). */
  eventsInWindow(runId: number, t0: number, t1: number, limit = DEFAULT_EVENT_LIMIT): EventRecord[] {
    return this.guard(() => eventsInWindow(this.q, runId, t0, t1, limit));
  }

  /** Events whose address range overlaps [start, end), by address (at most `limit`). */
  eventsInRange(runId: number, start: number, end: number, limit = DEFAULT_EVENT_LIMIT): EventRecord[] {
    return this.guard(() => eventsInRange(this.q, runId, start, end, limit));
  }

  countEvents(runId: number): number {
    return this.guard(() => {
      requireRun(this.q, runId);
      return countEvents(this.q, runId);
    });
  }

  // Diffs

  /** A run with its host and TDMR table, ready for diffRuns. */
  runSnapshot(runId: number): RunSnapshot {
    return this.guard(() => {
      const run = requireRun(this.q, runId);
      const session = requireSession(this.q, run.sessionId);
      return {
        session: session.name,
        run,
        host: run.hostId === null ? null : getHost(this.q, run.hostId),
        tdmrs: getRunTdmrs(this.q, runId),
      };
    });
  }

  diffRuns(runA: number, runB: number): RunDiff {
    return diffRuns(this.runSnapshot(runA), this.runSnapshot(runB));
  }

  /** Pairs the sessions' newest runs per (host, kind, kernel variant) and diffs each pair. */
  diffSessions(a: SessionRef, b: SessionRef): SessionDiff {
    const sa = this.requireSession(a);
    const sb = this.requireSession(b);
    const snaps = (id: number) => this.listRuns(id).map((r) => this.runSnapshot(r.id));
    return diffSessions(sa.name, snaps(sa.id), sb.name, snaps(sb.id));
  }

  // Notes

  addNote(session: SessionRef, note: NoteInput): NoteRecord {
    return this.guard(() => this.q.tx(() => addNote(this.q, requireSession(this.q, session).id, note)));
  }

  listNotes(session: SessionRef): NoteRecord[] {
    return this.guard(() => listNotes(this.q, requireSession(this.q, session).id));
  }

  // Export / import

  /** The session as a portable document (format tdx-lab-session v1), in memory: for small sessions. */
  exportSession(session: SessionRef): SessionExport {
    return this.guard(() => {
      const parts = [...exportPieces(this.q, session)].map((p) => (typeof p === 'string' ? p : p.toString('utf8')));
      return JSON.parse(parts.join('')) as SessionExport;
    });
  }

  /**
   * The same document as pieces, produced one at a time (a session of any
   * size; export-stream.ts). SQLite errors while reading surface as StoreErrors.
   */
  *exportPieces(session: SessionRef): Generator<string | Buffer> {
    if (this.damaged) throw this.damaged;
    const it = exportPieces(this.q, session);
    for (;;) {
      const r = this.guard(() => it.next());
      if (r.done) return;
      yield r.value;
    }
  }

  /** Remembers that a report/export file was written from a session. */
  recordExport(
    session: SessionRef,
    path: string,
    bytes: number,
    format = EXPORT_FORMAT,
    formatVersion = EXPORT_VERSION,
  ): void {
    this.guard(() =>
      this.q
        .stmt(
          `INSERT INTO exports (session_id, format, format_version, path, bytes, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
        )
        .run(requireSession(this.q, session).id, format, formatVersion, path, bytes, nowIso()),
    );
  }

  /**
   * Imports a parsed export document read from `file` (named in errors). Fails
   * with StoreError('exists') if the session name is taken and no `rename` is given.
   */
  importSession(file: string, doc: unknown, rename?: string): SessionInfo {
    const text = JSON.stringify(doc) ?? 'null';
    return this.importSessionFrom(file, (push) => push(text), rename);
  }

  /**
   * Imports a session file read in one pass: `read` calls `push` with each
   * chunk of text (import-stream.ts). One transaction: a bad file writes nothing.
   */
  importSessionFrom(file: string, read: (push: (chunk: string) => void) => void, rename?: string): SessionInfo {
    return this.guard(() => importSessionText(this.q, file, read, rename));
  }

  /** Integrity check (PRAGMA integrity_check): 'ok' or SQLite's first complaint. */
  integrityCheck(): string {
    return this.guard(() => String(this.q.db.pragma('integrity_check', { simple: true })));
  }

  close(): void {
    if (this.q.db.open) this.q.db.close();
  }
}

/** Opens the notebook at `path` (created and migrated to the current schema unless readonly). */
export function openLabStore(path: string, options: OpenOptions = {}): LabStore {
  return LabStore.open(path, options);
}

export { SCHEMA_VERSION, StoreError };
