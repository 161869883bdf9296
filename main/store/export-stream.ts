/**
 * `session export` as a stream of pieces (docs/sessions.md, "Export format"):
 * the one JSON document is written piece by piece, so a session of any size
 * (a 5M-region host, a million events) is exported in bounded memory. Stored
 * JSON (host, provenance, summary, payloads) is copied as the text it was
 * stored as — JSON.stringify's output — so the pieces joined are exactly
 * JSON.stringify of the document.
 */
import { inflateRawSync } from 'node:zlib';
import { hex } from '../../engine/format/hex.js';
import { ENGINE_VERSION } from '../../engine/version.js';
import { hostTextBytes } from './host-text.js';
import { EXPORT_FORMAT, EXPORT_VERSION, tdmrToJson } from './export-format.js';
import { listNotes } from './notes.js';
import { getRunTdmrs, listRuns } from './runs.js';
import { requireSession, type SessionRef } from './sessions.js';
import type { Sql } from './sql.js';

/** Events per yielded piece: large enough to be cheap, small enough to stay a few hundred KiB. */
const EVENTS_PER_PIECE = 2000;

const str = JSON.stringify;
const hexOrNull = (n: number | null): string => (n === null ? 'null' : `"${hex(n)}"`);

interface EventRow {
  seq: number;
  t: number;
  kind: string;
  addr_start: number | null;
  addr_end: number | null;
  payload: string | null;
}

/**
 * The export document of a session, in pieces (strings, or Buffers of stored
 * JSON text). Reads only, inside one read transaction: the document is a
 * consistent snapshot even while another process writes.
 */
export function* exportPieces(
  q: Sql,
  ref: SessionRef,
  exportedAt = new Date().toISOString(),
): Generator<string | Buffer> {
  const begun = !q.db.inTransaction;
  if (begun) q.db.exec('BEGIN');
  try {
    const s = requireSession(q, ref);
    yield `{"format":${str(EXPORT_FORMAT)},"version":${EXPORT_VERSION},"engine_version":${str(ENGINE_VERSION)},"exported_at":${str(exportedAt)},`;
    yield `"session":${str({ name: s.name, description: s.description, created_at: s.createdAt })},"hosts":[`;
    const hostIndex = new Map<number, number>();
    const hostRows = q
      .stmt(`SELECT id, origin, provenance, created_at FROM hosts WHERE session_id = ? ORDER BY id`)
      .all(s.id) as { id: number; origin: string; provenance: string; created_at: string }[];
    for (const [i, h] of hostRows.entries()) {
      hostIndex.set(h.id, i);
      yield `${i ? ',' : ''}{"origin":${str(h.origin)},"provenance":${h.provenance},"created_at":${str(h.created_at)},"host":`;
      // The canonical host JSON as stored, part by part: a 5M-region host is never whole here, nor parsed.
      yield* hostTextBytes(q, h.id);
      yield '}';
    }
    yield '],"runs":[';
    const runs = listRuns(q, s.id);
    const runIndex = new Map(runs.map((r, i) => [r.id, i]));
    const summaryOf = q.stmt(`SELECT summary, payload, payload_codec FROM runs WHERE id = ?`);
    const events = q.stmt(
      `SELECT seq, t, kind, addr_start, addr_end, payload FROM events WHERE run_id = ? ORDER BY seq`,
    );
    for (const [i, r] of runs.entries()) {
      const raw = summaryOf.get(r.id) as {
        summary: string | null;
        payload: string | Buffer | null;
        payload_codec: string | null;
      };
      yield (
        `${i ? ',' : ''}{"host":${r.hostId === null ? 'null' : hostIndex.get(r.hostId)},"kind":${str(r.kind)},` +
        `"engine_version":${str(r.engineVersion)},"kernel_variant":${str(r.kernelVariant)},"status":${str(r.status)},` +
        `"label":${str(r.label)},"stage":${str(r.stage)},"errno":${str(r.errno)},"tdx_bytes":${str(r.tdxBytes)},` +
        `"pamt_kb":${str(r.pamtKb)},"created_at":${str(r.createdAt)},"summary":${raw.summary ?? 'null'},` +
        `"tdmrs":${r.tdmrCount === null ? 'null' : str(getRunTdmrs(q, r.id).map(tdmrToJson))},"payload":`
      );
      if (raw.payload === null || raw.payload_codec === null) yield 'null';
      else if (raw.payload_codec === 'json+deflate') yield inflateRawSync(raw.payload as Buffer);
      else yield typeof raw.payload === 'string' ? raw.payload : raw.payload.toString('utf8');
      yield ',"events":[';
      let piece: string[] = [];
      let n = 0;
      for (const e of events.iterate(r.id) as IterableIterator<EventRow>) {
        piece.push(
          `{"seq":${e.seq},"t":${str(e.t)},"kind":${str(e.kind)},"addr_start":${hexOrNull(e.addr_start)},` +
            `"addr_end":${hexOrNull(e.addr_end)},"payload":${e.payload ?? 'null'}}`,
        );
        if (piece.length === EVENTS_PER_PIECE) {
          yield (n ? ',' : '') + piece.join(',');
          n += piece.length;
          piece = [];
        }
      }
      if (piece.length) yield (n ? ',' : '') + piece.join(',');
      yield ']}';
    }
    yield '],"notes":[';
    const notes = listNotes(q, s.id);
    yield notes
      .map((x) =>
        str({
          run: x.runId === null ? null : runIndex.get(x.runId)!,
          event_seq: x.eventSeq,
          addr_start: x.addrStart === null ? null : hex(x.addrStart),
          addr_end: x.addrEnd === null ? null : hex(x.addrEnd),
          text: x.text,
          created_at: x.createdAt,
        }),
      )
      .join(',');
    yield ']}\n';
  } finally {
    if (begun && q.db.inTransaction) q.db.exec('COMMIT');
  }
}
