/** Hosts of a session, stored as canonical host JSON with their provenance. */
import { createHash } from 'node:crypto';
import type { HostJson } from '../../engine/format/host-json.js';
import { StoreError } from './errors.js';
import { Sql, nowIso } from './sql.js';
import type { HostInput, HostOrigin, HostRecord } from './types.js';

interface HostRow {
  id: number;
  session_id: number;
  name: string;
  origin: HostOrigin;
  provenance: string;
  host_json: string;
  digest: string;
  created_at: string;
}

const COLUMNS = `id, session_id, name, origin, provenance, host_json, digest, created_at`;

function toRecord(r: HostRow): HostRecord {
  return {
    id: r.id,
    sessionId: r.session_id,
    name: r.name,
    origin: r.origin,
    provenance: JSON.parse(r.provenance),
    host: JSON.parse(r.host_json) as HostJson,
    digest: r.digest,
    createdAt: r.created_at,
  };
}

export function hostDigest(hostJsonText: string): string {
  return createHash('sha256').update(hostJsonText).digest('hex');
}

export function addHost(q: Sql, sessionId: number, input: HostInput): HostRecord {
  const text = JSON.stringify(input.host);
  const origin = input.origin ?? 'planned';
  if (origin !== 'recorded' && origin !== 'planned')
    throw new StoreError('bad-input', `host origin must be 'recorded' or 'planned', not '${String(origin)}'`);
  const id = Number(
    q
      .stmt(
        `INSERT INTO hosts (session_id, name, origin, provenance, host_json, digest, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        sessionId,
        input.host.name,
        origin,
        JSON.stringify(input.provenance ?? {}),
        text,
        hostDigest(text),
        input.createdAt ?? nowIso(),
      ).lastInsertRowid,
  );
  return getHost(q, id)!;
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
  return row ? toRecord(row) : addHost(q, sessionId, input);
}

export function getHost(q: Sql, id: number): HostRecord | null {
  const row = q.stmt(`SELECT ${COLUMNS} FROM hosts WHERE id = ?`).get(id) as HostRow | undefined;
  return row ? toRecord(row) : null;
}

export function listHosts(q: Sql, sessionId: number): HostRecord[] {
  return (q.stmt(`SELECT ${COLUMNS} FROM hosts WHERE session_id = ? ORDER BY id`).all(sessionId) as HostRow[]).map(
    toRecord,
  );
}
