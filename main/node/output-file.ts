/**
 * The one writer for every `--out FILE` (docs/inputs.md): an existing file is
 * replaced only with --force; a SQLite database (the notebook, or any other)
 * and a file that is not a regular file are never replaced, --force or not;
 * the bytes go to a temporary file beside the target that is renamed into
 * place, so a crash or a full disk never leaves half a file.
 */
import {
  closeSync,
  constants,
  fsyncSync,
  openSync,
  readSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
  type Stats,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { InputError } from './input-error.js';

const SQLITE_MAGIC = 'SQLite format 3\0';

export interface OutputOptions {
  /** Replace an existing regular file. */
  force?: boolean;
  /** Files that must never be written (the open notebook): refused by identity, whatever the path says. */
  protect?: readonly string[];
}

function statOrUndefined(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

function startsWithSqliteHeader(file: string): boolean {
  let fd: number | undefined;
  try {
    fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
    const head = Buffer.alloc(16);
    const n = readSync(fd, head, 0, 16, 0);
    return n === 16 && head.toString('latin1') === SQLITE_MAGIC;
  } catch {
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function sameFile(a: Stats, b: Stats): boolean {
  return a.dev === b.dev && a.ino === b.ino;
}

/** Throws unless `out` may be written; returns the path to rename onto. */
export function checkOutputTarget(out: string, opts: OutputOptions = {}): string {
  if (out === '') throw new InputError('--out: give a file name');
  const st = statOrUndefined(out);
  for (const p of opts.protect ?? []) {
    const pst = statOrUndefined(p);
    const same = st && pst ? sameFile(st, pst) : false;
    // The notebook's own write-ahead log and shared memory are as untouchable as the file.
    const sidecar = ['-wal', '-shm', '-journal'].some((suffix) => {
      const s = statOrUndefined(p + suffix);
      return s && st ? sameFile(s, st) : false;
    });
    if (same || sidecar)
      throw new InputError(`${out}: is the lab notebook this command reads (${p}); write the output somewhere else`);
  }
  if (!st) {
    const dir = dirname(out);
    const dst = statOrUndefined(dir);
    if (!dst) throw new InputError(`${out}: cannot write: folder ${dir} does not exist`);
    if (!dst.isDirectory()) throw new InputError(`${out}: cannot write: ${dir} is not a folder`);
    return out;
  }
  if (st.isDirectory()) throw new InputError(`${out}: is a directory; give a file name`);
  if (!st.isFile()) throw new InputError(`${out}: exists and is not a regular file; tdx-lab writes only regular files`);
  if (startsWithSqliteHeader(out))
    throw new InputError(
      `${out}: is a SQLite database (a lab notebook?); --out never replaces a database, even with --force`,
    );
  if (!opts.force) throw new InputError(`${out}: already exists; use --force to replace it`);
  // Rename onto the real file, so a symlink keeps pointing at the new contents.
  try {
    return realpathSync(out);
  } catch {
    return out;
  }
}

function writeError(out: string, e: unknown): InputError {
  const code = (e as NodeJS.ErrnoException).code;
  const why =
    code === 'ENOSPC'
      ? 'disk full'
      : code === 'EACCES' || code === 'EPERM'
        ? 'permission denied'
        : code === 'EROFS'
          ? 'read-only file system'
          : (code ?? (e as Error).message);
  return new InputError(`${out}: cannot write (${why}); nothing was written`);
}

/**
 * Writes `data` (bytes, text, or pieces of either produced one at a time) to
 * `out` through a temporary file and a rename. Returns the bytes written.
 */
export function writeOutputFile(
  out: string,
  data: string | Uint8Array | Iterable<string | Uint8Array>,
  opts: OutputOptions = {},
): number {
  const target = checkOutputTarget(out, opts);
  const tmp = join(dirname(target), `.${basename(target)}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
  let fd: number;
  try {
    fd = openSync(tmp, 'wx', 0o666);
  } catch (e) {
    throw writeError(out, e);
  }
  let bytes = 0;
  let done = false;
  try {
    const put = (piece: string | Uint8Array) => {
      const buf = typeof piece === 'string' ? Buffer.from(piece, 'utf8') : piece;
      let off = 0;
      while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
      bytes += buf.length;
    };
    try {
      if (typeof data === 'string' || data instanceof Uint8Array) put(data);
      else for (const piece of data) put(piece);
      fsyncSync(fd);
    } catch (e) {
      if (e instanceof InputError) throw e;
      if ((e as NodeJS.ErrnoException).code) throw writeError(out, e);
      throw e;
    }
    closeSync(fd);
    fd = -1;
    try {
      renameSync(tmp, target);
    } catch (e) {
      throw writeError(out, e);
    }
    done = true;
    return bytes;
  } finally {
    if (fd >= 0) closeSync(fd);
    if (!done) rmSync(tmp, { force: true });
  }
}
