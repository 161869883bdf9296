/** Hosts of a session, stored as canonical host JSON with their provenance (the text: host-text.ts). */
import { createHash } from 'node:crypto';
import type { HostJson } from '../../engine/format/host-json.js';
import { StoreError, damagedError } from './errors.js';
import { markDamaged } from './health.js';
import { hostText, writeHostText } from './host-text.js';
import { Sql, nowIso } from './sql.js';
import type { HostInput, HostOrigin, HostRecord } from './types.js';

interface HostRow {
  id: number;
  session_id: number;
  name: string;
  origin: HostOrigin;
  provenance: string;
  digest: string;
  created_at: string;
}

const COLUMNS = `id, session_id, name, origin, provenance, digest, created_at`;

function toRecord(r: HostRow, text: string): HostRecord {
  return {
    id: r.id,
    sessionId: r.session_id,
    name: r.name,
    origin: r.origin,
    provenance: JSON.parse(r.provenance),
    host: JSON.parse(text) as HostJson,
    digest: r.digest,
    createdAt: r.created_at,
  };
}

/** A stored host whose text is missing or cut (parts lost outside SQLite's own checks) is damage. */
function readRecord(q: Sql, r: HostRow): HostRecord {
  const text = hostText(q, r.id);
  try {
    if (text === undefined) throw new SyntaxError('no text');
    return toRecord(r, text);
  } catch (e) {
    if (!(e instanceof SyntaxError)) throw e;
    const why = `host #${r.id}'s stored text is incomplete`;
    markDamaged(q.file, why);
    throw damagedError(q.file, why);
  }
}

export function hostDigest(hostJsonText: string): string {
  return createHash('sha256').update(hostJsonText).digest('hex');
}

function insert(q: Sql, sessionId: number, input: HostInput, text: string): HostRecord {
  const origin = input.origin ?? 'planned';
  if (origin !== 'recorded' && origin !== 'planned')
    throw new StoreError('bad-input', `host origin must be 'recorded' or 'planned', not '${String(origin)}'`);
  const row = {
    sessionId,
    name: input.host.name,
    origin,
    provenance: JSON.stringify(input.provenance ?? {}),
    createdAt: input.createdAt ?? nowIso(),
  };
  const { id, digest } = writeHostText(q, row, text);
  // The record from the text just stored, not read back: a big host is not parsed from the database again.
  return toRecord(
    {
      id,
      session_id: sessionId,
      name: row.name,
      origin,
      provenance: row.provenance,
      digest,
      created_at: row.createdAt,
    },
    text,
  );
}

export function addHost(q: Sql, sessionId: number, input: HostInput): HostRecord {
  return insert(q, sessionId, input, JSON.stringify(input.host));
}

/** The session's host with the same content, origin and provenance, else a new one. */
export function findOrAddHost(q: Sql, sessionId: number, input: HostInput): HostRecord {
  const text = JSON.stringify(input.host);
  const row = q
    .stmt(
      `SELECT ${COLUMNS} FROM hosts WHERE session_id = ? AND digest = ? AND origin = ? AND provenance = ? ORDER BY id LIMIT 1`,
    )
    .get(sessionId, hostDigest(text), input.origin ?? 'planned', JSON.stringify(input.provenance ?? {})) as
    HostRow | undefined;
  // Same digest, same text: the stored host is this one.
  return row ? toRecord(row, text) : insert(q, sessionId, input, text);
}

export function getHost(q: Sql, id: number): HostRecord | null {
  const row = q.stmt(`SELECT ${COLUMNS} FROM hosts WHERE id = ?`).get(id) as HostRow | undefined;
  return row ? readRecord(q, row) : null;
}

export function listHosts(q: Sql, sessionId: number): HostRecord[] {
  return (q.stmt(`SELECT ${COLUMNS} FROM hosts WHERE session_id = ? ORDER BY id`).all(sessionId) as HostRow[]).map(
    (r) => readRecord(q, r),
  );
}
