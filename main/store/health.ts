/**
 * The notebook's health (docs/sessions.md, "Health"). Damage seen once —
 * SQLITE_CORRUPT from any statement, a failed quick_check, a truncated file —
 * is remembered in a marker file beside the notebook (LAB.db.damaged), so
 * that no later command writes to it: every command then names the file and
 * says what to do, until `session check` finds it sound again or the file is
 * replaced (a restored backup: the marker records which file it was about).
 * The notebook itself is never written to mark it.
 */
import { readFileSync, rmSync, statSync, writeFileSync, type Stats } from 'node:fs';

export interface DamageRecord {
  why: string;
  detected_at: string;
  /** The notebook file the marker is about (a replaced file at the same path is not damaged). */
  file: { dev: number; ino: number; size: number; mtime_ms: number };
}

export function damageMarkerPath(file: string): string {
  return `${file}.damaged`;
}

function identity(st: Stats): DamageRecord['file'] {
  return { dev: st.dev, ino: st.ino, size: st.size, mtime_ms: Math.floor(st.mtimeMs) };
}

/** The marker for this very file, or undefined (none, unreadable, or about a file since replaced). */
export function readDamage(file: string): DamageRecord | undefined {
  let text: string;
  let st: Stats;
  try {
    text = readFileSync(damageMarkerPath(file), 'utf8');
    st = statSync(file);
  } catch {
    return undefined;
  }
  try {
    const rec = JSON.parse(text) as DamageRecord;
    const now = identity(st);
    const same =
      rec.file &&
      rec.file.dev === now.dev &&
      rec.file.ino === now.ino &&
      rec.file.size === now.size &&
      rec.file.mtime_ms === now.mtime_ms;
    return same && typeof rec.why === 'string' ? rec : undefined;
  } catch {
    // A marker we cannot read still says someone saw damage: err on the side of not writing.
    return { why: 'an earlier command found it damaged', detected_at: '', file: identity(st) };
  }
}

/** Remembers the damage beside the file (best effort: a read-only folder keeps it to this process). */
export function markDamaged(file: string, why: string): void {
  try {
    const st = statSync(file);
    const rec: DamageRecord = { why, detected_at: new Date().toISOString(), file: identity(st) };
    writeFileSync(damageMarkerPath(file), JSON.stringify(rec) + '\n');
  } catch {
    /* the error itself still reaches the user */
  }
}

export function clearDamage(file: string): void {
  rmSync(damageMarkerPath(file), { force: true });
}

/** Files up to this size get PRAGMA quick_check on every open (about 0.4 s at 128 MiB); larger ones before writes. */
export const QUICK_CHECK_ON_OPEN_MAX_BYTES = 128 * 1024 * 1024;
