/**
 * Opening the notebook file safely. Order matters: look at the file's bytes,
 * then read its schema version, and only then write anything (WAL mode,
 * migrations). A file we refuse is left exactly as it was: never deleted,
 * recreated or converted.
 */
import { closeSync, constants, existsSync, fstatSync, mkdirSync, openSync, readSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { StoreError, damagedError, storeErrorFrom } from './errors.js';
import { QUICK_CHECK_ON_OPEN_MAX_BYTES, markDamaged, readDamage } from './health.js';
import { APPLICATION_ID, SCHEMA_VERSION, migrateTo, schemaMismatch, userVersion } from './migrations.js';
import { addonLoadProblem, driverFix } from '../native-binding/load-error.js';
import { sqliteBindingForThisProcess } from '../native-binding/this-process.js';

export interface OpenOptions {
  /** Open without writing: no migrations, no WAL switch; fails if the file is missing. */
  readonly?: boolean;
  /** How long a write waits for another process's write lock. Default 5000 ms. */
  busyTimeoutMs?: number;
  /** Create the file's folder if missing (only for the per-user default location). */
  createDir?: boolean;
  /**
   * better-sqlite3's binary (its `nativeBinding` option). Default: this
   * process's choice (main/native-binding): Node's build on Node, the Electron
   * build folder inside Electron.
   */
  nativeBinding?: string;
  /** Run PRAGMA quick_check whatever the file's size (export and import do). */
  fullCheck?: boolean;
  /** Open a notebook marked damaged, without checking it (session check and recover only; implies readonly). */
  ignoreDamage?: boolean;
}

export const DEFAULT_BUSY_TIMEOUT_MS = 5000;
const SQLITE_MAGIC = 'SQLite format 3\0';

// URI filenames let a read-only folder's notebook be opened with immutable=1
// (below). Only paths made absolute are ever passed, so none reads as a URI
// by accident. better-sqlite3 reads this when it loads its addon.
process.env.SQLITE_USE_URI = '1';

function sizeOrZero(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

/** What the first 100 bytes (the SQLite header) say about a file, before SQLite touches it. */
export function inspectDbFile(file: string, checkSize = true): 'missing' | 'empty' | 'sqlite' {
  if (!existsSync(file)) return 'missing';
  let st;
  try {
    st = statSync(file);
  } catch (e) {
    throw new StoreError(
      'cannot-open',
      `${file}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
    );
  }
  if (st.isDirectory()) throw new StoreError('cannot-open', `${file}: is a directory, not a database file`);
  // A FIFO would block the read below; a device is not a notebook.
  if (!st.isFile()) throw new StoreError('cannot-open', `${file}: not a regular file, so not a notebook`);
  if (st.size === 0) return 'empty';
  const header = Buffer.alloc(100);
  let n = 0;
  let fd: number | undefined;
  try {
    fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
    n = readSync(fd, header, 0, 100, 0);
    st = fstatSync(fd);
  } catch (e) {
    throw new StoreError(
      'cannot-open',
      `${file}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
    );
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
  if (n < 100 || header.toString('latin1', 0, 16) !== SQLITE_MAGIC) {
    throw new StoreError(
      'not-sqlite',
      `${file}: not a SQLite database (wrong header); it was left untouched — is --db pointing at the right file?`,
    );
  }
  // Header bytes 16-17: page size (1 means 65536); 28-31: page count, valid
  // when the change counter (24) equals the version-valid-for number (92).
  const raw = header.readUInt16BE(16);
  const pageSize = raw === 1 ? 65536 : raw;
  const pages = header.readUInt32BE(28);
  const countValid = header.readUInt32BE(24) === header.readUInt32BE(92);
  // With a live WAL the main file may be mid-checkpoint (header ahead of the
  // pages); SQLite reconciles it from the WAL, so only judge a quiet file.
  const walBusy = sizeOrZero(`${file}-wal`) > 0;
  if (checkSize && !walBusy && (st.size % pageSize !== 0 || (countValid && pages > 0 && st.size < pages * pageSize))) {
    const why = `the file is truncated: ${st.size} bytes, header says ${countValid ? pages * pageSize : `pages of ${pageSize}`} bytes`;
    markDamaged(file, why);
    throw damagedError(file, why);
  }
  return 'sqlite';
}

/**
 * A read-only connection. In a folder we cannot write, SQLite cannot create
 * the WAL's shared-memory file; with no pending write-ahead log the file is
 * then opened immutable (read straight from the file, as on read-only media).
 */
function openReadonly(file: string, busy: number, driver: { nativeBinding?: string }): Database.Database {
  const abs = resolve(file);
  try {
    const db = new Database(abs, { readonly: true, fileMustExist: true, timeout: busy, ...driver });
    db.pragma('user_version'); // the first read is where a missing -shm shows
    return db;
  } catch (e) {
    const code = (e as { code?: string }).code ?? '';
    if (!/^SQLITE_(READONLY|CANTOPEN)/.test(code)) throw e;
    if (sizeOrZero(`${file}-wal`) > 0)
      throw new StoreError(
        'read-only',
        `${file}: cannot read it here: its folder is read-only and it has a pending write-ahead log (${file}-wal); open it once where it can be written`,
      );
    return new Database(`file:${encodeURI(abs).replace(/[?#]/g, encodeURIComponent)}?immutable=1`, {
      readonly: true,
      fileMustExist: true,
      ...driver,
    });
  }
}

/** The cheap checks every open makes, before anything is written: whose file, which schema, consistent. */
function checkIdentity(file: string, db: Database.Database, schema = true): number {
  const version = userVersion(db);
  const appId = db.pragma('application_id', { simple: true }) as number;
  if (version === 0) {
    const objects = db.prepare(`SELECT count(*) AS n FROM sqlite_master`).get() as { n: number };
    if (objects.n > 0)
      throw new StoreError(
        'not-lab-db',
        `${file}: a SQLite database, but not a TDX lab notebook (it has other tables); it was left untouched`,
      );
    return 0;
  }
  if (appId !== APPLICATION_ID) {
    throw new StoreError(
      'not-lab-db',
      `${file}: a SQLite database, but not a TDX lab notebook (application id ${appId}); it was left untouched`,
    );
  }
  if (version > SCHEMA_VERSION) {
    throw new StoreError(
      'newer-schema',
      `${file}: database schema version ${version} is newer than this tdx-lab understands (${SCHEMA_VERSION}); upgrade tdx-lab — the file was left untouched`,
    );
  }
  const mismatch = schema ? schemaMismatch(db, version) : undefined;
  if (mismatch)
    throw new StoreError(
      'inconsistent-schema',
      `${file}: inconsistent notebook: ${mismatch}; something other than tdx-lab changed it, so it was left untouched — salvage it with \`tdx-lab session recover --db ${file} --out NEW.db\``,
    );
  return version;
}

/** PRAGMA quick_check: 'ok', or the damage is remembered (health.ts) and refused. */
export function quickCheck(file: string, db: Database.Database): void {
  const rows = db.pragma('quick_check(3)') as { quick_check: string }[];
  const first = rows[0]?.quick_check;
  if (first !== 'ok') {
    const lines = rows.flatMap((r) => r.quick_check.split('\n')).filter((l) => l && !l.startsWith('***'));
    const why = `quick_check: ${lines.slice(0, 3).join('; ')}${lines.length > 3 ? '; …' : ''}`;
    markDamaged(file, why);
    throw damagedError(file, why);
  }
}

/** A driver that cannot load (wrong ABI, missing build) says so, with what to run. */
function throwIfDriverMissing(file: string, e: unknown): void {
  const problem = addonLoadProblem(e);
  if (problem !== null)
    throw new StoreError(
      'cannot-open',
      `${file}: cannot load the SQLite driver (${problem}); ${driverFix(process.versions.electron ? 'electron' : 'node')}`,
    );
}

/** Opens (creating if needed) and migrates the notebook; throws StoreError with a one-line reason. */
export function openDatabase(file: string, options: OpenOptions = {}): Database.Database {
  const busy = options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS;
  let nativeBinding = options.nativeBinding;
  if (nativeBinding === undefined) {
    const use = sqliteBindingForThisProcess();
    if (!use.ok) throw new StoreError('cannot-open', `${file}: ${use.problem}`);
    nativeBinding = use.nativeBinding;
  }
  const driver = nativeBinding !== undefined ? { nativeBinding } : {};
  const readonly = (options.readonly ?? false) || (options.ignoreDamage ?? false);
  // recover reads what a truncated file still has.
  const state = inspectDbFile(file, !options.ignoreDamage);
  if (state === 'missing') {
    if (readonly) throw new StoreError('missing', `${file}: no such database`);
    if (options.createDir) {
      try {
        mkdirSync(dirname(file), { recursive: true });
      } catch (e) {
        throw new StoreError(
          'cannot-open',
          `${file}: cannot create its folder (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
        );
      }
    } else if (!existsSync(dirname(file))) {
      throw new StoreError('cannot-open', `${file}: folder ${dirname(file)} does not exist`);
    }
  }
  if (state === 'sqlite' && !options.ignoreDamage) {
    const damage = readDamage(file);
    if (damage) throw damagedError(file, damage.why);
  }

  // Look before writing: a read-only connection first (cheap checks, then quick_check
  // where affordable), so a file we refuse is never written, not even switched to WAL.
  if (state === 'sqlite') {
    let ro: Database.Database | undefined;
    try {
      ro = openReadonly(file, busy, driver);
      // Check and recover look at a damaged or inconsistent file as it is.
      const version = checkIdentity(file, ro, !options.ignoreDamage);
      if (options.ignoreDamage) return ro;
      // Before a write always; for reads when affordable (health.ts).
      const size = sizeOrZero(file) + sizeOrZero(`${file}-wal`);
      if (options.fullCheck || !readonly || size <= QUICK_CHECK_ON_OPEN_MAX_BYTES) quickCheck(file, ro);
      if (readonly) {
        if (version < SCHEMA_VERSION)
          throw new StoreError(
            'read-only',
            `${file}: database schema version ${version} needs upgrading to ${SCHEMA_VERSION}; open it once for writing (any command that records a run)`,
            true,
          );
        ro.pragma('foreign_keys = ON');
        ro.pragma('cache_size = -65536');
        return ro;
      }
      ro.close();
      ro = undefined;
    } catch (e) {
      ro?.close();
      throwIfDriverMissing(file, e);
      storeErrorFrom(file, e, busy);
    }
  }

  let db: Database.Database;
  try {
    db = new Database(resolve(file), { readonly: false, fileMustExist: false, timeout: busy, ...driver });
  } catch (e) {
    throwIfDriverMissing(file, e);
    storeErrorFrom(file, e, busy);
  }
  try {
    const version = checkIdentity(file, db);
    // WAL: readers never block the writer; NORMAL sync is durable against process crashes.
    const mode = db.pragma('journal_mode = WAL', { simple: true });
    if (mode !== 'wal') throw new StoreError('io', `${file}: cannot switch to WAL journal mode (got ${String(mode)})`);
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    db.pragma('cache_size = -65536'); // 64 MiB: a million-event run's indexes stay in memory while written
    db.pragma('temp_store = MEMORY');
    if (version < SCHEMA_VERSION) migrateTo(db, SCHEMA_VERSION);
    return db;
  } catch (e) {
    db.close();
    storeErrorFrom(file, e, busy);
  }
}
