/**
 * Reading user-supplied JSON files with errors a person can act on: the
 * file, the JSON path, the problem. Never a stack trace.
 */
import { readFileSync, statSync } from 'node:fs';
import type { HostProblem } from '../../engine/host/validate.js';

/** An error the CLI reports as one line and an exit code (2: bad input or usage). */
export class InputError extends Error {
  constructor(
    message: string,
    readonly exitCode = 2,
  ) {
    super(message);
    this.name = 'InputError';
  }
}

/** Reads a file as text, turning every filesystem failure into an InputError naming the file. */
export function readTextFile(file: string): string {
  let st;
  try {
    st = statSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new InputError(`${file}: no such file`);
    if (code === 'EACCES') throw new InputError(`${file}: permission denied`);
    throw new InputError(`${file}: cannot read (${code ?? (e as Error).message})`);
  }
  if (st.isDirectory()) throw new InputError(`${file}: is a directory, not a file`);
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(
      `${file}: cannot read (${code === 'EACCES' ? 'permission denied' : (code ?? (e as Error).message)})`,
    );
  }
}

/** Line and column of a character offset, 1-based. */
function lineCol(text: string, offset: number): string {
  let line = 1;
  let col = 1;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      col = 1;
    } else col++;
  }
  return `line ${line}, column ${col}`;
}

/** Parses JSON text; a syntax error names the file and the line and column. */
export function parseJsonText(file: string, text: string): unknown {
  if (text.trim() === '') throw new InputError(`${file}: empty file (expected a JSON document)`);
  try {
    return JSON.parse(text);
  } catch (e) {
    const msg = (e as Error).message;
    const m = /position (\d+)/.exec(msg);
    const where = m ? ` at ${lineCol(text, Number(m[1]))}` : '';
    const why = msg.replace(/ in JSON at position \d+.*$/s, '').replace(/^JSON\.parse: /, '');
    throw new InputError(`${file}: malformed JSON${where}: ${why}`);
  }
}

export function readJsonFile(file: string): unknown {
  return parseJsonText(file, readTextFile(file));
}

/** One-line message for validation problems: the first in full, and how many more. */
export function problemsMessage(file: string, problems: readonly HostProblem[]): string {
  const first = problems[0];
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more problem${problems.length > 2 ? 's' : ''})` : '';
  return `${file}: ${first.path}: ${first.message}${more}`;
}
