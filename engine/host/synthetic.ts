/**
 * Synthetic hosts built from a few numbers: for benchmarks, stress tests
 * and the sample generator. Pure; the same arguments give the same host.
 */
import type { Host } from './types.js';
import { SZ_4G } from '../format/hex.js';

export interface ContiguousHostOptions {
  /** Number of memblock regions. */
  regions: number;
  /** Size of each region in bytes (default 64 MiB). */
  regionSize?: number;
  /** NUMA nodes the regions are spread over, in equal consecutive shares (default 8). */
  nodes?: number;
  /** First address (default 4 GiB). */
  start?: number;
  maxTdmrs: number;
  maxReservedPerTdmr: number;
}

/** Back-to-back regions of one size, all convertible (one CMR), standard PAMT entry sizes. */
export function contiguousHost(o: ContiguousHostOptions): Host {
  const size = o.regionSize ?? 64 * 1024 * 1024;
  const nodes = o.nodes ?? 8;
  const start = o.start ?? SZ_4G;
  const memblock = new Array(o.regions);
  for (let i = 0; i < o.regions; i++) {
    const s = start + i * size;
    memblock[i] = { start: s, end: s + size, nid: Math.floor((i * nodes) / o.regions) };
  }
  return {
    name: `synthetic-${o.regions}x${size / (1024 * 1024)}MiB-${nodes}nodes`,
    memblock,
    reserved: [],
    module: {
      max_tdmrs: o.maxTdmrs,
      max_reserved_per_tdmr: o.maxReservedPerTdmr,
      pamt_entry_size: { '4k': 16, '2m': 16, '1g': 16 },
    },
    cmrs: [{ base: start, size: o.regions * size }],
  };
}
