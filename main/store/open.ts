/**
 * Opening the notebook file safely. Order matters: look at the file's bytes,
 * then read its schema version, and only then write anything (WAL mode,
 * migrations). A file we refuse is left exactly as it was: never deleted,
 * recreated or converted.
 */
import { closeSync, existsSync, fstatSync, mkdirSync, openSync, readSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { StoreError, storeErrorFrom } from './errors.js';
import { APPLICATION_ID, SCHEMA_VERSION, migrateTo, userVersion } from './migrations.js';
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
}

export const DEFAULT_BUSY_TIMEOUT_MS = 5000;
const SQLITE_MAGIC = 'SQLite format 3\0';

function sizeOrZero(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

/** What the first 100 bytes (the SQLite header) say about a file, before SQLite touches it. */
export function inspectDbFile(file: string): 'missing' | 'empty' | 'sqlite' {
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
  if (st.size === 0) return 'empty';
  const header = Buffer.alloc(100);
  let n = 0;
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
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
  if (!walBusy && (st.size % pageSize !== 0 || (countValid && pages > 0 && st.size < pages * pageSize))) {
    throw new StoreError(
      'corrupt',
      `${file}: the database is truncated (${st.size} bytes, header says ${countValid ? pages * pageSize : `pages of ${pageSize}`} bytes); it was left untouched — restore it from a backup`,
    );
  }
  return 'sqlite';
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
  const state = inspectDbFile(file);
  if (state === 'missing') {
    if (options.readonly) throw new StoreError('missing', `${file}: no such database`);
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

  let db: Database.Database;
  try {
    db = new Database(file, {
      readonly: options.readonly ?? false,
      fileMustExist: options.readonly ?? false,
      timeout: busy,
      ...(nativeBinding !== undefined && { nativeBinding }),
    });
  } catch (e) {
    const problem = addonLoadProblem(e);
    if (problem !== null)
      throw new StoreError(
        'cannot-open',
        `${file}: cannot load the SQLite driver (${problem}); ${driverFix(process.versions.electron ? 'electron' : 'node')}`,
      );
    storeErrorFrom(file, e, busy);
  }
  try {
    // Reads only: refuse newer or foreign files before writing a single byte.
    const version = userVersion(db);
    const appId = db.pragma('application_id', { simple: true }) as number;
    if (version === 0) {
      const objects = db.prepare(`SELECT count(*) AS n FROM sqlite_master`).get() as { n: number };
      if (objects.n > 0)
        throw new StoreError(
          'not-lab-db',
          `${file}: a SQLite database, but not a TDX lab notebook (it has other tables); it was left untouched`,
        );
    } else if (appId !== APPLICATION_ID) {
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
    if (options.readonly) {
      if (version < SCHEMA_VERSION) {
        throw new StoreError(
          'read-only',
          `${file}: database schema version ${version} needs upgrading to ${SCHEMA_VERSION}; open it once for writing`,
        );
      }
      db.pragma('query_only = ON');
    } else {
      // WAL: readers never block the writer; NORMAL sync is durable against process crashes.
      const mode = db.pragma('journal_mode = WAL', { simple: true });
      if (mode !== 'wal')
        throw new StoreError('io', `${file}: cannot switch to WAL journal mode (got ${String(mode)})`);
      db.pragma('synchronous = NORMAL');
    }
    db.pragma('foreign_keys = ON');
    db.pragma('cache_size = -65536'); // 64 MiB: a million-event run's indexes stay in memory while written
    db.pragma('temp_store = MEMORY');
    if (!options.readonly && version < SCHEMA_VERSION) migrateTo(db, SCHEMA_VERSION);
    return db;
  } catch (e) {
    db.close();
    storeErrorFrom(file, e, busy);
  }
}
