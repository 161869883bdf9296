/**
 * Device memory blocks as the TDX memory-hotplug notifier leaves them
 * (kernel-flow spec §5): memory hot-added before init is already in memblock
 * and online; a block onlined after a successful init must lie inside one
 * TDX memory list entry or it is refused; with no TDX memory list (init not
 * run or failed) anything may go online.
 */
import type { Host } from '../../engine/host/types.js';
import type { TdxMemblock } from '../../engine/kernel/memlist.js';
import type { MemoryBlockInfo } from '../common/api-contract.js';

const DEFAULT_BLOCK = 0x8000000; // 128 MiB, x86's default memory_block_size_bytes()
/** Above this many blocks per device the map would not show them apart anyway. */
const MAX_BLOCKS = 4096;

function inMemblock(host: Host, start: number, end: number): boolean {
  return host.memblock.some((m) => m.start <= start && end <= m.end);
}

function insideOneEntry(list: readonly TdxMemblock[], start: number, end: number): boolean {
  return list.some((m) => m.start <= start && end <= m.end);
}

export function deviceMemoryBlocks(host: Host, tdxMemlist: readonly TdxMemblock[] | null): MemoryBlockInfo[] {
  const size = host.platform?.memory_block_size ?? DEFAULT_BLOCK;
  const out: MemoryBlockInfo[] = [];
  for (const d of host.devices ?? []) {
    const count = Math.ceil((d.end - d.start) / size);
    const step = count > MAX_BLOCKS ? Math.ceil(count / MAX_BLOCKS) * size : size;
    for (let s = d.start; s < d.end; s += step) {
      const e = Math.min(d.end, s + step);
      if (inMemblock(host, s, e)) {
        out.push({ start: s, end: e, state: 'online', reason: `${d.name}: hot-added before TDX init (in memblock)` });
      } else if (tdxMemlist === null || tdxMemlist.length === 0) {
        out.push({
          start: s,
          end: e,
          state: 'online',
          reason: `${d.name}: onlined while the TDX memory list is empty`,
        });
      } else if (insideOneEntry(tdxMemlist, s, e)) {
        out.push({ start: s, end: e, state: 'online', reason: `${d.name}: inside the TDX memory list` });
      } else {
        out.push({
          start: s,
          end: e,
          state: 'refused',
          reason: `${d.name}: the TDX memory notifier refused onlining (not TDX memory)`,
        });
      }
    }
  }
  return out;
}
