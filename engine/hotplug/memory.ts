/**
 * Memory hotplug as the TDX story needs it (kernel-flow.md §5): boot memory
 * online in blocks; hot-add (ACPI or kmem turning a CXL/NVDIMM region into
 * System RAM) adds to memblock and, with auto-online, onlines each block
 * through the TDX notifier; online/offline per block; hot-remove of offline
 * blocks. Blocks are kept as runs (blocks.ts): an operation costs
 * O(log runs + runs and TDX memory entries it touches), whatever its size.
 */
import { alignDown, alignUp } from '../format/hex.js';
import type { Host, MemblockRegion } from '../host/types.js';
import type { LogLine } from '../kernel/log.js';
import type { TdxMemblock } from '../kernel/memlist.js';
import { ChangeList, MemoryBlocks, type BlockChange, type BlockState } from './blocks.js';
import { addRegion, overlapsMemblock, removeRange } from './memblock-list.js';
import { notifierRuns } from './notifier.js';

export const DEFAULT_MEMORY_BLOCK_SIZE = 128 * 1024 * 1024;

export interface HotplugOutcome {
  ok: boolean;
  /** Why the whole operation failed (nothing changed), e.g. "-EEXIST: range already present". */
  error?: string;
  changes: BlockChange[];
  /** Blocks the notifier refused to online. */
  refused: number;
  onlined: number;
  log: LogLine[];
  /** Refused blocks whose line was over the run's budget (internal; folded into one log line). */
  unlisted?: number;
}

/** %#010llx as printk prints it. */
function hex010(n: number): string {
  return '0x' + n.toString(16).padStart(8, '0');
}

/**
 * The kernel prints one online_pages line per refused block; a run prints at
 * most this many in all (a 2^52 hot-add refuses 33 million blocks), and an
 * event past the budget counts the rest in one line.
 */
export const MAX_REFUSED_LINES = 65536;

export class HotplugMemory {
  readonly blockSize: number;
  readonly memblock: MemblockRegion[];
  readonly blocks: MemoryBlocks;
  private refusedLinesLeft = MAX_REFUSED_LINES;

  constructor(host: Host) {
    this.blockSize = host.platform?.memory_block_size ?? DEFAULT_MEMORY_BLOCK_SIZE;
    this.memblock = host.memblock.map((r) => ({ ...r }));
    this.blocks = new MemoryBlocks(this.blockSize);
    // Boot memory is online; a block partly backed by memory is still one block.
    let runFirst = -1;
    let runLast = -2;
    for (const r of this.memblock) {
      const first = this.blocks.indexOf(r.start);
      const last = this.blocks.indexOf(r.end - 1);
      if (first <= runLast + 1) runLast = Math.max(runLast, last);
      else {
        if (runFirst >= 0) this.blocks.assign(runFirst, runLast, 'online');
        runFirst = first;
        runLast = last;
      }
    }
    if (runFirst >= 0) this.blocks.assign(runFirst, runLast, 'online');
  }

  /** [start, end) rounded inward to whole blocks (kmem and the block devices work per block). */
  blockRange(start: number, end: number): { first: number; last: number } {
    return {
      first: alignUp(start, this.blockSize) / this.blockSize,
      last: alignDown(end, this.blockSize) / this.blockSize - 1,
    };
  }

  private fail(error: string): HotplugOutcome {
    return { ok: false, error, changes: [], refused: 0, onlined: 0, log: [] };
  }

  /** The first block of first..last that does not exist, or undefined. */
  private firstMissing(first: number, last: number): number | undefined {
    return this.blocks.segments(first, last).find((g) => g.state === undefined)?.first;
  }

  /** Onlines blocks first..last through the notifier (online_pages; a refusal leaves a block offline). */
  private onlineBlocks(
    first: number,
    last: number,
    from: BlockState | 'absent',
    memlist: readonly TdxMemblock[],
    out: HotplugOutcome,
    changes: ChangeList,
  ): void {
    for (const run of notifierRuns(memlist, first, last, this.blockSize)) {
      const to: BlockState = run.decision === 'ok' ? 'online' : 'refused';
      this.blocks.assign(run.first, run.last, to);
      changes.add(run.first, run.last, from, to);
      const n = run.last - run.first + 1;
      if (to === 'online') {
        out.onlined += n;
        continue;
      }
      const listed = Math.min(n, this.refusedLinesLeft);
      this.refusedLinesLeft -= listed;
      out.unlisted = (out.unlisted ?? 0) + n - listed;
      for (let i = run.first; i < run.first + listed; i++) {
        const start = i * this.blockSize;
        out.log.push({
          level: 'debug',
          prefix: 'memory_hotplug',
          text: `online_pages [mem ${hex010(start)}-${hex010(start + this.blockSize - 1)}] failed`,
        });
      }
      out.refused += n;
    }
  }

  /** Adds the summary line for refusals past MAX_REFUSED_LINES. */
  private finish(out: HotplugOutcome): HotplugOutcome {
    if (out.unlisted)
      out.log.push({
        level: 'debug',
        prefix: 'memory_hotplug',
        text: `online_pages failed for ${out.unlisted} more memory blocks (one line each not repeated)`,
      });
    delete out.unlisted;
    return out;
  }

  /**
   * add_memory(): the block-aligned part of [start, end) joins memblock on
   * node `nid` (zone "movable" for ZONE_MOVABLE) and, with autoOnline, each
   * block goes online through the notifier.
   */
  hotAdd(
    start: number,
    end: number,
    nid: number,
    zone: 'normal' | 'movable',
    autoOnline: boolean,
    memlist: readonly TdxMemblock[],
  ): HotplugOutcome {
    const { first, last } = this.blockRange(start, end);
    if (last < first) return this.fail('-EINVAL: range holds no whole memory block');
    const s = first * this.blockSize;
    const e = (last + 1) * this.blockSize;
    if (overlapsMemblock(this.memblock, s, e)) return this.fail('-EEXIST: part of the range is already present');
    const region: MemblockRegion = { start: s, end: e, nid };
    if (zone === 'movable') region.zone = 'movable';
    addRegion(this.memblock, region);
    const out: HotplugOutcome = { ok: true, changes: [], refused: 0, onlined: 0, log: [] };
    const changes = new ChangeList(this.blockSize);
    this.blocks.assign(first, last, 'offline');
    // A block added and onlined in one go shows as one absent → online (or refused) change.
    if (autoOnline) this.onlineBlocks(first, last, 'absent', memlist, out, changes);
    else changes.add(first, last, 'absent', 'offline');
    out.changes = changes.changes;
    return this.finish(out);
  }

  /** Onlines every offline block of [start, end). */
  online(start: number, end: number, memlist: readonly TdxMemblock[]): HotplugOutcome {
    const { first, last } = this.blockRange(start, end);
    if (last < first) return this.fail('-EINVAL: range holds no whole memory block');
    const missing = this.firstMissing(first, last);
    if (missing !== undefined) return this.fail(`-ENODEV: no memory block at ${hex010(missing * this.blockSize)}`);
    const out: HotplugOutcome = { ok: true, changes: [], refused: 0, onlined: 0, log: [] };
    const changes = new ChangeList(this.blockSize);
    for (const g of this.blocks.segments(first, last))
      if (g.state !== 'online') this.onlineBlocks(g.first, g.last, g.state!, memlist, out, changes);
    out.changes = changes.changes;
    out.ok = out.refused === 0;
    if (!out.ok)
      out.error = `-EINVAL: ${out.refused} block${out.refused > 1 ? 's' : ''} refused by the TDX memory notifier`;
    return this.finish(out);
  }

  /** Offlines every online block of [start, end) (always allowed by TDX). */
  offline(start: number, end: number): HotplugOutcome {
    const { first, last } = this.blockRange(start, end);
    if (last < first) return this.fail('-EINVAL: range holds no whole memory block');
    const missing = this.firstMissing(first, last);
    if (missing !== undefined) return this.fail(`-ENODEV: no memory block at ${hex010(missing * this.blockSize)}`);
    const changes = new ChangeList(this.blockSize);
    for (const g of this.blocks.segments(first, last)) {
      if (g.state === 'offline') continue;
      this.blocks.assign(g.first, g.last, 'offline');
      changes.add(g.first, g.last, g.state!, 'offline');
    }
    return { ok: true, changes: changes.changes, refused: 0, onlined: 0, log: [] };
  }

  /** remove_memory(): every block must be offline (else -EBUSY); leaves memblock. */
  hotRemove(start: number, end: number): HotplugOutcome {
    const { first, last } = this.blockRange(start, end);
    if (last < first) return this.fail('-EINVAL: range holds no whole memory block');
    const segments = this.blocks.segments(first, last);
    for (const g of segments) {
      if (!g.state) return this.fail(`-ENODEV: no memory block at ${hex010(g.first * this.blockSize)}`);
      if (g.state === 'online') return this.fail(`-EBUSY: block at ${hex010(g.first * this.blockSize)} is online`);
    }
    const changes = new ChangeList(this.blockSize);
    for (const g of segments) changes.add(g.first, g.last, g.state!, 'absent');
    this.blocks.assign(first, last, undefined);
    removeRange(this.memblock, first * this.blockSize, (last + 1) * this.blockSize);
    return { ok: true, changes: changes.changes, refused: 0, onlined: 0, log: [] };
  }
}
