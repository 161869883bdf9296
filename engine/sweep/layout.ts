/**
 * How the memory axes of a sweep reshape the base host. Pure functions:
 * the same host and values always give the same new host.
 *
 * The model is the regular server of the golden `server-*` cases: node 0
 * owns the low memory below 4 GiB (with its firmware holes, kept exactly as
 * in the base host) and every node owns one contiguous DRAM range above
 * 4 GiB, the nodes back to back in node order. "Memory per node" counts
 * node 0's low memory as its span rounded up to 1 GiB (a 2-socket host
 * with 256 GiB per node has node 0 = ~2 GiB low + 254 GiB from 4 GiB).
 */
import type { Cmr, Host, MemblockRegion, ReservedRange } from '../host/types.js';
import { SZ_1G, SZ_4G, alignUp } from '../format/hex.js';

/** CXL windows start at the next 64 GiB boundary above all memory (as in the golden cxl-* cases). */
export const CXL_WINDOW_ALIGN = 64 * SZ_1G;

/** What the base host looks like in terms of the layout axes. */
export interface BaseLayout {
  /** Distinct NUMA nodes with non-movable memblock memory. */
  nodes: number;
  /** End of node 0's low memory (regions ending at or below 4 GiB), rounded up to 1 GiB. */
  lowSpan: number;
  /** (lowSpan + all non-movable memory above 4 GiB) / nodes, in whole GiB. */
  memoryPerNodeGib: number;
}

function isDram(r: MemblockRegion): boolean {
  return r.zone !== 'movable';
}

export function baseLayout(host: Host): BaseLayout {
  let lowEnd = 0;
  let high = 0;
  const nids = new Set<number>();
  for (const r of host.memblock) {
    if (!isDram(r)) continue;
    nids.add(r.nid);
    if (r.start < SZ_4G) lowEnd = Math.max(lowEnd, Math.min(r.end, SZ_4G));
    if (r.end > SZ_4G) high += r.end - Math.max(r.start, SZ_4G);
  }
  const nodes = Math.max(1, nids.size);
  const lowSpan = alignUp(lowEnd, SZ_1G);
  return { nodes, lowSpan, memoryPerNodeGib: Math.floor((lowSpan + high) / nodes / SZ_1G) };
}

/**
 * The smallest memory per node (GiB) a layout can have: node 0 needs some
 * DRAM above 4 GiB besides its low memory.
 */
export function minMemoryPerNodeGib(host: Host): number {
  return baseLayout(host).lowSpan / SZ_1G + 1;
}

/**
 * Rebuilds the memory above 4 GiB as `nodes` nodes of `gibPerNode` GiB.
 * Kept from the base host: the memblock regions, CMRs and reserved ranges
 * below 4 GiB (clipped at 4 GiB), reserved ranges that still lie inside the
 * new DRAM, and devices that do not overlap it. The CMRs above 4 GiB become
 * one CMR over the new DRAM (all of it is convertible).
 */
export function regularLayout(base: Host, nodes: number, gibPerNode: number): Host {
  const { lowSpan } = baseLayout(base);
  const memblock: MemblockRegion[] = [];
  for (const r of base.memblock) {
    if (r.start >= SZ_4G || !isDram(r)) continue;
    memblock.push({ start: r.start, end: Math.min(r.end, SZ_4G), nid: r.nid });
  }
  let addr = SZ_4G;
  for (let nid = 0; nid < nodes; nid++) {
    const size = gibPerNode * SZ_1G - (nid === 0 ? lowSpan : 0);
    if (size <= 0) continue;
    memblock.push({ start: addr, end: addr + size, nid });
    addr += size;
  }
  const dramEnd = addr;

  const cmrs: Cmr[] = [];
  for (const c of base.cmrs) {
    if (c.base >= SZ_4G) continue;
    cmrs.push({ base: c.base, size: Math.min(c.base + c.size, SZ_4G) - c.base });
  }
  if (dramEnd > SZ_4G) cmrs.push({ base: SZ_4G, size: dramEnd - SZ_4G });

  const inNewMemory = (x: ReservedRange) =>
    x.start >= SZ_4G ? x.end <= dramEnd : memblock.some((r) => r.start <= x.start && x.end <= r.end);
  const reserved = base.reserved.filter(inNewMemory).map((x) => ({ ...x }));

  const host: Host = {
    ...base,
    name: base.name,
    memblock,
    reserved,
    cmrs,
    module: { ...base.module, pamt_entry_size: { ...base.module.pamt_entry_size } },
  };
  if (base.devices)
    host.devices = base.devices.filter((d) => d.start >= dramEnd || d.end <= SZ_4G).map((d) => ({ ...d }));
  if (base.platform?.packages !== undefined) host.platform = { ...base.platform, packages: nodes };
  return host;
}

/** Where a CXL window of the host would start: the next 64 GiB boundary above all memory and devices. */
export function cxlWindowBase(host: Host): number {
  let top = 0;
  for (const r of host.memblock) top = Math.max(top, r.end);
  for (const d of host.devices ?? []) top = Math.max(top, d.end);
  return alignUp(top, CXL_WINDOW_ALIGN);
}

/**
 * A CXL memory device of `gib` GiB hot-added (kmem) before the TDX module is
 * initialized: its memory is in the memblock snapshot the kernel builds the
 * TDMRs from, on a node of its own (the next node id), in the given zone,
 * and outside every CMR (first-generation TDX cannot convert CXL memory;
 * kernel-flow.md section 5). 0 GiB leaves the host unchanged.
 */
export function addHotAddedCxl(host: Host, gib: number, zone: 'normal' | 'movable'): Host {
  if (gib === 0) return host;
  const start = cxlWindowBase(host);
  let nid = 0;
  for (const r of host.memblock) nid = Math.max(nid, r.nid + 1);
  const region: MemblockRegion = { start, end: start + gib * SZ_1G, nid };
  if (zone === 'movable') region.zone = 'movable';
  return { ...host, memblock: [...host.memblock, region] };
}
