/** Notes: free-text annotations on a session, optionally pinned to a run, an event or an address range. */
import { StoreError } from './errors.js';
import { Sql, nowIso } from './sql.js';
import type { NoteInput, NoteRecord } from './types.js';

interface NoteRow {
  id: number;
  session_id: number;
  run_id: number | null;
  event_seq: number | null;
  addr_start: number | null;
  addr_end: number | null;
  text: string;
  created_at: string;
}

function toRecord(r: NoteRow): NoteRecord {
  return {
    id: r.id,
    sessionId: r.session_id,
    runId: r.run_id,
    eventSeq: r.event_seq,
    addrStart: r.addr_start,
    addrEnd: r.addr_end,
    text: r.text,
    createdAt: r.created_at,
  };
}

export function addNote(q: Sql, sessionId: number, note: NoteInput): NoteRecord {
  if (typeof note.text !== 'string' || note.text.trim() === '')
    throw new StoreError('bad-input', 'a note needs some text');
  return q.tx(() => {
    if (note.runId != null) {
      const r = q.stmt(`SELECT session_id FROM runs WHERE id = ?`).get(note.runId) as
        { session_id: number } | undefined;
      if (!r || r.session_id !== sessionId)
        throw new StoreError('bad-input', `run #${note.runId} is not a run of session #${sessionId}`);
    }
    const id = Number(
      q
        .stmt(
          `INSERT INTO notes (session_id, run_id, event_seq, addr_start, addr_end, text, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          sessionId,
          note.runId ?? null,
          note.eventSeq ?? null,
          note.addrStart ?? null,
          note.addrEnd ?? null,
          note.text,
          note.createdAt ?? nowIso(),
        ).lastInsertRowid,
    );
    return toRecord(q.stmt(`SELECT * FROM notes WHERE id = ?`).get(id) as NoteRow);
  });
}

export function listNotes(q: Sql, sessionId: number): NoteRecord[] {
  return (q.stmt(`SELECT * FROM notes WHERE session_id = ? ORDER BY id`).all(sessionId) as NoteRow[]).map(toRecord);
}
