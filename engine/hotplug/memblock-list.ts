/**
 * memblock's memory regions as hotplug changes them: kept sorted and
 * disjoint; add and remove find their place by binary search.
 */
import type { MemblockRegion } from '../host/types.js';

/** Index of the first region whose end is > addr. */
function firstEndingAfter(list: readonly MemblockRegion[], addr: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (list[mid].end > addr) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** True if any byte of [start, end) is already in memblock. */
export function overlapsMemblock(list: readonly MemblockRegion[], start: number, end: number): boolean {
  const i = firstEndingAfter(list, start);
  return i < list.length && list[i].start < end;
}

/** Bytes of [start, end) covered by memblock regions. */
export function coveredBytes(list: readonly MemblockRegion[], start: number, end: number): number {
  let n = 0;
  for (let i = firstEndingAfter(list, start); i < list.length && list[i].start < end; i++) {
    n += Math.min(end, list[i].end) - Math.max(start, list[i].start);
  }
  return n;
}

/** memblock_add_node(): a hot-added range as its own region (driver-managed memory does not merge with boot RAM). */
export function addRegion(list: MemblockRegion[], region: MemblockRegion): void {
  list.splice(firstEndingAfter(list, region.start), 0, region);
}

/** memblock_remove(): cuts [start, end) out, splitting regions it crosses. */
export function removeRange(list: MemblockRegion[], start: number, end: number): void {
  const i = firstEndingAfter(list, start);
  let j = i;
  const keep: MemblockRegion[] = [];
  while (j < list.length && list[j].start < end) {
    const r = list[j];
    if (r.start < start) keep.push({ ...r, end: start });
    if (r.end > end) keep.push({ ...r, start: end });
    j++;
  }
  list.splice(i, j - i, ...keep);
}
