/**
 * The canonical host model (golden README "HOST", version 1), after parsing:
 * hex strings are turned into exact numbers (all below 2^53).
 */
import { KERNEL_PROFILE_IDS, type KernelProfileId } from '../kernel/profiles.js';

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

/** The TDMR limits the TDX module reports, and (optional extension) its identity. */
export interface ModuleLimits {
  max_tdmrs: number;
  max_reserved_per_tdmr: number;
  pamt_entry_size: PamtEntrySize;
  /** Extension: module version as "major.minor[.update...]", e.g. "1.5.06". Default "1.5". */
  version?: string;
  /** Extension: TDX_FEATURES0 as hex; bit 18 is NO_RBP_MOD. Default: NO_RBP_MOD set. */
  tdx_features0?: number;
  /** Extension: the module only implements TDH.SYS.INFO (TDX 1.0), not TDH.SYS.RD. */
  sys_rd_supported?: boolean;
}

/** Extension: platform facts the module and the init flow need (all optional, with defaults). */
export interface Platform {
  /** CPU packages (sockets). Default: the number of NUMA nodes with boot memory, at least 1. */
  packages?: number;
  /** Logical CPUs per package. Default 2. */
  lps_per_package?: number;
  /** Physical address width (MAXPHYADDR). Default 52. */
  phys_addr_bits?: number;
  /** KeyID bits taken from the top of the physical address. Default 6. */
  keyid_bits?: number;
  /** MKTME KeyIDs (MSR 0x87 bits 31:0). Default 63. */
  mktme_keyids?: number;
  /** TDX private KeyIDs (MSR 0x87 bits 63:32). Default 64. */
  tdx_keyids?: number;
  /** memory_block_size_bytes(). Default 128 MiB. */
  memory_block_size?: number;
  /** Kernel booted with hibernation disabled (nohibernate). Default true. */
  nohibernate?: boolean;
  /** ACPI S3 configured (the kernel then disables it and says so). Default false. */
  acpi_s3?: boolean;
  /**
   * CPU features init at boot checks first (boot-init and dpamt profiles;
   * mainline tdx_enable): XSAVE, MOVDIR64B, self-snoop. Default true; false
   * to see the kernel refuse (e.g. a hypervisor that hides them).
   */
  xsave?: boolean;
  movdir64b?: boolean;
  self_snoop?: boolean;
}

/** Extension: a device whose memory can be hot-added through kmem (not in memblock until it is). */
export interface Device {
  name: string;
  kind: 'cxl' | 'nvdimm' | 'dimm';
  start: number;
  end: number;
  nid: number;
  /** Zone kmem onlines the memory into. Default "movable" for cxl/nvdimm. */
  zone?: 'normal' | 'movable';
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
  platform?: Platform;
  devices?: Device[];
}

/**
 * The kernels the lab emulates: the ids of the kernel profile table
 * (engine/kernel/profiles.ts), which every step consults.
 */
export type KernelVariant = KernelProfileId;
export const KERNEL_VARIANTS: readonly KernelVariant[] = KERNEL_PROFILE_IDS;
