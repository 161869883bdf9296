/**
 * The TDX memory hotplug notifier (kernel-flow.md §5; tdx.c
 * tdx_memory_notifier / is_tdx_memory): only MEM_GOING_ONLINE is examined;
 * with an empty TDX memory list anything may go online; otherwise the range
 * must lie entirely inside one TDX memory list entry.
 */
import type { TdxMemblock } from '../kernel/memlist.js';

export type NotifierDecision = 'ok' | 'bad';

/** Index of the first entry ending at or after `addr` (entries are sorted and disjoint). */
function firstEndingAtOrAfter(memlist: readonly TdxMemblock[], addr: number): number {
  let lo = 0;
  let hi = memlist.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (memlist[mid].end >= addr) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

export function tdxMemoryNotifier(memlist: readonly TdxMemblock[], start: number, end: number): NotifierDecision {
  if (memlist.length === 0) return 'ok';
  // The only candidate is the first entry ending at or after `end`.
  const e = memlist[firstEndingAtOrAfter(memlist, end)];
  return e && e.start <= start ? 'ok' : 'bad';
}

/**
 * The notifier's decision for each of blocks first..last (block i is
 * [i * blockSize, (i + 1) * blockSize)), as maximal runs with one decision:
 * the same rule as tdxMemoryNotifier, evaluated per TDX memory entry instead
 * of per block, so a range of millions of blocks costs the entries it spans.
 */
export function notifierRuns(
  memlist: readonly TdxMemblock[],
  first: number,
  last: number,
  blockSize: number,
): { first: number; last: number; decision: NotifierDecision }[] {
  const out: { first: number; last: number; decision: NotifierDecision }[] = [];
  const push = (a: number, b: number, decision: NotifierDecision) => {
    if (b < a) return;
    const prev = out[out.length - 1];
    if (prev && prev.last + 1 === a && prev.decision === decision) prev.last = b;
    else out.push({ first: a, last: b, decision });
  };
  if (memlist.length === 0) {
    push(first, last, 'ok');
    return out;
  }
  let i = first;
  // Entries ending before block i's end cannot hold it.
  for (let k = firstEndingAtOrAfter(memlist, (i + 1) * blockSize); i <= last; k++) {
    const e = memlist[k];
    if (!e) {
      push(i, last, 'bad');
      break;
    }
    // Blocks wholly inside entry e.
    const okFirst = Math.ceil(e.start / blockSize);
    const okLast = Math.floor(e.end / blockSize) - 1;
    if (okLast < i || okFirst > okLast) continue;
    if (okFirst > last) {
      push(i, last, 'bad');
      break;
    }
    if (okFirst > i) push(i, okFirst - 1, 'bad');
    const hi = Math.min(okLast, last);
    push(Math.max(i, okFirst), hi, 'ok');
    i = hi + 1;
  }
  return out;
}
