/**
 * Dynamic PAMT on the kernel side (dynamic-pamt.md §1, §3, §4): whether the
 * kernel uses it, the per-TDMR page bitmap that replaces the 4K PAMT, and the
 * refcount array (one 4-byte count per 2 MiB of physical address space).
 */
import { SZ_4K, alignUp } from '../format/hex.js';
import type { Host, KernelVariant, MemblockRegion } from '../host/types.js';
import { TDX_FEATURES0_DYNAMIC_PAMT, hasFeature } from '../module/leaves.js';
import { moduleFeatures } from '../module/params.js';
import { kernelProfile } from './profiles.js';
import { sortInPlace } from './sort.js';

/** What the module returns for PAMT_PAGE_BITMAP_ENTRY_BITS (metadata_sys.c: the constant 1). */
export const PAMT_PAGE_BITMAP_ENTRY_BITS = 1;
/** 2 MiB ranges per refcount: the kernel indexes the array with pfn >> 9. */
const PFNS_PER_REFCOUNT = 512;
const REFCOUNT_BYTES = 4;

export interface PamtSizing {
  /** true: the 4K level is the page bitmap (Dynamic PAMT). */
  dynamic: boolean;
  /** PAMT_PAGE_BITMAP_ENTRY_BITS as read from the module (used only when dynamic). */
  bitmapEntryBits: number;
}

export const STATIC_PAMT: PamtSizing = { dynamic: false, bitmapEntryBits: 0 };

export interface DpamtDecision extends PamtSizing {
  /** Why, in words (the module's feature bit, where it came from, and whether the lab assumed it). */
  reason: string;
  /** The lab assumed the module's features (the host did not give them). */
  assumed: boolean;
}

/**
 * Whether a profile's kernel uses Dynamic PAMT on a host: only on a dynamic
 * profile, and only when the module reports TDX_FEATURES0 bit 36
 * (tdx_supports_dynamic_pamt in tip; no 48-bit test there, §1). Undefined
 * for static profiles.
 */
export function dpamtDecision(host: Host, variant: KernelVariant): DpamtDecision | undefined {
  if (kernelProfile(variant).pamt !== 'dynamic') return undefined;
  const f = moduleFeatures(host);
  const on = hasFeature(f.features0, TDX_FEATURES0_DYNAMIC_PAMT);
  return {
    dynamic: on,
    bitmapEntryBits: on ? PAMT_PAGE_BITMAP_ENTRY_BITS : 0,
    assumed: f.assumed,
    reason: on
      ? `Dynamic PAMT: the module reports TDX_FEATURES0 bit 36 (${f.reason})`
      : `static PAMT: the module does not report TDX_FEATURES0 bit 36 (${f.reason})`,
  };
}

/**
 * tdmr_get_pamt_bitmap_sz: pages × bits, rounded up to whole bytes, then to a
 * 4 KiB page, per TDMR (§3: never summed across TDMRs before rounding).
 */
export function pamtBitmapSize(tdmrSize: number, bitmapEntryBits: number): number {
  const pages = Math.floor(tdmrSize / SZ_4K);
  return alignUp(Math.ceil((pages * bitmapEntryBits) / 8), SZ_4K);
}

export interface RefcountArray {
  /** max_pfn: one past the highest page frame of memory (memblock) when init runs. */
  maxPfn: number;
  /** DIV_ROUND_UP(max_pfn, 512) × 4 bytes. */
  bytes: number;
  /** vzalloc takes whole pages (physically scattered; not part of the PAMT figure). */
  pages: number;
}

/** The refcount array init_tdx_module allocates under Dynamic PAMT (§4). */
export function refcountArray(memblock: readonly MemblockRegion[]): RefcountArray {
  let top = 0;
  for (const r of memblock) top = Math.max(top, r.end);
  const maxPfn = Math.floor(top / SZ_4K);
  const bytes = Math.ceil(maxPfn / PFNS_PER_REFCOUNT) * REFCOUNT_BYTES;
  return { maxPfn, bytes, pages: alignUp(bytes, SZ_4K) / SZ_4K };
}

/**
 * The lab's model of the refcount vzalloc failing: its pages must come from
 * memory the kernel can allocate with GFP_KERNEL (memblock outside
 * ZONE_MOVABLE, less the reserved ranges). The pages are scattered, so they
 * are not an obstacle for the later contiguous PAMT allocations (the golden
 * DPAMT harness does not model them either).
 */
export function refcountFits(
  host: Pick<Host, 'reserved'>,
  memblock: readonly MemblockRegion[],
  bytes: number,
): boolean {
  // Reserved ranges may overlap one another: merge them first so no byte is taken twice.
  const rsvd = sortInPlace([...host.reserved], (a, b) => a.start - b.start);
  const merged: { start: number; end: number }[] = [];
  for (const x of rsvd) {
    const last = merged[merged.length - 1];
    if (last && x.start <= last.end) last.end = Math.max(last.end, x.end);
    else merged.push({ start: x.start, end: x.end });
  }
  let free = 0;
  let k = 0;
  for (const r of memblock) {
    if (r.zone === 'movable') continue;
    free += r.end - r.start;
    // memblock is sorted, so the merged reserved list is walked once.
    while (k < merged.length && merged[k].end <= r.start) k++;
    for (let j = k; j < merged.length && merged[j].start < r.end; j++)
      free -= Math.min(r.end, merged[j].end) - Math.max(r.start, merged[j].start);
  }
  return alignUp(bytes, SZ_4K) <= free;
}
