/**
 * A host's canonical JSON text in the notebook (docs/sessions.md, "Schema"):
 * the one writer and the one reader every path uses (hosts.ts, import,
 * export, recover, check).
 *
 * Up to PART_CHARS the text is `hosts.host_json`. Longer texts (a
 * 5M-region host is about 290 MB) go to `host_parts` in parts of about
 * PART_CHARS, written as they are produced, with `hosts.in_parts = 1` and
 * `host_json` the JSON null. Storing one 290 MB value cost about six times
 * its size outside the JS heap (the string's UTF-8 copy, SQLite's record,
 * and json_valid's parse for the column's CHECK); a part costs that much of
 * a few MiB. The digest is still sha256 of the whole text, taken piece by piece.
 */
import { createHash, type Hash } from 'node:crypto';
import type { Sql } from './sql.js';

/** Texts longer than this are stored in parts of about this many characters. */
export const PART_CHARS = 4 << 20;

export interface HostRowFields {
  /** Keep this id (recover); else the next one. */
  id?: number;
  sessionId: number;
  name: string;
  origin: string;
  /** JSON text. */
  provenance: string;
  createdAt: string;
}

/** A JS string may only be cut between UTF-16 code units that are not a surrogate pair. */
function safeCut(text: string, at: number): number {
  const c = text.charCodeAt(at - 1);
  return c >= 0xd800 && c <= 0xdbff ? at - 1 : at;
}

/**
 * Writes one host's text, given as a head (`{"name":…,"memblock":[`), a body
 * in pieces, and a tail, inside the caller's transaction. The body streams
 * into parts as it comes; the head and tail may be known only at the end
 * (an import learns the name and module last): they are parts of their own
 * (seq 0 and the last), and the digest is taken as the pieces pass when the
 * head given at the start is the one given at the end, else by reading the
 * body back.
 */
export class HostTextWriter {
  private pending: string[] = [];
  private pendingChars = 0;
  private id?: number;
  /** Next body part's seq (the head is 0). */
  private seq = 1;
  private readonly hash: Hash;

  constructor(
    private readonly q: Sql,
    private readonly row: HostRowFields,
    /** The head the text is expected to start with ('' when the body holds all of it). */
    private readonly expectedHead = '',
  ) {
    this.hash = createHash('sha256').update(expectedHead);
  }

  /** The next piece of the body (any length). */
  body(piece: string): void {
    if (piece === '') return;
    this.hash.update(piece);
    this.pending.push(piece);
    this.pendingChars += piece.length;
    if (this.pendingChars >= PART_CHARS) this.flush(false);
  }

  /** Writes whole parts of the pending body; at the end, all of it. */
  private flush(all: boolean): void {
    const text = this.pending.length === 1 ? this.pending[0] : this.pending.join('');
    this.pending = [];
    this.pendingChars = 0;
    if (this.id === undefined) this.id = this.insertRow(this.row, 'null', 1, '');
    const put = this.q.stmt(`INSERT INTO host_parts (host_id, seq, part) VALUES (?, ?, ?)`);
    let at = 0;
    while (text.length - at >= PART_CHARS || (all && at < text.length)) {
      const end = text.length - at <= PART_CHARS ? text.length : safeCut(text, at + PART_CHARS);
      put.run(this.id, this.seq++, text.slice(at, end));
      at = end;
    }
    if (at < text.length) {
      this.pending.push(text.slice(at));
      this.pendingChars = text.length - at;
    }
  }

  private insertRow(row: HostRowFields, text: string, inParts: 0 | 1, digest: string): number {
    return Number(
      this.q
        .stmt(
          `INSERT INTO hosts (id, session_id, name, origin, provenance, host_json, in_parts, digest, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(row.id ?? null, row.sessionId, row.name, row.origin, row.provenance, text, inParts, digest, row.createdAt)
        .lastInsertRowid,
    );
  }

  /**
   * Completes the text with its head and tail; `row` replaces the fields
   * given at the start (an import validates them last). Returns the host's id and digest.
   */
  finish(head = this.expectedHead, tail = '', row: HostRowFields = this.row): { id: number; digest: string } {
    if (this.id === undefined && this.pendingChars + head.length + tail.length <= PART_CHARS) {
      const text = head + this.pending.join('') + tail;
      this.pending = [];
      const digest = createHash('sha256').update(text).digest('hex');
      return { id: this.insertRow(row, text, 0, digest), digest };
    }
    this.flush(true);
    const id = this.id!;
    const lastBody = this.seq - 1;
    const put = this.q.stmt(`INSERT INTO host_parts (host_id, seq, part) VALUES (?, ?, ?)`);
    if (head !== '') put.run(id, 0, head);
    if (tail !== '') put.run(id, lastBody + 1, tail);
    let hash = this.hash;
    if (head !== this.expectedHead) {
      // The body is already stored: take the digest again, reading it back after the real head.
      hash = createHash('sha256').update(head);
      for (const p of this.q
        .stmt(`SELECT CAST(part AS BLOB) AS b FROM host_parts WHERE host_id = ? AND seq BETWEEN 1 AND ? ORDER BY seq`)
        .iterate(id, lastBody) as IterableIterator<{ b: Buffer }>)
        hash.update(p.b);
    }
    const digest = hash.update(tail).digest('hex');
    this.q
      .stmt(
        `UPDATE hosts SET session_id = ?, name = ?, origin = ?, provenance = ?, digest = ?, created_at = ? WHERE id = ?`,
      )
      .run(row.sessionId, row.name, row.origin, row.provenance, digest, row.createdAt, id);
    return { id, digest };
  }
}

/** Stores a host's whole canonical text (already in memory) through the one writer. */
export function writeHostText(q: Sql, row: HostRowFields, text: string): { id: number; digest: string } {
  const w = new HostTextWriter(q, row);
  w.body(text);
  return w.finish();
}

/** Whether the connection's schema has host parts (version 3; recover and check also read older files). */
const hasParts = new WeakMap<Sql, boolean>();
function schemaHasParts(q: Sql): boolean {
  let v = hasParts.get(q);
  if (v === undefined) {
    v = q.db.prepare(`SELECT 1 FROM pragma_table_info('hosts') WHERE name = 'in_parts'`).get() !== undefined;
    hasParts.set(q, v);
  }
  return v;
}

/**
 * Host `id`'s canonical JSON text as the UTF-8 bytes of its pieces, in order
 * (export copies them as they come; nothing else may use the connection
 * until the generator is done). Nothing when there is no such host.
 */
export function* hostTextBytes(q: Sql, id: number): Generator<Buffer> {
  const row = (
    schemaHasParts(q)
      ? q.stmt(`SELECT in_parts, CAST(host_json AS BLOB) AS j FROM hosts WHERE id = ?`).get(id)
      : q.stmt(`SELECT 0 AS in_parts, CAST(host_json AS BLOB) AS j FROM hosts WHERE id = ?`).get(id)
  ) as { in_parts: number; j: Buffer } | undefined;
  if (!row) return;
  if (!row.in_parts) {
    yield row.j;
    return;
  }
  for (const p of q
    .stmt(`SELECT CAST(part AS BLOB) AS b FROM host_parts WHERE host_id = ? ORDER BY seq`)
    .iterate(id) as IterableIterator<{ b: Buffer }>)
    yield p.b;
}

/** Host `id`'s whole text (for parsing it), or undefined when there is no such host. */
export function hostText(q: Sql, id: number): string | undefined {
  // Decoded part by part as read (each part was cut between characters), so the bytes go as the text grows.
  const texts: string[] = [];
  for (const b of hostTextBytes(q, id)) texts.push(b.toString('utf8'));
  if (texts.length === 0) return undefined;
  return texts.length === 1 ? texts[0] : texts.join('');
}
