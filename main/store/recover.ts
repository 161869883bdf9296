/**
 * `tdx-lab session recover`: salvages what can still be read from a damaged
 * notebook into a NEW file, the approach of SQLite's `.recover`: read row by
 * row, step over the parts that fail, keep every row that reads back whole.
 * The original is only ever read (opened read-only, even when marked
 * damaged). A run is kept only whole — its row, payload, TDMR table and every
 * event it declares — and keeps its id, so notes and diffs still name it.
 *
 * Rows are read in key order; when a read fails, the next readable key is
 * found by stepping ahead (doubling) and then back (halving) to the first
 * key that reads, so only the rows on the damaged pages are lost.
 */
import type Database from 'better-sqlite3';
import { renameSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { decodePayload } from './payload.js';
import { EventWriter } from './events.js';
import { HostTextWriter, hostTextBytes } from './host-text.js';
import { openDatabase } from './open.js';
import { Sql } from './sql.js';
import type { RunColumns } from './runs.js';

export interface RecoverReport {
  sessions: number;
  hosts: number;
  runs: number;
  events: number;
  notes: number;
  /** Hosts whose text could not be read whole, and why (their runs are kept detached). */
  lostHosts: { id: number; why: string }[];
  /** Runs that could not be kept whole, and why. */
  lostRuns: { id: number; why: string }[];
  /** Key ranges of a table that could not be read. */
  unreadable: { table: string; after: number; upTo: number }[];
  /** Runs kept although their host's row was unreadable (their host is then unknown). */
  detachedRuns: number[];
  /** Sessions whose own row was unreadable but that had readable runs or hosts: named "recovered-N". */
  renamedSessions: number[];
}

function isCorrupt(e: unknown): boolean {
  const code = String((e as { code?: unknown })?.code ?? '');
  return code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB' || code.startsWith('SQLITE_IOERR');
}

const MAX_KEY = Number.MAX_SAFE_INTEGER;

/**
 * Every readable row of `sql` (which selects `WHERE <key> > ? ORDER BY <key>`
 * and has the key as `k`), in key order, stepping over unreadable ranges.
 */
function* salvage<T extends { k: number }>(
  db: Database.Database,
  sql: string,
  table: string,
  report: RecoverReport,
  bind: unknown[] = [],
): Generator<T> {
  const stmt = db.prepare(sql);
  const first = db.prepare(`${sql} LIMIT 1`);
  const readsAt = (after: number): 'ok' | 'fail' => {
    try {
      first.get(...bind, after);
      return 'ok';
    } catch (e) {
      if (isCorrupt(e)) return 'fail';
      throw e;
    }
  };
  let after = -1;
  for (;;) {
    try {
      for (const row of stmt.iterate(...bind, after) as IterableIterator<T>) {
        after = row.k;
        yield row;
      }
      return;
    } catch (e) {
      if (!isCorrupt(e)) throw e;
    }
    // Step ahead until a read starting there works (or the key space ends).
    let step = 1;
    while (after + step < MAX_KEY && readsAt(after + step) === 'fail') step *= 2;
    if (after + step >= MAX_KEY) {
      report.unreadable.push({ table, after, upTo: MAX_KEY });
      return;
    }
    // Then back to the first key from which reading works.
    let lo = after + Math.floor(step / 2);
    let hi = after + step;
    while (hi - lo > 1) {
      const mid = lo + Math.floor((hi - lo) / 2);
      if (readsAt(mid) === 'ok') hi = mid;
      else lo = mid;
    }
    report.unreadable.push({ table, after, upTo: hi });
    after = hi;
  }
}

interface SessionRow {
  k: number;
  name: string;
  description: string | null;
  created_at: string;
}
interface HostRow {
  k: number;
  session_id: number;
  name: string;
  origin: string;
  provenance: string;
  digest: string;
  created_at: string;
}
interface RunRow extends RunColumns {
  k: number;
  payload: string | Buffer | null;
  payload_codec: string | null;
}

/** Salvages `src` into a new notebook at `tmp` (created); returns what was kept and lost. */
function salvageInto(src: Database.Database, out: Database.Database, outFile: string): RecoverReport {
  const report: RecoverReport = {
    sessions: 0,
    hosts: 0,
    runs: 0,
    events: 0,
    notes: 0,
    lostHosts: [],
    lostRuns: [],
    detachedRuns: [],
    unreadable: [],
    renamedSessions: [],
  };
  const q = new Sql(out, outFile);
  const sessions = new Set<number>();
  const hosts = new Set<number>();
  const runs = new Set<number>();
  const insSession = out.prepare(`INSERT INTO sessions (id, name, description, created_at) VALUES (?, ?, ?, ?)`);
  const tx = (fn: () => void) => out.transaction(fn).immediate();

  tx(() => {
    for (const s of salvage<SessionRow>(
      src,
      `SELECT id AS k, name, description, created_at FROM sessions WHERE id > ? ORDER BY id`,
      'sessions',
      report,
    )) {
      insSession.run(s.k, s.name, s.description, s.created_at);
      sessions.add(s.k);
    }
  });
  // A session row lost with its hosts or runs still readable: keep those under a stand-in name.
  const ensureSession = (id: number) => {
    if (sessions.has(id)) return;
    insSession.run(
      id,
      `recovered-${id}`,
      'its session row was unreadable; recovered by tdx-lab session recover',
      new Date().toISOString(),
    );
    sessions.add(id);
    report.renamedSessions.push(id);
  };

  // Host rows first (one statement may iterate a connection at a time), then each host's text.
  const srcQ = new Sql(src, 'source');
  const hostRows = [
    ...salvage<HostRow>(
      src,
      `SELECT id AS k, session_id, name, origin, provenance, digest, created_at FROM hosts WHERE id > ? ORDER BY id`,
      'hosts',
      report,
    ),
  ];
  for (const h of hostRows) {
    const sp = `host_${h.k}`;
    const hadSession = sessions.has(h.session_id);
    out.exec(`SAVEPOINT ${sp}`);
    try {
      JSON.parse(h.provenance);
      ensureSession(h.session_id);
      // Through the one writer (host-text.ts), piece by piece: a host in parts is never whole here.
      const w = new HostTextWriter(q, {
        id: h.k,
        sessionId: h.session_id,
        name: h.name,
        origin: h.origin,
        provenance: h.provenance,
        createdAt: h.created_at,
      });
      let first = '';
      let n = 0;
      for (const b of hostTextBytes(srcQ, h.k)) {
        const piece = b.toString('utf8');
        if (n === 1) w.body(first);
        if (n === 0) first = piece;
        else w.body(piece);
        n++;
      }
      // A text in one piece (host_json) must be JSON; one in parts must give back its digest.
      if (n === 1) {
        JSON.parse(first);
        w.body(first);
      }
      if (n === 0) throw new Lost('its text is missing');
      const { digest } = w.finish();
      if (n > 1 && digest !== h.digest) throw new Lost('its text does not match its digest (parts lost)');
      out.exec(`RELEASE ${sp}`);
      hosts.add(h.k);
    } catch (e) {
      out.exec(`ROLLBACK TO ${sp}`);
      out.exec(`RELEASE ${sp}`);
      if (!hadSession && sessions.delete(h.session_id)) report.renamedSessions.pop();
      if (e instanceof Lost) report.lostHosts.push({ id: h.k, why: e.message });
      else if (isCorrupt(e)) report.lostHosts.push({ id: h.k, why: 'its text is on damaged pages' });
      else if (!(e instanceof SyntaxError)) throw e; // a row that reads but whose JSON is cut is not a host
    }
  }

  const insRun = out.prepare(
    `INSERT INTO runs (id, session_id, host_id, kind, engine_version, kernel_variant, status, label, stage, errno,
                       tdmr_count, tdx_bytes, pamt_kb, event_count, summary, payload, payload_codec, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insTdmr = out.prepare(
    `INSERT INTO run_tdmrs (run_id, idx, base, size, pamt_nid, pamt_base, pamt_4k, pamt_2m, pamt_1g, reserved) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const tdmrs = src.prepare(
    `SELECT idx, base, size, pamt_nid, pamt_base, pamt_4k, pamt_2m, pamt_1g, reserved FROM run_tdmrs WHERE run_id = ? ORDER BY idx`,
  );
  const events = src.prepare(
    `SELECT seq, t, kind, addr_start, addr_end, payload FROM events WHERE run_id = ? ORDER BY seq`,
  );
  // The runs' own columns first (one statement may iterate a connection at a time), payloads one by one.
  const runRows = [
    ...salvage<Omit<RunRow, 'payload' | 'payload_codec'>>(
      src,
      `SELECT id AS k, session_id, host_id, kind, engine_version, kernel_variant, status, label, stage, errno, tdmr_count,
              tdx_bytes, pamt_kb, event_count, summary, created_at FROM runs WHERE id > ? ORDER BY id`,
      'runs',
      report,
    ),
  ];
  const payloadOf = src.prepare(`SELECT payload, payload_codec FROM runs WHERE id = ?`);
  for (const meta of runRows) {
    const lost = (why: string) => report.lostRuns.push({ id: meta.k, why });
    let r: RunRow;
    try {
      r = { ...meta, ...(payloadOf.get(meta.k) as Pick<RunRow, 'payload' | 'payload_codec'>) };
    } catch (e) {
      if (!isCorrupt(e)) throw e;
      lost('its stored result is on damaged pages');
      continue;
    }
    // A run whose host row is lost keeps its results, detached from the host.
    const hostId = r.host_id !== null && !hosts.has(r.host_id) ? null : r.host_id;
    try {
      decodePayload(r.payload, r.payload_codec);
      if (r.summary !== null) JSON.parse(r.summary);
    } catch {
      lost('its stored result is unreadable');
      continue;
    }
    // One transaction per run: a run whose TDMRs or events fail half-way leaves nothing behind.
    const sp = `run_${r.k}`;
    out.exec(`SAVEPOINT ${sp}`);
    try {
      ensureSession(r.session_id);
      insRun.run(
        r.k,
        r.session_id,
        hostId,
        r.kind,
        r.engine_version,
        r.kernel_variant,
        r.status,
        r.label,
        r.stage,
        r.errno,
        r.tdmr_count,
        r.tdx_bytes,
        r.pamt_kb,
        r.event_count,
        r.summary,
        r.payload,
        r.payload_codec,
        r.created_at,
      );
      let nTdmrs = 0;
      // A seek for rows a run does not have can land on a neighbour's damaged page: look only for what it declares.
      for (const t of (r.tdmr_count ? tdmrs.all(r.k) : []) as Record<string, unknown>[]) {
        insTdmr.run(r.k, t.idx, t.base, t.size, t.pamt_nid, t.pamt_base, t.pamt_4k, t.pamt_2m, t.pamt_1g, t.reserved);
        nTdmrs++;
      }
      if (r.tdmr_count !== null && nTdmrs !== r.tdmr_count)
        throw new Lost(`${nTdmrs} of its ${r.tdmr_count} TDMRs are readable`);
      const w = new EventWriter(q, r.k);
      for (const e of (r.event_count > 0 ? events.iterate(r.k) : []) as Iterable<{
        seq: number;
        t: number;
        kind: string;
        addr_start: number | null;
        addr_end: number | null;
        payload: string | null;
      }>)
        w.push({
          seq: e.seq,
          t: e.t,
          kind: e.kind,
          addrStart: e.addr_start,
          addrEnd: e.addr_end,
          payload: e.payload === null ? null : JSON.parse(e.payload),
        });
      const n = w.finish();
      if (n !== r.event_count) throw new Lost(`${n} of its ${r.event_count} events are readable`);
      out.exec(`RELEASE ${sp}`);
      runs.add(r.k);
      report.runs++;
      if (hostId !== r.host_id) report.detachedRuns.push(r.k);
      report.events += n;
    } catch (e) {
      out.exec(`ROLLBACK TO ${sp}`);
      out.exec(`RELEASE ${sp}`);
      if (e instanceof Lost) lost(e.message);
      else if (isCorrupt(e) || e instanceof SyntaxError) lost('its TDMRs or events are on damaged pages');
      else throw e;
    }
  }

  tx(() => {
    const insNote = out.prepare(
      `INSERT INTO notes (id, session_id, run_id, event_seq, addr_start, addr_end, text, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    for (const x of salvage<{
      k: number;
      session_id: number;
      run_id: number | null;
      event_seq: number | null;
      addr_start: number | null;
      addr_end: number | null;
      text: string;
      created_at: string;
    }>(
      src,
      `SELECT id AS k, session_id, run_id, event_seq, addr_start, addr_end, text, created_at FROM notes WHERE id > ? ORDER BY id`,
      'notes',
      report,
    )) {
      // A note about a run that was lost is kept for its session, unpinned.
      if (!sessions.has(x.session_id)) continue;
      const runId = x.run_id !== null && runs.has(x.run_id) ? x.run_id : null;
      insNote.run(
        x.k,
        x.session_id,
        runId,
        runId === null ? null : x.event_seq,
        x.addr_start,
        x.addr_end,
        x.text,
        x.created_at,
      );
      report.notes++;
    }
    const insExport = out.prepare(
      `INSERT INTO exports (id, session_id, format, format_version, path, bytes, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
    );
    try {
      for (const x of salvage<{
        k: number;
        session_id: number;
        format: string;
        format_version: number;
        path: string;
        bytes: number;
        created_at: string;
      }>(
        src,
        `SELECT id AS k, session_id, format, format_version, path, bytes, created_at FROM exports WHERE id > ? ORDER BY id`,
        'exports',
        report,
      ))
        if (sessions.has(x.session_id))
          insExport.run(x.k, x.session_id, x.format, x.format_version, x.path, x.bytes, x.created_at);
    } catch {
      /* a version-1 notebook has no exports table */
    }
  });
  report.sessions = sessions.size;
  report.hosts = hosts.size;
  return report;
}

class Lost extends Error {}

/**
 * Salvages `src` into `out` (which must not exist: checked by the caller) via
 * a temporary file renamed into place once complete.
 */
export function recoverNotebook(src: string, out: string): RecoverReport {
  const source = openDatabase(src, { ignoreDamage: true });
  const tmp = join(dirname(out), `.${basename(out)}.recovering-${process.pid}`);
  rmSync(tmp, { force: true });
  let dest: Database.Database | undefined;
  let done = false;
  try {
    dest = openDatabase(tmp);
    const report = salvageInto(source, dest, out);
    dest.close();
    dest = undefined;
    renameSync(tmp, out);
    done = true;
    return report;
  } finally {
    dest?.close();
    source.close();
    if (!done) for (const f of [tmp, `${tmp}-wal`, `${tmp}-shm`]) rmSync(f, { force: true });
  }
}
