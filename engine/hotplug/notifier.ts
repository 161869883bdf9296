/**
 * The TDX memory hotplug notifier (kernel-flow.md §5; tdx.c
 * tdx_memory_notifier / is_tdx_memory): only MEM_GOING_ONLINE is examined;
 * with an empty TDX memory list anything may go online; otherwise the range
 * must lie entirely inside one TDX memory list entry.
 */
import type { TdxMemblock } from '../kernel/memlist.js';

export type NotifierDecision = 'ok' | 'bad';

export function tdxMemoryNotifier(memlist: readonly TdxMemblock[], start: number, end: number): NotifierDecision {
  if (memlist.length === 0) return 'ok';
  // Entries are sorted and disjoint: the only candidate is the first one ending at or after `end`.
  let lo = 0;
  let hi = memlist.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (memlist[mid].end >= end) hi = mid;
    else lo = mid + 1;
  }
  const e = memlist[lo];
  return e && e.start <= start ? 'ok' : 'bad';
}
