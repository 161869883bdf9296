/**
 * Memory blocks (drivers/base/memory.c): present memory is managed in
 * blocks of memory_block_size_bytes() (128 MiB default on x86). Each block
 * is online or offline; "refused" is an offline block whose last online
 * attempt the TDX notifier vetoed.
 *
 * Kept as runs of consecutive blocks in one state (sorted, disjoint, equal
 * neighbours merged), never one entry per block: a hot-add of a range up to
 * 2^52 (33 million 128 MiB blocks) costs the same as one of a single block.
 * An operation costs O(log runs + runs it touches).
 */
export type BlockState = 'online' | 'offline' | 'refused';

/** Consecutive blocks that changed the same way in one event. */
export interface BlockChange {
  start: number;
  end: number;
  from: BlockState | 'absent';
  to: BlockState | 'absent';
}

/** Blocks first..last (inclusive) and their state; undefined: no block there. */
export interface BlockSegment {
  first: number;
  last: number;
  state: BlockState | undefined;
}

interface Run {
  first: number;
  last: number;
  state: BlockState;
}

export class MemoryBlocks {
  private readonly list: Run[] = [];
  private readonly counts: Record<BlockState, number> = { online: 0, offline: 0, refused: 0 };

  constructor(readonly blockSize: number) {}

  indexOf(addr: number): number {
    return Math.floor(addr / this.blockSize);
  }

  /** Index of the first run whose last block is >= index. */
  private find(index: number): number {
    let lo = 0;
    let hi = this.list.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.list[mid].last >= index) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  get(index: number): BlockState | undefined {
    const r = this.list[this.find(index)];
    return r && r.first <= index ? r.state : undefined;
  }

  /** The blocks first..last in order, gaps included, as maximal segments. */
  segments(first: number, last: number): BlockSegment[] {
    const out: BlockSegment[] = [];
    let at = first;
    for (let k = this.find(first); k < this.list.length && at <= last; k++) {
      const r = this.list[k];
      if (r.first > last) break;
      if (r.first > at) out.push({ first: at, last: r.first - 1, state: undefined });
      const hi = Math.min(r.last, last);
      out.push({ first: Math.max(r.first, at), last: hi, state: r.state });
      at = hi + 1;
    }
    if (at <= last) out.push({ first: at, last, state: undefined });
    return out;
  }

  /** Sets blocks first..last to `to` (undefined removes them). */
  assign(first: number, last: number, to: BlockState | undefined): void {
    if (last < first) return;
    let k = this.find(first);
    const replaced: Run[] = [];
    let end = k;
    while (end < this.list.length && this.list[end].first <= last) end++;
    // Keep the parts of the first and last runs that stick out of [first, last].
    const head = this.list[k];
    if (head && head.first < first && head.last >= first)
      replaced.push({ first: head.first, last: first - 1, state: head.state });
    for (let j = k; j < end; j++) {
      const r = this.list[j];
      this.counts[r.state] -= Math.min(r.last, last) - Math.max(r.first, first) + 1;
    }
    if (to) {
      replaced.push({ first, last, state: to });
      this.counts[to] += last - first + 1;
    }
    const tail = this.list[end - 1];
    if (end > k && tail.last > last) replaced.push({ first: last + 1, last: tail.last, state: tail.state });
    for (let j = replaced.length - 1; j > 0; j--) {
      const x = replaced[j - 1];
      const y = replaced[j];
      if (x.last + 1 === y.first && x.state === y.state) {
        x.last = y.last;
        replaced.splice(j, 1);
      }
    }
    // Merge with the neighbours outside the replaced span when they touch in the same state.
    if (k > 0) {
      const prev = this.list[k - 1];
      const f = replaced[0];
      if (f && prev.last + 1 === f.first && prev.state === f.state) {
        f.first = prev.first;
        k--;
      }
    }
    const next = this.list[end];
    const l = replaced[replaced.length - 1];
    if (next && l && l.last + 1 === next.first && l.state === next.state) {
      l.last = next.last;
      end++;
    }
    this.list.splice(k, end - k, ...replaced);
  }

  /** Every present block as runs of consecutive blocks in one state, in address order (copies). */
  runs(): { first: number; last: number; state: BlockState }[] {
    return this.list.map((r) => ({ ...r }));
  }

  stats(): { total: number; online: number; offline: number; refused: number } {
    const { online, offline, refused } = this.counts;
    return { total: online + offline + refused, online, offline, refused };
  }

  /** How many runs are kept (for tests and benchmarks: it stays small whatever the range sizes). */
  get runCount(): number {
    return this.list.length;
  }
}

/** Accumulates transitions into ranges (segments arrive in ascending order). */
export class ChangeList {
  readonly changes: BlockChange[] = [];
  constructor(private readonly blockSize: number) {}

  /** Blocks first..last changed from -> to. */
  add(first: number, last: number, from: BlockState | 'absent', to: BlockState | 'absent'): void {
    const start = first * this.blockSize;
    const end = (last + 1) * this.blockSize;
    const prev = this.changes[this.changes.length - 1];
    if (prev && prev.end === start && prev.from === from && prev.to === to) prev.end = end;
    else this.changes.push({ start, end, from, to });
  }
}
