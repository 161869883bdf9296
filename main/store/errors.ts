/**
 * Store failures the CLI reports as one line and exit 2 (bad input or
 * environment): they extend InputError so runCli prints them without a trace.
 */
import { InputError } from '../node/input-error.js';
import { markDamaged } from './health.js';

export type StoreErrorCode =
  | 'newer-schema'
  | 'not-sqlite'
  | 'not-lab-db'
  | 'corrupt'
  | 'inconsistent-schema'
  | 'locked'
  | 'read-only'
  | 'cannot-open'
  | 'missing'
  | 'exists'
  | 'not-found'
  | 'bad-import'
  | 'bad-input'
  | 'io';

export class StoreError extends InputError {
  constructor(
    readonly code: StoreErrorCode,
    message: string,
    /** A read-only open of a notebook whose schema is older than this tdx-lab's (it must be migrated first). */
    readonly needsUpgrade = false,
  ) {
    super(message, 2);
    this.name = 'StoreError';
  }
}

/** What every command says about a damaged notebook. */
export function damagedError(file: string, why: string): StoreError {
  return new StoreError(
    'corrupt',
    `${file}: the notebook is damaged (${why}); tdx-lab will not write to it. Salvage what can still be read with \`tdx-lab session recover --db ${file} --out NEW.db\`, or restore a backup`,
  );
}

/** better-sqlite3 throws SqliteError with a `code` like SQLITE_BUSY or SQLITE_READONLY_DBMOVED. */
function sqliteCode(e: unknown): string | undefined {
  const code = (e as { code?: unknown })?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_') ? code : undefined;
}

/**
 * Turns a SQLite failure on `file` into a StoreError a person can act on;
 * anything that is not a SQLite error (a bug) is rethrown untouched.
 */
export function storeErrorFrom(file: string, e: unknown, busyTimeoutMs?: number): never {
  if (e instanceof StoreError) throw e;
  const code = sqliteCode(e);
  if (!code) throw e;
  const why = (e as Error).message;
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    const waited = busyTimeoutMs !== undefined ? ` (waited ${busyTimeoutMs} ms)` : '';
    throw new StoreError(
      'locked',
      `${file}: database is locked by another tdx-lab process${waited}; try again when it has finished`,
    );
  }
  if (code.startsWith('SQLITE_READONLY'))
    throw new StoreError('read-only', `${file}: cannot write: the database or its folder is read-only (${why})`);
  if (code === 'SQLITE_NOTADB')
    throw new StoreError('not-sqlite', `${file}: not a SQLite database (is this the right file?)`);
  if (code.startsWith('SQLITE_CORRUPT')) {
    // Seen once, remembered: no later command writes to this file (health.ts).
    markDamaged(file, why);
    throw damagedError(file, why);
  }
  if (code.startsWith('SQLITE_CANTOPEN'))
    throw new StoreError('cannot-open', `${file}: cannot open the database (missing folder, or a read-only location)`);
  if (code.startsWith('SQLITE_CONSTRAINT'))
    throw new StoreError('bad-input', `${file}: rejected by the database (${why}); nothing was written`);
  if (code === 'SQLITE_FULL') throw new StoreError('io', `${file}: disk full; nothing was written`);
  if (code.startsWith('SQLITE_IOERR') || code === 'SQLITE_PERM' || code === 'SQLITE_AUTH') {
    throw new StoreError('io', `${file}: I/O error (${why}); nothing was written`);
  }
  throw e;
}
