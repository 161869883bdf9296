/**
 * `tdx-lab session check`: the full health check of a notebook, read-only.
 * SQLite's integrity_check (every page, every index against its table), the
 * foreign keys, and the store's own invariant that each run has exactly the
 * events it declares, and that each host stored in parts gives back its
 * digest. The verdict is remembered (health.ts): damage marks
 * the file, a clean check clears an earlier mark.
 */
import { createHash } from 'node:crypto';
import type Database from 'better-sqlite3';
import { StoreError } from './errors.js';
import { clearDamage, markDamaged } from './health.js';
import { schemaMismatch, userVersion } from './migrations.js';
import { hostTextBytes } from './host-text.js';
import { openDatabase } from './open.js';
import { Sql } from './sql.js';

export interface NotebookCheck {
  file: string;
  ok: boolean;
  /** What is wrong, at most MAX_PROBLEMS lines. */
  problems: string[];
  counts?: { sessions: number; runs: number; events: number };
}

const MAX_PROBLEMS = 20;

function sqliteCode(e: unknown): string {
  return String((e as { code?: unknown })?.code ?? '');
}

/** The hosts stored in parts (none before schema version 3). */
function hostsInParts(db: Database.Database): { id: number; digest: string }[] {
  const v3 = db.prepare(`SELECT 1 FROM pragma_table_info('hosts') WHERE name = 'in_parts'`).get() !== undefined;
  return v3
    ? (db.prepare(`SELECT id, digest FROM hosts WHERE in_parts = 1 ORDER BY id`).all() as {
        id: number;
        digest: string;
      }[])
    : [];
}

function runChecks(db: Database.Database, problems: string[]): NotebookCheck['counts'] {
  const add = (p: string) => {
    if (problems.length < MAX_PROBLEMS) problems.push(p);
  };
  const mismatch = schemaMismatch(db, userVersion(db));
  if (mismatch) add(`inconsistent notebook: ${mismatch}`);
  const integrity = db.pragma(`integrity_check(${MAX_PROBLEMS})`) as { integrity_check: string }[];
  for (const r of integrity)
    for (const line of r.integrity_check.split('\n'))
      if (line !== 'ok' && !line.startsWith('***')) add(`integrity_check: ${line}`);
  if (problems.length) return undefined;
  const fk = db.pragma('foreign_key_check') as { table: string; rowid: number; parent: string }[];
  for (const r of fk.slice(0, MAX_PROBLEMS))
    add(`foreign key: ${r.table} row ${r.rowid} refers to a missing ${r.parent} row`);
  const counts = db
    .prepare(
      `SELECT r.id, r.event_count AS declared, (SELECT count(*) FROM events e WHERE e.run_id = r.id) AS n
       FROM runs r WHERE declared != n LIMIT ${MAX_PROBLEMS}`,
    )
    .all() as { id: number; declared: number; n: number }[];
  for (const c of counts) add(`run #${c.id} declares ${c.declared} events but has ${c.n}`);
  // A host stored in parts has no json_valid CHECK: its digest is what proves the parts whole.
  const q = new Sql(db, 'notebook');
  const inParts = hostsInParts(db);
  for (const h of inParts) {
    const hash = createHash('sha256');
    for (const b of hostTextBytes(q, h.id)) hash.update(b);
    if (hash.digest('hex') !== h.digest)
      add(`host #${h.id}: its text does not match its digest (parts missing or changed)`);
  }
  const one = (sql: string) => (db.prepare(sql).get() as { n: number }).n;
  return {
    sessions: one('SELECT count(*) AS n FROM sessions'),
    runs: one('SELECT count(*) AS n FROM runs'),
    events: one('SELECT count(*) AS n FROM events'),
  };
}

/** Checks `file` fully; only a file that is not a notebook at all (or is missing) throws. */
export function checkNotebook(file: string): NotebookCheck {
  const problems: string[] = [];
  let counts: NotebookCheck['counts'];
  let db: Database.Database | undefined;
  try {
    db = openDatabase(file, { ignoreDamage: true });
    counts = runChecks(db, problems);
  } catch (e) {
    // Damage found while opening or checking is the check's finding, not a failure of the command.
    if (e instanceof StoreError && (e.code === 'corrupt' || e.code === 'inconsistent-schema'))
      problems.push(e.message.replace(`${file}: `, '').replace(/; tdx-lab will not write to it.*$/, ''));
    else if (sqliteCode(e).startsWith('SQLITE_CORRUPT')) problems.push((e as Error).message);
    else throw e;
  } finally {
    db?.close();
  }
  if (problems.length) markDamaged(file, problems[0]);
  else clearDamage(file);
  return { file, ok: problems.length === 0, problems, counts };
}
