/**
 * Reading files under a root directory ("/" on a live host, a fixture tree
 * in tests) with failures kept as reasons, never thrown: the probe says what
 * it could not read and why, and carries on.
 */
import { readdirSync, readlinkSync, lstatSync } from 'node:fs';
import { join } from 'node:path';
import { readRegularFile, UnreadableInput } from '../node/input-file.js';
import { INPUT_LIMITS } from '../node/input-limits.js';

export type Read<T> = { ok: true; value: T } | { ok: false; why: string };

/** A filesystem error as a reason a person understands. */
export function reason(e: unknown): string {
  // A FIFO, a device or a huge file in a copied tree is skipped, never read (it could block or never end).
  if (e instanceof UnreadableInput) return e.message;
  const code = (e as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOENT':
      return 'not present';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied (run as root)';
    case 'EISDIR':
      return 'is a directory, not a file';
    case 'EIO':
      return 'I/O error (not supported by this CPU or kernel)';
    default:
      return code ?? (e as Error).message;
  }
}

export class SysRoot {
  readonly read: { source: string; what: string }[] = [];
  readonly failed: { source: string; why: string }[] = [];

  constructor(readonly root: string) {}

  path(rel: string): string {
    return join(this.root, rel);
  }

  /** The display name of a source: its absolute path on the host ("/proc/iomem"). */
  name(rel: string): string {
    return '/' + rel.replace(/^\/+/, '');
  }

  text(rel: string, what: string, opts: { quiet?: boolean } = {}): Read<string> {
    try {
      const value = readProbeFile(this.path(rel));
      this.read.push({ source: this.name(rel), what });
      return { ok: true, value };
    } catch (e) {
      const why = reason(e);
      if (!opts.quiet) this.failed.push({ source: this.name(rel), why });
      return { ok: false, why };
    }
  }

  dir(rel: string, opts: { quiet?: boolean } = {}): Read<string[]> {
    try {
      return {
        ok: true,
        value: readdirSync(this.path(rel)).sort((a, b) => a.localeCompare(b, 'en', { numeric: true })),
      };
    } catch (e) {
      const why = reason(e);
      if (!opts.quiet) this.failed.push({ source: this.name(rel), why });
      return { ok: false, why };
    }
  }

  /** A symlink's target, or a regular file's first line (fixture trees may use either). */
  link(rel: string): string | undefined {
    try {
      if (lstatSync(this.path(rel)).isSymbolicLink()) return readlinkSync(this.path(rel));
      return readProbeFile(this.path(rel)).trim();
    } catch {
      return undefined;
    }
  }
}

/** One /proc or /sys file (or its copy): regular files only, bounded in size. */
export function readProbeFile(file: string): string {
  return readRegularFile(file, INPUT_LIMITS['probe-file'].bytes).toString('utf8');
}

/** "0-3,8-11" -> [0,1,2,3,8,9,10,11] */
export function parseCpuList(s: string): number[] {
  const out: number[] = [];
  for (const part of s.trim().split(',')) {
    if (!part) continue;
    const [a, b] = part.split('-').map(Number);
    for (let i = a; i <= (b ?? a); i++) out.push(i);
  }
  return out;
}
