/** Sessions: named investigations that own hosts, runs and notes. */
import { StoreError } from './errors.js';
import { Sql, nowIso } from './sql.js';
import type { SessionInfo } from './types.js';

/** A session by id (number) or by name (string). */
export type SessionRef = number | string;

interface SessionRow {
  id: number;
  name: string;
  description: string | null;
  created_at: string;
  run_count: number;
  host_count: number;
  note_count: number;
  last_run_at: string | null;
}

const SELECT = `
SELECT s.id, s.name, s.description, s.created_at,
  (SELECT count(*) FROM runs r WHERE r.session_id = s.id) AS run_count,
  (SELECT count(*) FROM hosts h WHERE h.session_id = s.id) AS host_count,
  (SELECT count(*) FROM notes n WHERE n.session_id = s.id) AS note_count,
  (SELECT max(r.created_at) FROM runs r WHERE r.session_id = s.id) AS last_run_at
FROM sessions s`;

function toInfo(r: SessionRow): SessionInfo {
  return {
    id: r.id,
    name: r.name,
    description: r.description,
    createdAt: r.created_at,
    runCount: r.run_count,
    hostCount: r.host_count,
    noteCount: r.note_count,
    lastRunAt: r.last_run_at,
  };
}

/** Session names are what people type: non-empty, no control characters, at most 200 characters. */
export function checkSessionName(name: string): string {
  if (typeof name !== 'string' || name.trim() === '')
    throw new StoreError('bad-input', 'a session name cannot be empty');
  if (name !== name.trim()) throw new StoreError('bad-input', `session name '${name}' has leading or trailing spaces`);
  if (/[\u0000-\u001f\u007f]/.test(name))
    throw new StoreError('bad-input', 'a session name cannot contain control characters');
  if (name.length > 200) throw new StoreError('bad-input', 'a session name is limited to 200 characters');
  return name;
}

export function findSession(q: Sql, ref: SessionRef): SessionInfo | null {
  const row = (
    typeof ref === 'number'
      ? q.stmt(`${SELECT} WHERE s.id = ?`).get(ref)
      : q.stmt(`${SELECT} WHERE s.name = ?`).get(ref)
  ) as SessionRow | undefined;
  return row ? toInfo(row) : null;
}

export function requireSession(q: Sql, ref: SessionRef): SessionInfo {
  const s = findSession(q, ref);
  if (!s)
    throw new StoreError(
      'not-found',
      `${q.file}: no session ${typeof ref === 'number' ? `#${ref}` : `named '${ref}'`}`,
    );
  return s;
}

export function createSession(
  q: Sql,
  name: string,
  description: string | null = null,
  createdAt: string = nowIso(),
): SessionInfo {
  checkSessionName(name);
  return q.tx(() => {
    if (findSession(q, name)) throw new StoreError('exists', `${q.file}: a session named '${name}' already exists`);
    const id = Number(
      q.stmt(`INSERT INTO sessions (name, description, created_at) VALUES (?, ?, ?)`).run(name, description, createdAt)
        .lastInsertRowid,
    );
    return requireSession(q, id);
  });
}

export function listSessions(q: Sql): SessionInfo[] {
  return (q.stmt(`${SELECT} ORDER BY s.created_at, s.id`).all() as SessionRow[]).map(toInfo);
}

export function renameSession(q: Sql, ref: SessionRef, newName: string): SessionInfo {
  checkSessionName(newName);
  return q.tx(() => {
    const s = requireSession(q, ref);
    if (s.name === newName) return s;
    if (findSession(q, newName))
      throw new StoreError('exists', `${q.file}: a session named '${newName}' already exists`);
    q.stmt(`UPDATE sessions SET name = ? WHERE id = ?`).run(newName, s.id);
    return requireSession(q, s.id);
  });
}

/** Deletes the session and, through ON DELETE CASCADE, its hosts, runs, TDMRs, events and notes. */
export function deleteSession(q: Sql, ref: SessionRef): SessionInfo {
  return q.tx(() => {
    const s = requireSession(q, ref);
    q.stmt(`DELETE FROM sessions WHERE id = ?`).run(s.id);
    return s;
  });
}
