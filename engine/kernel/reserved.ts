/**
 * A TDMR's reserved areas: the holes in it (memory the TDMR spans but the
 * kernel does not give to TDX) and the PAMTs that lie in it
 * (tdmr_populate_rsvd_holes / _pamts / the sort), and the limit per TDMR.
 */
import type { KernelVariant } from '../host/types.js';
import { kernelProfile } from './profiles.js';
import { firstEndingAtOrAfter } from './memlist.js';
import type { KernelLog } from './log.js';
import { tdxLine } from './log.js';
import { sortInPlace } from './sort.js';
import type { TdmrRange } from './tdmr.js';

export interface ReservedArea {
  /** Offset from the TDMR base. */
  offset: number;
  size: number;
  /** Why it is reserved: a hole in TDX memory, or the PAMT of TDMR `pamtOf`. */
  kind: 'hole' | 'pamt';
  pamtOf?: number;
}

/**
 * Accumulates one TDMR's areas; the (max+1)-th one fails like
 * tdmr_add_rsvd_area(). Failure is a return value, not an exception: sweeps
 * hit it on thousands of combinations, and an Error captures a stack each time.
 */
class AreaList {
  readonly areas: ReservedArea[] = [];
  constructor(
    private readonly tdmr: TdmrRange,
    private readonly max: number,
    private readonly log: KernelLog,
  ) {}

  /** false when the TDMR has no room left (the warning is printed). */
  add(addr: number, size: number, kind: ReservedArea['kind'], pamtOf?: number): boolean {
    if (this.areas.length >= this.max) {
      const end = this.tdmr.base + this.tdmr.size;
      this.log.push(
        tdxLine(
          'warn',
          `initialization failed: TDMR [0x${this.tdmr.base.toString(16)}, 0x${end.toString(16)}): reserved areas exhausted.`,
        ),
      );
      return false;
    }
    const area: ReservedArea = { offset: addr - this.tdmr.base, size, kind };
    if (pamtOf !== undefined) area.pamtOf = pamtOf;
    this.areas.push(area);
    return true;
  }
}

/** A sorted, disjoint list of [start, end) ranges whose gaps become holes. */
export type HoleSource = readonly { start: number; end: number }[];

/**
 * Holes: walk the source list from the first range that ends at or after the
 * TDMR base (the kernel's "continue" skips exactly the ranges before it, a
 * prefix of a sorted list), folding ranges that start at or before the
 * previous end, adding the gap before each later one and the tail after.
 */
function populateHoles(list: AreaList, tdmr: TdmrRange, source: HoleSource): boolean {
  const tdmrEnd = tdmr.base + tdmr.size;
  let prevEnd = tdmr.base;
  for (let i = firstEndingAtOrAfter(source, tdmr.base); i < source.length; i++) {
    const { start, end } = source[i];
    if (start >= tdmrEnd) break;
    if (start <= prevEnd) {
      prevEnd = end;
      continue;
    }
    if (!list.add(prevEnd, start - prevEnd, 'hole')) return false;
    prevEnd = end;
  }
  return prevEnd >= tdmrEnd || list.add(prevEnd, tdmrEnd - prevEnd, 'hole');
}

/** PAMT ranges sorted by address, each tagged with its TDMR index. */
export interface PamtIndex {
  ranges: { start: number; end: number; tdmr: number }[];
}

export function buildPamtIndex(pamts: readonly { base: number; size: number }[]): PamtIndex {
  const ranges = pamts.map((p, tdmr) => ({ start: p.base, end: p.base + p.size, tdmr }));
  sortInPlace(ranges, (a, b) => a.start - b.start);
  return { ranges };
}

/**
 * PAMTs overlapping the TDMR, clipped to it, added in TDMR index order as the
 * kernel's loop over all TDMRs does; found through the address-sorted index
 * instead of a scan of every TDMR.
 */
function populatePamts(list: AreaList, tdmr: TdmrRange, index: PamtIndex): boolean {
  const tdmrEnd = tdmr.base + tdmr.size;
  const r = index.ranges;
  // PAMTs are disjoint, so ends ascend with starts: binary search the first ending after the base.
  let lo = 0;
  let hi = r.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (r[mid].end > tdmr.base) hi = mid;
    else lo = mid + 1;
  }
  const hits: { start: number; end: number; tdmr: number }[] = [];
  for (let i = lo; i < r.length && r[i].start < tdmrEnd; i++) hits.push(r[i]);
  sortInPlace(hits, (a, b) => a.tdmr - b.tdmr);
  for (const h of hits) {
    const start = Math.max(h.start, tdmr.base);
    const end = Math.min(h.end, tdmrEnd);
    if (!list.add(start, end - start, 'pamt', h.tdmr)) return false;
  }
  return true;
}

/**
 * The reserved areas of one TDMR, sorted by offset (TDX requires ascending
 * order), or undefined when they exceed max_reserved_per_tdmr.
 */
export function populateReservedAreas(
  tdmr: TdmrRange,
  holeSource: HoleSource,
  pamtIndex: PamtIndex,
  maxReserved: number,
  log: KernelLog,
): ReservedArea[] | undefined {
  const list = new AreaList(tdmr, maxReserved, log);
  if (!populateHoles(list, tdmr, holeSource) || !populatePamts(list, tdmr, pamtIndex)) return undefined;
  // rsvd_area_cmp_func orders by offset; areas never overlap unless a PAMT
  // was placed outside TDX memory (the kernel then WARNs), so a stable sort
  // by offset gives the kernel's order.
  return sortInPlace(list.areas, (a, b) => a.offset - b.offset);
}

/** Where a profile takes its holes from (golden README "Kernel variants"; the profile table). */
export function holeSourceFor(
  variant: KernelVariant,
  memlist: HoleSource,
  cmrs: readonly { base: number; size: number }[],
): HoleSource {
  if (kernelProfile(variant).holes === 'memblock') return memlist;
  return cmrs.map((c) => ({ start: c.base, end: c.base + c.size }));
}
