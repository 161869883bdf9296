/**
 * The deterministic model of alloc_contig_pages(nr_pages, GFP_KERNEL, nid,
 * &node_online_map) defined in the golden README ("The PAMT placement model").
 *
 * The model scans candidates ALIGN(zone_start, nr) + k*nr. Run literally that
 * is quadratic on big hosts, so each rejected candidate jumps straight to the
 * first candidate past the obstacle that rejected it (a memory gap, a reserved
 * range or an earlier PAMT). Every skipped candidate would have overlapped the
 * same obstacle, so the answer is the one the literal scan gives.
 */
import { SZ_16M, SZ_4G, SZ_4K } from '../format/hex.js';
import type { MemblockRegion, ReservedRange } from '../host/types.js';
import { sortInPlace } from './sort.js';

/** Half-open page-frame range. */
interface PfnRange {
  start: number;
  end: number;
}

interface NodeMemory {
  nid: number;
  /** Maximal runs of this node's contiguous non-movable memory, ascending. */
  runs: PfnRange[];
  spanStart: number;
  spanEnd: number;
}

const PFN_4G = SZ_4G / SZ_4K;
const PFN_16M = SZ_16M / SZ_4K;

/** ZONE_NORMAL, ZONE_DMA32, ZONE_DMA: the order a GFP_KERNEL zonelist tries them. */
const ZONES: readonly PfnRange[] = [
  { start: PFN_4G, end: Number.MAX_SAFE_INTEGER },
  { start: PFN_16M, end: PFN_4G },
  { start: 0, end: PFN_16M },
];

/**
 * The kernel's ALIGN(x, a) is mask arithmetic, (x + a - 1) & ~(a - 1), on
 * unsigned 64-bit integers; with a non-power-of-two `a` it is not a
 * round-up. Reproduce it bit for bit.
 */
export function kernelAlign(x: number, a: number): number {
  const m = (1n << 64n) - 1n;
  const r = (BigInt(x) + BigInt(a) - 1n) & ~(BigInt(a) - 1n) & m;
  return Number(r);
}

/** Index of the first range with end > pfn (ranges sorted, disjoint). */
function firstEndingAfter(ranges: readonly PfnRange[], pfn: number): number {
  let lo = 0;
  let hi = ranges.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (ranges[mid].end > pfn) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** Sorts and merges ranges into disjoint ascending ranges. */
function mergeRanges(ranges: PfnRange[]): PfnRange[] {
  sortInPlace(ranges, (a, b) => a.start - b.start);
  const out: PfnRange[] = [];
  for (const r of ranges) {
    const last = out[out.length - 1];
    if (last && r.start <= last.end) last.end = Math.max(last.end, r.end);
    else out.push({ ...r });
  }
  return out;
}

export class PamtAllocator {
  private readonly nodes = new Map<number, NodeMemory>();
  /** Node ids with memblock memory, ascending (movable-only nodes included). */
  private readonly nodeIds: number[];
  private readonly reserved: PfnRange[];
  /** PAMTs handed out so far, ascending, disjoint. */
  private readonly allocated: PfnRange[] = [];

  constructor(memblock: readonly MemblockRegion[], reserved: readonly ReservedRange[]) {
    const ids = new Set<number>();
    for (const r of memblock) {
      ids.add(r.nid);
      if (r.zone === 'movable') continue;
      const start = r.start / SZ_4K;
      const end = r.end / SZ_4K;
      let node = this.nodes.get(r.nid);
      if (!node) {
        node = { nid: r.nid, runs: [], spanStart: start, spanEnd: end };
        this.nodes.set(r.nid, node);
      }
      const last = node.runs[node.runs.length - 1];
      // memblock is sorted: a region that starts where the node's last run ends extends it.
      if (last && last.end === start) last.end = end;
      else node.runs.push({ start, end });
      node.spanStart = Math.min(node.spanStart, start);
      node.spanEnd = Math.max(node.spanEnd, end);
    }
    this.nodeIds = sortInPlace([...ids], (a, b) => a - b);
    this.reserved = mergeRanges(reserved.map((r) => ({ start: r.start / SZ_4K, end: r.end / SZ_4K })));
  }

  /** Physical address of the allocation, or undefined for -ENOMEM. */
  allocContigPages(nrPages: number, nid: number): number | undefined {
    // The preferred node first, then the others in ascending order (k = -1 is `nid`).
    for (let k = -1; k < this.nodeIds.length; k++) {
      const id = k < 0 ? nid : this.nodeIds[k];
      if (k >= 0 && id === nid) continue;
      const node = this.nodes.get(id);
      if (!node) continue;
      for (const zone of ZONES) {
        const zoneStart = Math.max(node.spanStart, zone.start);
        const zoneEnd = Math.min(node.spanEnd, zone.end);
        if (zoneStart >= zoneEnd) continue;
        const pfn = this.scanZone(node, zoneStart, zoneEnd, nrPages);
        if (pfn !== undefined) {
          this.take({ start: pfn, end: pfn + nrPages });
          return pfn * SZ_4K;
        }
      }
    }
    return undefined;
  }

  private scanZone(node: NodeMemory, zoneStart: number, zoneEnd: number, nr: number): number | undefined {
    const first = kernelAlign(zoneStart, nr);
    let pfn = first;
    while (pfn + nr - 1 < zoneEnd) {
      const blockedUntil = this.obstacleEnd(node, pfn, nr);
      if (blockedUntil === 0) return pfn;
      if (blockedUntil === Infinity) return undefined;
      // Next candidate of the sequence first + k*nr at or past the obstacle.
      pfn = blockedUntil <= pfn ? pfn + nr : first + Math.ceil((blockedUntil - first) / nr) * nr;
    }
    return undefined;
  }

  /**
   * 0 when [pfn, pfn + nr) is free node memory; otherwise the pfn where the
   * obstacle ends (Infinity when no memory of the node lies beyond).
   */
  private obstacleEnd(node: NodeMemory, pfn: number, nr: number): number {
    const end = pfn + nr;
    const runs = node.runs;
    const ri = firstEndingAfter(runs, pfn);
    if (ri >= runs.length) return Infinity;
    const run = runs[ri];
    if (run.start > pfn) return run.start; // starts in a gap
    if (run.end < end) return ri + 1 < runs.length ? runs[ri + 1].start : Infinity; // crosses the run's end
    const rsv = this.reserved[firstEndingAfter(this.reserved, pfn)];
    if (rsv && rsv.start < end) return rsv.end;
    const pamt = this.allocated[firstEndingAfter(this.allocated, pfn)];
    if (pamt && pamt.start < end) return pamt.end;
    return 0;
  }

  /**
   * Records an allocation, coalescing it with touching neighbours: PAMTs of
   * one node pack back to back, and one merged obstacle lets the next scan
   * jump the whole block at once instead of PAMT by PAMT (linear, not
   * quadratic, in the number of TDMRs). Overlap tests see the same union.
   */
  private take(r: PfnRange): void {
    const list = this.allocated;
    const i = firstEndingAfter(list, r.start - 1); // first range with end >= r.start
    const merged = { start: r.start, end: r.end };
    let remove = 0;
    if (i < list.length && list[i].end === r.start) {
      merged.start = list[i].start;
      remove = 1;
    }
    const next = i + remove;
    if (next < list.length && list[next].start === r.end) {
      merged.end = list[next].end;
      remove++;
    }
    list.splice(i, remove, merged);
  }
}
