/**
 * PAMT sizing (tdmr_get_pamt_sz), the NUMA node choice (tdmr_get_nid) and
 * the whole per-TDMR setup (tdmrs_set_up_pamt_all) over the allocator model.
 */
import { SZ_4K, alignUp } from '../format/hex.js';
import type { PamtEntrySize } from '../host/types.js';
import type { TdxMemblock } from './memlist.js';
import type { KernelLog } from './log.js';
import { tdxLine } from './log.js';
import type { TdmrRange } from './tdmr.js';
import type { PamtAllocator } from './pamt-allocator.js';
import { STATIC_PAMT, pamtBitmapSize, type PamtSizing } from './dpamt.js';

export type PageSize = '4k' | '2m' | '1g';
export const PAGE_SIZES: readonly PageSize[] = ['4k', '2m', '1g'];
export const PAGE_SIZE_BYTES: Record<PageSize, number> = { '4k': 0x1000, '2m': 0x200000, '1g': 0x40000000 };

/** The one contiguous PAMT allocation of a TDMR: 4K part, then 2M, then 1G. */
export interface Pamt {
  base: number;
  size4k: number;
  size2m: number;
  size1g: number;
}

export function pamtTotal(p: Pamt): number {
  return p.size4k + p.size2m + p.size1g;
}

/** KB the static PAMT (4K entries for every page) of these TDMRs takes: what Dynamic PAMT replaces. */
export function staticPamtKb(tdmrs: readonly { size: number }[], entrySize: PamtEntrySize): number {
  let bytes = 0;
  for (const t of tdmrs) for (const pg of PAGE_SIZES) bytes += pamtSize(t.size, pg, entrySize[pg]);
  return bytes / 1024;
}

/** PAMT bytes for one page size: one entry per page of that size, rounded up to 4 KiB. */
export function pamtSize(tdmrSize: number, pgsz: PageSize, entrySize: number): number {
  const entries = Math.floor(tdmrSize / PAGE_SIZE_BYTES[pgsz]);
  return alignUp(entries * entrySize, SZ_4K);
}

/**
 * The node of the first TDX memory entry that ends after the TDMR begins;
 * node 0 (with a warning) if none, which the kernel says "should never happen".
 */
export function tdmrGetNid(tdmr: TdmrRange, memlist: readonly TdxMemblock[], log: KernelLog): number {
  // Entries are sorted and disjoint, so ends ascend: binary search.
  let lo = 0;
  let hi = memlist.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (memlist[mid].end > tdmr.base) hi = mid;
    else lo = mid + 1;
  }
  if (lo < memlist.length) return memlist[lo].nid;
  log.push(
    tdxLine(
      'warn',
      `TDMR [0x${tdmr.base.toString(16)}, 0x${(tdmr.base + tdmr.size).toString(16)}): unable to find local NUMA node for PAMT allocation, fallback to use node 0.`,
    ),
  );
  return 0;
}

export interface TdmrPamt {
  nid: number;
  pamt: Pamt;
}

export type SetUpPamtResult = { ok: true; pamts: TdmrPamt[] } | { ok: false; errno: '-ENOMEM'; tdmrIndex: number };

/**
 * Allocates every TDMR's PAMT in order; the first allocation that fails
 * fails them all. Under Dynamic PAMT the 4K level is the page bitmap, so the
 * one block per TDMR (bitmap | 2M | 1G) is smaller and lands elsewhere.
 */
export function setUpPamtAll(
  tdmrs: readonly TdmrRange[],
  memlist: readonly TdxMemblock[],
  entrySize: PamtEntrySize,
  allocator: PamtAllocator,
  log: KernelLog,
  sizing: PamtSizing = STATIC_PAMT,
): SetUpPamtResult {
  const pamts: TdmrPamt[] = [];
  for (let i = 0; i < tdmrs.length; i++) {
    const tdmr = tdmrs[i];
    const nid = tdmrGetNid(tdmr, memlist, log);
    const size4k = sizing.dynamic
      ? pamtBitmapSize(tdmr.size, sizing.bitmapEntryBits)
      : pamtSize(tdmr.size, '4k', entrySize['4k']);
    const size2m = pamtSize(tdmr.size, '2m', entrySize['2m']);
    const size1g = pamtSize(tdmr.size, '1g', entrySize['1g']);
    const base = allocator.allocContigPages((size4k + size2m + size1g) / SZ_4K, nid);
    if (base === undefined) return { ok: false, errno: '-ENOMEM', tdmrIndex: i };
    pamts.push({ nid, pamt: { base, size4k, size2m, size1g } });
  }
  return { ok: true, pamts };
}
