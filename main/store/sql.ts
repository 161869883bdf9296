/** A connection plus its prepared statements, each prepared once and reused. */
import type Database from 'better-sqlite3';

export class Sql {
  private readonly cache = new Map<string, Database.Statement>();

  constructor(
    readonly db: Database.Database,
    /** The database file, for error messages. */
    readonly file: string,
  ) {}

  stmt(sql: string): Database.Statement {
    let s = this.cache.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.cache.set(sql, s);
    }
    return s;
  }

  /** Runs fn in one write transaction (BEGIN IMMEDIATE; a savepoint when nested): all or nothing. */
  tx<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate();
  }
}

export function nowIso(): string {
  return new Date().toISOString();
}
