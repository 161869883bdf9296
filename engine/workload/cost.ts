/**
 * What TDs cost in TDX memory under Dynamic PAMT (dynamic-pamt.md §5): each
 * 2 MiB physical range holding at least one 4 KiB-mapped TD page, control
 * page (TDR, TDCS, TDVPR, TDCX) or S-EPT page needs a pair of 4K PAMT pages
 * (TDH.PHYMEM.PAMT.ADD, 8 KiB) while its refcount is above 0; 2 MiB guest
 * pages need none. Where pages land physically is up to the page allocator,
 * so the lab gives two figures:
 * - packed: every TD's 4 KiB pages fill whole 2 MiB ranges, and its control
 *   and S-EPT pages fill ranges of their own (the least it can cost);
 * - scattered: every such page sits in a 2 MiB range of its own (the most).
 * Pure arithmetic: the test recomputes it by hand.
 */
import type { TdGroup } from './types.js';

export const SZ_4K = 0x1000;
export const SZ_2M = 0x200000;
const SZ_1G = 0x40000000;
const SZ_512G = 512 * SZ_1G;
/** TDX_DPAMT_ENTRY_PAGE_CNT: two 4 KiB pages per 2 MiB range (512 entries × 16 bytes). */
export const DPAMT_BYTES_PER_RANGE = 2 * SZ_4K;
/** 4 KiB pages per 2 MiB range. */
const PAGES_PER_RANGE = 512;

export interface TdPages {
  /** Guest pages mapped at 4 KiB and at 2 MiB. */
  pages4k: number;
  pages2m: number;
  /** TDR + TDCS pages + (TDVPR + TDCX) per vCPU. */
  control: number;
  /**
   * S-EPT pages of a 4-level S-EPT over the TD's memory laid out from GPA 0:
   * one page table per 2 MiB of 4K-mapped memory, one page directory per
   * GiB, one PDPT per 512 GiB (the root lives in a TDCS page).
   */
  sept: number;
}

export interface TdCost extends TdPages {
  /** 2 MiB ranges given a PAMT page pair, packed. */
  ranges: number;
  /** Dynamic 4K PAMT, bytes: packed (ranges × 8 KiB) and scattered (one range per page). */
  dynamicBytes: number;
  scatteredBytes: number;
}

const ceilDiv = (a: number, b: number): number => Math.ceil(a / b);

/** The pages of one TD with `assigned` bytes of its private memory mapped. */
export function tdPages(g: TdGroup, assigned: number): TdPages {
  const pages4k = ceilDiv((assigned * g.page4kPercent) / 100, SZ_4K);
  const rest = Math.max(0, assigned - pages4k * SZ_4K);
  const pages2m = ceilDiv(rest, SZ_2M);
  const mapped = pages4k * SZ_4K + pages2m * SZ_2M;
  return {
    pages4k,
    pages2m,
    control: 1 + g.tdcsPages + g.vcpus * g.tdvpsPages,
    sept: ceilDiv(pages4k, PAGES_PER_RANGE) + ceilDiv(mapped, SZ_1G) + ceilDiv(mapped, SZ_512G),
  };
}

/** The Dynamic PAMT one TD holds (§5's model; see the file comment for packed and scattered). */
export function tdCost(g: TdGroup, assigned: number): TdCost {
  const p = tdPages(g, assigned);
  const ranges = ceilDiv(p.pages4k, PAGES_PER_RANGE) + ceilDiv(p.control + p.sept, PAGES_PER_RANGE);
  return {
    ...p,
    ranges,
    dynamicBytes: ranges * DPAMT_BYTES_PER_RANGE,
    scatteredBytes: (p.pages4k + p.control + p.sept) * DPAMT_BYTES_PER_RANGE,
  };
}
