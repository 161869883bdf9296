/**
 * The words a run or session diff (main/store/diff.ts) is told in, shared by
 * `tdx-lab session diff` (main/cli/render/session-diff.ts) and the app's
 * Sessions tab, so both faces say the same thing. Browser-safe.
 */
import { hex, humanSize } from '../../engine/format/hex.js';
import { sizeText } from '../../engine/outcome/text.js';
import type { Range, RunBrief } from '../store/diff.js';
import type { StoredTdmr } from '../store/types.js';

/** `[0x100000, 0x80000000) 2047 MiB node 0`. */
export function diffRange(r: Range): string {
  return `[${hex(r.start)}, ${hex(r.end)}) ${humanSize(r.end - r.start)}${r.nid !== undefined ? ` node ${r.nid}` : ''}`;
}

/** `run #3 (session 'bring-up', plan, upstream, host 2s-server-512g)`. */
export function diffRunName(r: RunBrief): string {
  return `run #${r.id} (session '${r.session}', ${r.kind}, ${r.kernelVariant}, host ${r.host ?? '-'})`;
}

/** `ok`, or `FAILED at reserved (-ENOSPC)`, as the run was recorded. */
export function diffRunStatus(r: RunBrief): string {
  return r.status === 'ok' ? 'ok' : `FAILED${r.stage ? ` at ${r.stage}` : ''}${r.errno ? ` (${r.errno})` : ''}`;
}

/** `2048 KiB (2 MiB)`, or `-` when the run has no figure. */
export function diffBytes(n: number | null): string {
  return n === null ? '-' : `${n / 1024} KiB (${humanSize(n)})`;
}

/** A change in bytes with its sign: `+2048 KiB (+2 MiB)`, `0`. */
export function diffSigned(n: number): string {
  if (n === 0) return '0';
  return `${n > 0 ? '+' : '-'}${Math.abs(n) / 1024} KiB (${n > 0 ? '+' : '-'}${humanSize(Math.abs(n))})`;
}

/** A stored TDMR row: base, size and its PAMT. */
export function diffTdmrCell(t: StoredTdmr | null): string {
  if (!t) return '-';
  const pamt = t.pamt
    ? ` PAMT ${hex(t.pamt.base)} ${humanSize(t.pamt.size4k + t.pamt.size2m + t.pamt.size1g)} node ${t.pamtNid}`
    : '';
  return `${hex(t.base)} ${humanSize(t.size)}${pamt}`;
}

/** A reserved area that only one side has: `offset 0x0 size 0x200000 (2 MiB)`. */
export function diffArea(a: { offset: number; size: number }): string {
  return `offset ${hex(a.offset)} size ${sizeText(a.size)}`;
}

/** What a diff of two identical runs says. */
export const RUN_DIFF_SAME = 'No differences: same host, status, TDMRs, PAMT and reserved areas.';
