/**
 * Memory blocks (drivers/base/memory.c): present memory is managed in
 * blocks of memory_block_size_bytes() (128 MiB default on x86). Each block
 * is online or offline; "refused" is an offline block whose last online
 * attempt the TDX notifier vetoed. Stored in a Map keyed by block index, so
 * an operation costs O(blocks it touches), never a scan of all blocks.
 */
export type BlockState = 'online' | 'offline' | 'refused';

/** Consecutive blocks that changed the same way in one event. */
export interface BlockChange {
  start: number;
  end: number;
  from: BlockState | 'absent';
  to: BlockState | 'absent';
}

export class MemoryBlocks {
  private readonly state = new Map<number, BlockState>();
  private readonly counts: Record<BlockState, number> = { online: 0, offline: 0, refused: 0 };

  constructor(readonly blockSize: number) {}

  indexOf(addr: number): number {
    return Math.floor(addr / this.blockSize);
  }

  get(index: number): BlockState | undefined {
    return this.state.get(index);
  }

  set(index: number, to: BlockState | undefined): void {
    const from = this.state.get(index);
    if (from) this.counts[from]--;
    if (to) {
      this.state.set(index, to);
      this.counts[to]++;
    } else this.state.delete(index);
  }

  /** Every present block as runs of consecutive blocks in one state, in address order. */
  runs(): { first: number; last: number; state: BlockState }[] {
    const keys = [...this.state.keys()].sort((a, b) => a - b);
    const out: { first: number; last: number; state: BlockState }[] = [];
    for (const k of keys) {
      const st = this.state.get(k)!;
      const prev = out[out.length - 1];
      if (prev && prev.last === k - 1 && prev.state === st) prev.last = k;
      else out.push({ first: k, last: k, state: st });
    }
    return out;
  }

  stats(): { total: number; online: number; offline: number; refused: number } {
    return { total: this.state.size, ...this.counts };
  }
}

/** Accumulates per-block transitions into ranges (blocks arrive in ascending order). */
export class ChangeList {
  readonly changes: BlockChange[] = [];
  constructor(private readonly blockSize: number) {}

  add(index: number, from: BlockState | 'absent', to: BlockState | 'absent'): void {
    const start = index * this.blockSize;
    const last = this.changes[this.changes.length - 1];
    if (last && last.end === start && last.from === from && last.to === to) last.end = start + this.blockSize;
    else this.changes.push({ start, end: start + this.blockSize, from, to });
  }
}
