/**
 * build_tdx_memlist(): the snapshot of memblock memory that becomes
 * "TDX-usable memory" (kernel-flow.md §3 step 4, golden README tdx_memlist).
 */
import { SZ_1M } from '../format/hex.js';
import type { MemblockRegion } from '../host/types.js';

/** One TDX memory list entry (struct tdx_memblock), [start, end) in bytes. */
export interface TdxMemblock {
  start: number;
  end: number;
  nid: number;
}

/**
 * The first 1 MiB is never reported convertible, although memblock lists it:
 * cut it away, drop regions entirely below it, and merge nothing.
 */
export function buildTdxMemlist(memblock: readonly MemblockRegion[]): TdxMemblock[] {
  const list: TdxMemblock[] = [];
  for (const r of memblock) {
    const start = Math.max(r.start, SZ_1M);
    if (start >= r.end) continue;
    list.push({ start, end: r.end, nid: r.nid });
  }
  return list;
}

/** Index of the first entry whose end is >= addr (entries are sorted and disjoint). */
export function firstEndingAtOrAfter(list: readonly { end: number }[], addr: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (list[mid].end < addr) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
