/**
 * The canonical host model (golden README "HOST", version 1), after parsing:
 * hex strings are turned into exact numbers (all below 2^53).
 */

/** One memblock memory region, [start, end), with its NUMA node. */
export interface MemblockRegion {
  start: number;
  end: number;
  nid: number;
  /**
   * Extension: "movable" for memory onlined into ZONE_MOVABLE (kmem often
   * does this for CXL/NVDIMM). GFP_KERNEL never allocates from it, so it is
   * never a PAMT candidate (golden README, placement model extension).
   */
  zone?: 'movable';
}

/** Memory that is present but not free for the PAMT allocation. */
export interface ReservedRange {
  start: number;
  end: number;
  what?: string;
}

export interface PamtEntrySize {
  '4k': number;
  '2m': number;
  '1g': number;
}

/** The TDMR limits the TDX module reports. */
export interface ModuleLimits {
  max_tdmrs: number;
  max_reserved_per_tdmr: number;
  pamt_entry_size: PamtEntrySize;
}

/** One Convertible Memory Region, [base, base + size). */
export interface Cmr {
  base: number;
  size: number;
}

export interface Host {
  name: string;
  description?: string;
  memblock: MemblockRegion[];
  reserved: ReservedRange[];
  module: ModuleLimits;
  cmrs: Cmr[];
}

/** The two kernel variants the lab emulates (golden README "Kernel variants"). */
export type KernelVariant = 'upstream' | 'cmr-holes';
export const KERNEL_VARIANTS: readonly KernelVariant[] = ['upstream', 'cmr-holes'];
