/**
 * How large a file of each kind the lab reads (docs/inputs.md). Files read
 * whole are limited so that parsing and emulating them stays inside the
 * process's memory; files read as a stream (session exports, artifacts) only
 * so that a wrong path (a disk image, /dev/zero) is refused at once.
 * `--max-input-size SIZE` raises every limit for one command.
 */
import { InputError } from './input-error.js';

export type InputKind =
  'host' | 'scenario' | 'sweep' | 'recorded-host' | 'session-export' | 'artifact' | 'dmesg' | 'probe-file';

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

export const INPUT_LIMITS: Readonly<Record<InputKind, { bytes: number; what: string }>> = {
  // A 4M-region host is about 230 MiB; planning it takes about 15 times its size in memory.
  host: { bytes: 256 * MiB, what: 'a host file' },
  scenario: { bytes: 64 * MiB, what: 'a scenario file' },
  sweep: { bytes: 64 * MiB, what: 'a sweep file' },
  'recorded-host': { bytes: 256 * MiB, what: 'a recorded host' },
  // Streamed: memory stays bounded whatever the size.
  'session-export': { bytes: 64 * GiB, what: 'a session file' },
  artifact: { bytes: 4 * GiB, what: 'an artifact' },
  dmesg: { bytes: 1 * GiB, what: 'a kernel log' },
  'probe-file': { bytes: 64 * MiB, what: 'a /proc or /sys file' },
};

let override: number | undefined;

/** Sets (or, with undefined, clears) the --max-input-size of this process. */
export function setMaxInputSize(bytes: number | undefined): void {
  override = bytes;
}

/** The limit in force for a kind: --max-input-size when given, else the kind's own. */
export function inputLimit(kind: InputKind): number {
  return override ?? INPUT_LIMITS[kind].bytes;
}

const UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  k: 1024,
  kb: 1024,
  kib: 1024,
  m: MiB,
  mb: MiB,
  mib: MiB,
  g: GiB,
  gb: GiB,
  gib: GiB,
  t: 1024 * GiB,
  tb: 1024 * GiB,
  tib: 1024 * GiB,
};

/** "512MiB", "2G", "1048576" -> bytes (binary units). */
export function parseSize(s: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$/.exec(s);
  if (!m) return undefined;
  const unit = UNITS[m[2].toLowerCase()];
  if (unit === undefined) return undefined;
  const n = Math.floor(Number(m[1]) * unit);
  return Number.isSafeInteger(n) && n > 0 ? n : undefined;
}

/** commander's parser for --max-input-size. */
export function maxInputSizeArg(s: string): number {
  const n = parseSize(s);
  if (n === undefined) throw new InputError(`--max-input-size: expected a size like 512MiB or 2GiB, got '${s}'`);
  return n;
}

export const MAX_INPUT_SIZE_HELP =
  'read input files up to this size (e.g. 1GiB); the default depends on the kind of file (docs/inputs.md)';
