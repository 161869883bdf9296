/**
 * Memory hotplug as the TDX story needs it (kernel-flow.md §5): boot memory
 * online in blocks; hot-add (ACPI or kmem turning a CXL/NVDIMM region into
 * System RAM) adds to memblock and, with auto-online, onlines each block
 * through the TDX notifier; online/offline per block; hot-remove of offline
 * blocks. Costs O(blocks touched + log(regions)) per operation.
 */
import { alignDown, alignUp } from '../format/hex.js';
import type { Host, MemblockRegion } from '../host/types.js';
import type { LogLine } from '../kernel/log.js';
import type { TdxMemblock } from '../kernel/memlist.js';
import { ChangeList, MemoryBlocks, type BlockChange, type BlockState } from './blocks.js';
import { addRegion, overlapsMemblock, removeRange } from './memblock-list.js';
import { tdxMemoryNotifier } from './notifier.js';

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
}

/** %#010llx as printk prints it. */
function hex010(n: number): string {
  return '0x' + n.toString(16).padStart(8, '0');
}

export class HotplugMemory {
  readonly blockSize: number;
  readonly memblock: MemblockRegion[];
  readonly blocks: MemoryBlocks;

  constructor(host: Host) {
    this.blockSize = host.platform?.memory_block_size ?? DEFAULT_MEMORY_BLOCK_SIZE;
    this.memblock = host.memblock.map((r) => ({ ...r }));
    this.blocks = new MemoryBlocks(this.blockSize);
    // Boot memory is online; a block partly backed by memory is still one block.
    for (const r of this.memblock) {
      const last = this.blocks.indexOf(r.end - 1);
      for (let i = this.blocks.indexOf(r.start); i <= last; i++) if (!this.blocks.get(i)) this.blocks.set(i, 'online');
    }
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

  /** Onlines one block through the notifier (online_pages; failure leaves it offline). */
  private onlineBlock(
    i: number,
    memlist: readonly TdxMemblock[],
    out: HotplugOutcome,
    changes: ChangeList,
    from: BlockState | 'absent' = this.blocks.get(i)!,
  ): void {
    const start = i * this.blockSize;
    const end = start + this.blockSize;
    if (tdxMemoryNotifier(memlist, start, end) === 'ok') {
      this.blocks.set(i, 'online');
      changes.add(i, from, 'online');
      out.onlined++;
    } else {
      this.blocks.set(i, 'refused');
      changes.add(i, from, 'refused');
      out.refused++;
      out.log.push({
        level: 'debug',
        prefix: 'memory_hotplug',
        text: `online_pages [mem ${hex010(start)}-${hex010(end - 1)}] failed`,
      });
    }
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
    for (let i = first; i <= last; i++) {
      this.blocks.set(i, 'offline');
      // A block added and onlined in one go shows as one absent → online (or refused) change.
      if (autoOnline) this.onlineBlock(i, memlist, out, changes, 'absent');
      else changes.add(i, 'absent', 'offline');
    }
    out.changes = changes.changes;
    return out;
  }

  /** Onlines every offline block of [start, end). */
  online(start: number, end: number, memlist: readonly TdxMemblock[]): HotplugOutcome {
    const { first, last } = this.blockRange(start, end);
    if (last < first) return this.fail('-EINVAL: range holds no whole memory block');
    for (let i = first; i <= last; i++)
      if (!this.blocks.get(i)) return this.fail(`-ENODEV: no memory block at ${hex010(i * this.blockSize)}`);
    const out: HotplugOutcome = { ok: true, changes: [], refused: 0, onlined: 0, log: [] };
    const changes = new ChangeList(this.blockSize);
    for (let i = first; i <= last; i++) if (this.blocks.get(i) !== 'online') this.onlineBlock(i, memlist, out, changes);
    out.changes = changes.changes;
    out.ok = out.refused === 0;
    if (!out.ok)
      out.error = `-EINVAL: ${out.refused} block${out.refused > 1 ? 's' : ''} refused by the TDX memory notifier`;
    return out;
  }

  /** Offlines every online block of [start, end) (always allowed by TDX). */
  offline(start: number, end: number): HotplugOutcome {
    const { first, last } = this.blockRange(start, end);
    if (last < first) return this.fail('-EINVAL: range holds no whole memory block');
    for (let i = first; i <= last; i++)
      if (!this.blocks.get(i)) return this.fail(`-ENODEV: no memory block at ${hex010(i * this.blockSize)}`);
    const changes = new ChangeList(this.blockSize);
    for (let i = first; i <= last; i++) {
      const from = this.blocks.get(i)!;
      if (from === 'offline') continue;
      this.blocks.set(i, 'offline');
      changes.add(i, from, 'offline');
    }
    return { ok: true, changes: changes.changes, refused: 0, onlined: 0, log: [] };
  }

  /** remove_memory(): every block must be offline (else -EBUSY); leaves memblock. */
  hotRemove(start: number, end: number): HotplugOutcome {
    const { first, last } = this.blockRange(start, end);
    if (last < first) return this.fail('-EINVAL: range holds no whole memory block');
    for (let i = first; i <= last; i++) {
      const st = this.blocks.get(i);
      if (!st) return this.fail(`-ENODEV: no memory block at ${hex010(i * this.blockSize)}`);
      if (st === 'online') return this.fail(`-EBUSY: block at ${hex010(i * this.blockSize)} is online`);
    }
    const changes = new ChangeList(this.blockSize);
    for (let i = first; i <= last; i++) {
      changes.add(i, this.blocks.get(i)!, 'absent');
      this.blocks.set(i, undefined);
    }
    removeRange(this.memblock, first * this.blockSize, (last + 1) * this.blockSize);
    return { ok: true, changes: changes.changes, refused: 0, onlined: 0, log: [] };
  }
}
