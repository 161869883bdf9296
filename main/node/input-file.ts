/**
 * The one reader for every file the lab reads (docs/inputs.md): regular files
 * only (a FIFO, a device or a directory is refused before a byte is read, so
 * nothing can hang or grow without end), a size limit per kind, UTF-8 with an
 * optional byte order mark, and JSON errors with line and column. Every
 * failure is an InputError naming the file.
 */
import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from 'node:fs';
import { isUtf8 } from 'node:buffer';
import type { HostProblem } from '../../engine/host/validate.js';
import { InputError } from './input-error.js';
import { INPUT_LIMITS, inputLimit, type InputKind } from './input-limits.js';
import { DEFAULT_MAX_DEPTH, JsonSyntaxError, depthExceededAt, scanJson } from './json-scan.js';

export { InputError } from './input-error.js';
export type { InputKind } from './input-limits.js';

/** What a non-regular file is, for messages. */
function kindOf(st: Stats): string {
  if (st.isDirectory()) return 'a directory';
  if (st.isFIFO()) return 'a FIFO (named pipe)';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}

function openError(file: string, e: unknown): InputError {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return new InputError(`${file}: no such file`);
  if (code === 'EACCES' || code === 'EPERM') return new InputError(`${file}: permission denied`);
  if (code === 'EISDIR') return new InputError(`${file}: is a directory, not a file`);
  if (code === 'ENOTDIR') return new InputError(`${file}: no such file (a part of the path is not a folder)`);
  if (code === 'ELOOP') return new InputError(`${file}: too many levels of symbolic links`);
  return new InputError(`${file}: cannot read (${code ?? (e as Error).message})`);
}

function human(bytes: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = bytes;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return u === 0 ? `${bytes} bytes` : `${Number.isInteger(v) ? v : v.toFixed(1)} ${units[u]}`;
}

function tooLarge(file: string, kind: InputKind, size: number | undefined): InputError {
  const limit = inputLimit(kind);
  const what = size === undefined ? `more than ${human(limit)}` : human(size);
  return new InputError(
    `${file}: ${what} is over the ${human(limit)} limit for ${INPUT_LIMITS[kind].what}; raise it with --max-input-size if this is the right file`,
  );
}

export interface OpenedInput {
  fd: number;
  /** The size fstat reports (0 for /proc and /sys files, which are read to their end). */
  size: number;
}

/** Why a path is not a file the lab reads: not a regular file, or larger than allowed. */
export class UnreadableInput extends Error {
  constructor(
    readonly reason: 'not-regular' | 'too-large',
    /** For messages: "a FIFO (named pipe)", or the size. */
    readonly detail: string,
    readonly size?: number,
  ) {
    super(reason === 'not-regular' ? `${detail}, not a regular file` : `larger than ${detail}`);
    this.name = 'UnreadableInput';
  }
}

/**
 * Opens a regular file for reading. O_NONBLOCK so that opening a FIFO never
 * waits for a writer; the type is checked on the open descriptor (fstat), so
 * swapping the path for a FIFO after a check cannot make it hang. Throws the
 * system's error (with its code) or UnreadableInput.
 */
export function openRegularFile(file: string, limit: number): OpenedInput {
  const fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
  let st: Stats;
  try {
    st = fstatSync(fd);
  } catch (e) {
    closeSync(fd);
    throw e;
  }
  if (!st.isFile()) {
    closeSync(fd);
    throw new UnreadableInput('not-regular', kindOf(st));
  }
  if (st.size > limit) {
    closeSync(fd);
    throw new UnreadableInput('too-large', human(limit), st.size);
  }
  return { fd, size: st.size };
}

/** Reads a regular file whole, at most `limit` bytes; errors as openRegularFile. */
export function readRegularFile(file: string, limit: number): Buffer {
  const { fd, size } = openRegularFile(file, limit);
  try {
    // /proc and /sys report size 0: read in steps until the end (or past the limit).
    let buf = Buffer.allocUnsafe(Math.min(limit + 1, Math.max(size + 1, 64 * 1024)));
    let n = 0;
    for (;;) {
      if (n === buf.length) {
        if (n > limit) throw new UnreadableInput('too-large', human(limit));
        const bigger = Buffer.allocUnsafe(Math.min(limit + 1, buf.length * 2));
        buf.copy(bigger, 0, 0, n);
        buf = bigger;
      }
      const r = readSync(fd, buf, n, buf.length - n, null);
      if (r === 0) break;
      n += r;
    }
    if (n > limit) throw new UnreadableInput('too-large', human(limit));
    return buf.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}

function inputErrorOf(file: string, kind: InputKind, e: unknown): InputError {
  if (e instanceof InputError) return e;
  if (e instanceof UnreadableInput) {
    if (e.reason === 'too-large') return tooLarge(file, kind, e.size);
    if (e.detail === 'a directory') return new InputError(`${file}: is a directory, not a file`);
    return new InputError(`${file}: ${e.detail}, not a regular file; give a file`);
  }
  return openError(file, e);
}

/** Opens a regular file of `kind` (for streaming); every failure an InputError naming the file. */
export function openInput(file: string, kind: InputKind): OpenedInput {
  try {
    return openRegularFile(file, inputLimit(kind));
  } catch (e) {
    throw inputErrorOf(file, kind, e);
  }
}

/** The whole file (at most its kind's limit) as bytes. */
export function readInputBytes(file: string, kind: InputKind): Buffer {
  try {
    return readRegularFile(file, inputLimit(kind));
  } catch (e) {
    throw inputErrorOf(file, kind, e);
  }
}

/** Line and column (1-based) of a character offset. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let start = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    start = i + 1;
  }
  return { line, column: offset - start + 1 };
}

/** The offset of the first byte that is not valid UTF-8 (the input is known to be invalid). */
function firstBadUtf8(buf: Buffer): number {
  for (let i = 0; i < buf.length;) {
    const b = buf[i];
    const len = b < 0x80 ? 1 : b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
    if (len === 0) return i;
    if (len > 1 && !isUtf8(buf.subarray(i, i + len))) return i;
    i += len;
  }
  return buf.length;
}

/**
 * Bytes -> text: UTF-8, a leading byte order mark dropped (some Windows
 * editors write one); UTF-16/32 and invalid UTF-8 are refused with where.
 */
export function decodeText(file: string, buf: Buffer): string {
  if ((buf[0] === 0xff && buf[1] === 0xfe) || (buf[0] === 0xfe && buf[1] === 0xff))
    throw new InputError(`${file}: UTF-16 text (it starts with a UTF-16 byte order mark); save it as UTF-8`);
  if (buf[0] === 0 && buf[1] === 0 && buf[2] === 0xfe && buf[3] === 0xff)
    throw new InputError(`${file}: UTF-32 text; save it as UTF-8`);
  const bom = buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf ? 3 : 0;
  if (!isUtf8(buf)) {
    const at = firstBadUtf8(buf);
    const head = buf.subarray(bom, at).toString('utf8');
    const { line, column } = lineColumn(head, head.length);
    throw new InputError(
      `${file}: not UTF-8 text (byte 0x${buf[at].toString(16).padStart(2, '0')} at line ${line}, column ${column}); is this the right file?`,
    );
  }
  return buf.toString('utf8', bom);
}

/** Reads a whole file of `kind` as text, every failure an InputError naming the file. */
export function readTextFile(file: string, kind: InputKind = 'host'): string {
  return decodeText(file, readInputBytes(file, kind));
}

/**
 * Parses JSON text. Valid text goes through JSON.parse (fast); a failure is
 * explained by the scanner, which names the line and column and never quotes
 * raw file bytes. Nesting deeper than 256 levels is refused: no lab format
 * needs it, and deeper values would exhaust the stack of whatever handles them.
 */
export function parseJsonText(file: string, text: string): unknown {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text.trim() === '') throw new InputError(`${file}: empty file (expected a JSON document)`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    try {
      scanJson(text);
    } catch (e) {
      if (e instanceof JsonSyntaxError) throw new InputError(`${file}: malformed JSON at ${e.message}`);
      throw e;
    }
    throw new InputError(`${file}: malformed JSON`);
  }
  const deep = depthExceededAt(text, DEFAULT_MAX_DEPTH);
  if (deep >= 0) {
    const { line, column } = lineColumn(text, deep);
    throw new InputError(
      `${file}: line ${line}, column ${column}: JSON nested deeper than ${DEFAULT_MAX_DEPTH} levels; no tdx-lab file needs that`,
    );
  }
  return value;
}

export function readJsonFile(file: string, kind: InputKind = 'host'): unknown {
  return parseJsonText(file, readTextFile(file, kind));
}

/** One-line message for validation problems: the first in full, and how many more. */
export function problemsMessage(file: string, problems: readonly HostProblem[]): string {
  const first = problems[0];
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more problem${problems.length > 2 ? 's' : ''})` : '';
  return `${file}: ${first.path}: ${first.message}${more}`;
}
