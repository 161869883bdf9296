/** Runs (plan, simulate, sweep) with their summary columns, TDMR table and payload. */
import { ENGINE_VERSION } from '../../engine/version.js';
import { StoreError } from './errors.js';
import { writeEvents } from './events.js';
import { decodePayload, encodePayload } from './payload.js';
import { Sql, nowIso } from './sql.js';
import {
  RUN_KINDS,
  type EventInput,
  type RunInput,
  type RunRecord,
  type RunWithPayload,
  type StoredTdmr,
} from './types.js';

/** The columns of the runs table as SQLite gives them (recover.ts reads them unchecked, as strings). */
export interface RunColumns<Kind = string, Status = string> {
  session_id: number;
  host_id: number | null;
  kind: Kind;
  engine_version: string;
  kernel_variant: string;
  status: Status;
  label: string | null;
  stage: string | null;
  errno: string | null;
  tdmr_count: number | null;
  tdx_bytes: number | null;
  pamt_kb: number | null;
  event_count: number;
  summary: string | null;
  created_at: string;
}

interface RunRow extends RunColumns<RunRecord['kind'], RunRecord['status']> {
  id: number;
  host_name: string | null;
}

const SELECT = `
SELECT r.id, r.session_id, r.host_id, h.name AS host_name, r.kind, r.engine_version, r.kernel_variant,
       r.status, r.label, r.stage, r.errno, r.tdmr_count, r.tdx_bytes, r.pamt_kb, r.event_count,
       r.summary, r.created_at
FROM runs r LEFT JOIN hosts h ON h.id = r.host_id`;

function toRecord(r: RunRow): RunRecord {
  return {
    id: r.id,
    sessionId: r.session_id,
    hostId: r.host_id,
    hostName: r.host_name,
    kind: r.kind,
    engineVersion: r.engine_version,
    kernelVariant: r.kernel_variant,
    status: r.status,
    label: r.label,
    stage: r.stage,
    errno: r.errno,
    tdmrCount: r.tdmr_count,
    tdxBytes: r.tdx_bytes,
    pamtKb: r.pamt_kb,
    eventCount: r.event_count,
    summary: r.summary === null ? null : JSON.parse(r.summary),
    createdAt: r.created_at,
  };
}

function checkRun(run: RunInput): void {
  if (!RUN_KINDS.includes(run.kind))
    throw new StoreError('bad-input', `run kind must be one of ${RUN_KINDS.join(', ')}, not '${String(run.kind)}'`);
  if (run.status !== 'ok' && run.status !== 'failed')
    throw new StoreError('bad-input', `run status must be 'ok' or 'failed', not '${String(run.status)}'`);
  if (typeof run.kernelVariant !== 'string' || (run.kernelVariant as string) === '')
    throw new StoreError('bad-input', 'run kernelVariant is required');
}

/**
 * Inserts a run, its TDMR table and its events in ONE transaction: a reader
 * (or a crash) sees the whole run with event_count == its events, or nothing.
 */
export function insertRun(q: Sql, sessionId: number, run: RunInput, events?: Iterable<EventInput>): RunRecord {
  checkRun(run);
  return q.tx(() => {
    if (run.hostId != null) {
      const owner = q.stmt(`SELECT session_id FROM hosts WHERE id = ?`).get(run.hostId) as
        { session_id: number } | undefined;
      if (!owner || owner.session_id !== sessionId)
        throw new StoreError('bad-input', `host #${run.hostId} is not a host of session #${sessionId}`);
    }
    const payload = encodePayload(run.payload);
    const tdmrs = run.tdmrs ?? null;
    const id = Number(
      q
        .stmt(
          `INSERT INTO runs (session_id, host_id, kind, engine_version, kernel_variant, status, label, stage, errno,
                             tdmr_count, tdx_bytes, pamt_kb, event_count, summary, payload, payload_codec, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?)`,
        )
        .run(
          sessionId,
          run.hostId ?? null,
          run.kind,
          run.engineVersion ?? ENGINE_VERSION,
          run.kernelVariant,
          run.status,
          run.label ?? null,
          run.stage ?? null,
          run.errno ?? null,
          tdmrs ? tdmrs.length : null,
          run.tdxBytes ?? null,
          run.pamtKb ?? null,
          run.summary == null ? null : JSON.stringify(run.summary),
          payload?.data ?? null,
          payload?.codec ?? null,
          run.createdAt ?? nowIso(),
        ).lastInsertRowid,
    );
    if (tdmrs) writeTdmrs(q, id, tdmrs);
    if (events) {
      const n = writeEvents(q, id, events);
      q.stmt(`UPDATE runs SET event_count = ? WHERE id = ?`).run(n, id);
    }
    return getRun(q, id)!;
  });
}

/** One TDMR row of a run (index i in the kernel's table). */
export function writeTdmr(q: Sql, runId: number, i: number, t: StoredTdmr): void {
  q.stmt(
    `INSERT INTO run_tdmrs (run_id, idx, base, size, pamt_nid, pamt_base, pamt_4k, pamt_2m, pamt_1g, reserved) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    runId,
    i,
    t.base,
    t.size,
    t.pamtNid,
    t.pamt?.base ?? null,
    t.pamt?.size4k ?? null,
    t.pamt?.size2m ?? null,
    t.pamt?.size1g ?? null,
    JSON.stringify(t.reserved),
  );
}

function writeTdmrs(q: Sql, runId: number, tdmrs: StoredTdmr[]): void {
  tdmrs.forEach((t, i) => writeTdmr(q, runId, i, t));
}

export function getRun(q: Sql, id: number): RunRecord | null {
  const row = q.stmt(`${SELECT} WHERE r.id = ?`).get(id) as RunRow | undefined;
  return row ? toRecord(row) : null;
}

export function requireRun(q: Sql, id: number): RunRecord {
  const r = getRun(q, id);
  if (!r) throw new StoreError('not-found', `${q.file}: no run #${id}`);
  return r;
}

export function getRunWithPayload(q: Sql, id: number): RunWithPayload | null {
  const run = getRun(q, id);
  if (!run) return null;
  const p = q.stmt(`SELECT payload, payload_codec FROM runs WHERE id = ?`).get(id) as {
    payload: string | Buffer | null;
    payload_codec: string | null;
  };
  return { ...run, payload: decodePayload(p.payload, p.payload_codec) };
}

export function listRuns(q: Sql, sessionId: number): RunRecord[] {
  return (q.stmt(`${SELECT} WHERE r.session_id = ? ORDER BY r.id`).all(sessionId) as RunRow[]).map(toRecord);
}

interface TdmrRow {
  base: number;
  size: number;
  pamt_nid: number | null;
  pamt_base: number | null;
  pamt_4k: number | null;
  pamt_2m: number | null;
  pamt_1g: number | null;
  reserved: string;
}

/** The run's TDMR table in kernel order (primary-key range scan). */
export function getRunTdmrs(q: Sql, runId: number): StoredTdmr[] {
  const rows = q
    .stmt(
      `SELECT base, size, pamt_nid, pamt_base, pamt_4k, pamt_2m, pamt_1g, reserved FROM run_tdmrs WHERE run_id = ? ORDER BY idx`,
    )
    .all(runId) as TdmrRow[];
  return rows.map((r) => ({
    base: r.base,
    size: r.size,
    pamtNid: r.pamt_nid,
    pamt:
      r.pamt_base === null ? null : { base: r.pamt_base, size4k: r.pamt_4k!, size2m: r.pamt_2m!, size1g: r.pamt_1g! },
    reserved: JSON.parse(r.reserved),
  }));
}

export function deleteRun(q: Sql, id: number): void {
  q.tx(() => {
    requireRun(q, id);
    q.stmt(`DELETE FROM runs WHERE id = ?`).run(id);
  });
}
