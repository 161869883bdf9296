/**
 * A run's event timeline: written in bulk inside the run's transaction, read
 * by time window (index events_time: run_id, t) or by address range (table
 * event_addrs, keyed run_id, span_class, addr_start, seq).
 *
 * Address ranges use span classes (span-class.ts): an event of class k is at
 * most 2^k bytes long, so it can touch [start, end) only if it starts after
 * start - 2^k. One bounded index scan per class (54 at most, most empty).
 */
import { StoreError } from './errors.js';
import { radixOrder } from './radix-order.js';
import { MAX_SPAN_CLASS, spanClass } from './span-class.js';
import type { Sql } from './sql.js';
import type { EventInput, EventRecord } from './types.js';

/** Rows per multi-row INSERT: fewer statement calls, well under SQLite's 32766 parameters. */
const BATCH = 128;
const COLS = 7;
const INSERT_HEAD = `INSERT INTO events (run_id, seq, t, kind, addr_start, addr_end, payload) VALUES `;
const ROW = `(?, ?, ?, ?, ?, ?, ?)`;
const ADDR_COLS = 5;
const ADDR_HEAD = `INSERT INTO event_addrs (run_id, span_class, addr_start, seq, addr_end) VALUES `;
const ADDR_ROW = `(?, ?, ?, ?, ?)`;

/** The address-index rows of a run, gathered while its events are written. */
class AddrRows {
  cls: number[] = [];
  start: number[] = [];
  end: number[] = [];
  seq: number[] = [];
  push(start: number, end: number, seq: number): void {
    this.cls.push(spanClass(end - start));
    this.start.push(start);
    this.end.push(end);
    this.seq.push(seq);
  }
}

/** Default cap on rows one query returns; callers page with a narrower window or a higher limit. */
export const DEFAULT_EVENT_LIMIT = 100_000;

interface EventRow {
  seq: number;
  t: number;
  kind: string;
  addr_start: number | null;
  addr_end: number | null;
  payload: string | null;
}

function toRecord(r: EventRow): EventRecord {
  return {
    seq: r.seq,
    t: r.t,
    kind: r.kind,
    addrStart: r.addr_start,
    addrEnd: r.addr_end,
    payload: r.payload === null ? null : JSON.parse(r.payload),
  };
}

function isAddr(n: unknown): n is number {
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;
}

/** Fills params[o..o+7) for one event; throws on an event that cannot be stored faithfully. */
function fill(params: unknown[], o: number, runId: number, e: EventInput, seq: number, addrs: AddrRows): void {
  if (typeof e.t !== 'number' || !Number.isFinite(e.t))
    throw new StoreError('bad-input', `event ${seq}: time t must be a finite number`);
  if (typeof e.kind !== 'string' || e.kind === '')
    throw new StoreError('bad-input', `event ${seq}: kind must be a non-empty string`);
  const s = e.addrStart ?? null;
  let end = e.addrEnd ?? null;
  if (s !== null) {
    // A point event touches the one byte at addrStart.
    if (end === null) end = s + 1;
    if (!isAddr(s) || !isAddr(end) || end <= s)
      throw new StoreError(
        'bad-input',
        `event ${seq}: address range [${s}, ${end}) is not a valid [start, end) of exact integers`,
      );
  } else if (end !== null) throw new StoreError('bad-input', `event ${seq}: addrEnd without addrStart`);
  params[o] = runId;
  params[o + 1] = seq;
  params[o + 2] = e.t;
  params[o + 3] = e.kind;
  params[o + 4] = s;
  params[o + 5] = end;
  if (s !== null) addrs.push(s, end!, seq);
  params[o + 6] = e.payload === undefined || e.payload === null ? null : JSON.stringify(e.payload);
}

/**
 * Writes a run's events as they come (call inside the run's transaction):
 * rows in batches, then the address index in key order at finish().
 */
export class EventWriter {
  private readonly batch: ReturnType<Sql['stmt']>;
  private readonly one: ReturnType<Sql['stmt']>;
  private readonly params: unknown[] = new Array(BATCH * COLS);
  private readonly addrs = new AddrRows();
  private n = 0;
  private inBatch = 0;

  constructor(
    private readonly q: Sql,
    private readonly runId: number,
  ) {
    this.batch = q.stmt(INSERT_HEAD + Array(BATCH).fill(ROW).join(', '));
    this.one = q.stmt(INSERT_HEAD + ROW);
  }

  push(e: EventInput): void {
    fill(this.params, this.inBatch * COLS, this.runId, e, e.seq ?? this.n, this.addrs);
    this.n++;
    if (++this.inBatch === BATCH) {
      this.batch.run(this.params);
      this.inBatch = 0;
    }
  }

  /** Writes what is pending and the address index; returns how many events were written. */
  finish(): number {
    for (let i = 0; i < this.inBatch; i++) this.one.run(this.params.slice(i * COLS, (i + 1) * COLS));
    this.inBatch = 0;
    writeAddrRows(this.q, this.runId, this.addrs);
    return this.n;
  }
}

/** Writes the events (call inside the run's transaction); returns how many. */
export function writeEvents(q: Sql, runId: number, events: Iterable<EventInput>): number {
  const w = new EventWriter(q, runId);
  for (const e of events) w.push(e);
  return w.finish();
}

/** Writes the address index in key order, so every insert is an append. */
function writeAddrRows(q: Sql, runId: number, a: AddrRows): void {
  const total = a.start.length;
  if (total === 0) return;
  const order = radixOrder(a.cls, a.start, total);
  const batch = q.stmt(ADDR_HEAD + Array(BATCH).fill(ADDR_ROW).join(', '));
  const one = q.stmt(ADDR_HEAD + ADDR_ROW);
  const params: unknown[] = new Array(BATCH * ADDR_COLS);
  const put = (o: number, i: number) => {
    params[o] = runId;
    params[o + 1] = a.cls[i];
    params[o + 2] = a.start[i];
    params[o + 3] = a.seq[i];
    params[o + 4] = a.end[i];
  };
  let j = 0;
  for (; j + BATCH <= total; j += BATCH) {
    for (let k = 0; k < BATCH; k++) put(k * ADDR_COLS, order[j + k]);
    batch.run(params);
  }
  for (; j < total; j++) {
    put(0, order[j]);
    one.run(params.slice(0, ADDR_COLS));
  }
}

export function countEvents(q: Sql, runId: number): number {
  return (q.stmt(`SELECT count(*) AS n FROM events WHERE run_id = ?`).get(runId) as { n: number }).n;
}

/** Events with t0 <= t < t1, by time then seq. */
export function eventsInWindow(
  q: Sql,
  runId: number,
  t0: number,
  t1: number,
  limit = DEFAULT_EVENT_LIMIT,
): EventRecord[] {
  const rows = q
    .stmt(
      `SELECT seq, t, kind, addr_start, addr_end, payload FROM events WHERE run_id = ? AND t >= ? AND t < ? ORDER BY t, seq LIMIT ?`,
    )
    .all(runId, t0, t1, limit) as EventRow[];
  return rows.map(toRecord);
}

/** Events whose [addrStart, addrEnd) overlaps [start, end), by addrStart then seq. */
export function eventsInRange(
  q: Sql,
  runId: number,
  start: number,
  end: number,
  limit = DEFAULT_EVENT_LIMIT,
): EventRecord[] {
  if (!(end > start)) return [];
  const stmt = q.stmt(
    `SELECT e.seq, e.t, e.kind, e.addr_start, e.addr_end, e.payload
     FROM event_addrs a JOIN events e ON e.run_id = a.run_id AND e.seq = a.seq
     WHERE a.run_id = ? AND a.span_class = ? AND a.addr_start > ? AND a.addr_start < ? AND a.addr_end > ?
     ORDER BY a.addr_start, a.seq LIMIT ?`,
  );
  const rows: EventRow[] = [];
  for (let k = 0; k <= MAX_SPAN_CLASS; k++) {
    for (const r of stmt.all(runId, k, start - 2 ** k, end, start, limit) as EventRow[]) rows.push(r);
  }
  rows.sort((a, b) => a.addr_start! - b.addr_start! || a.seq - b.seq);
  return (rows.length > limit ? rows.slice(0, limit) : rows).map(toRecord);
}

/** Every event of a run in seq order (export). */
export function allEvents(q: Sql, runId: number): EventRecord[] {
  return (
    q
      .stmt(`SELECT seq, t, kind, addr_start, addr_end, payload FROM events WHERE run_id = ? ORDER BY seq`)
      .all(runId) as EventRow[]
  ).map(toRecord);
}
