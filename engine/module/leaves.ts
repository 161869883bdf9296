/** SEAMCALL leaf numbers of host-side initialization (tdx-module tdx_api_defs.h, kernel tdx.h). */
export const LEAF = {
  TDH_SYS_KEY_CONFIG: 31,
  TDH_SYS_INFO: 32,
  TDH_SYS_INIT: 33,
  TDH_SYS_RD: 34,
  TDH_SYS_LP_INIT: 35,
  TDH_SYS_TDMR_INIT: 36,
  TDH_SYS_CONFIG: 45,
  TDH_SYS_RDALL: 47,
  TDH_SYS_SHUTDOWN: 52,
} as const;

export type LeafName = keyof typeof LEAF;
export const LEAF_NAMES = Object.keys(LEAF) as LeafName[];

/** "TDH.SYS.CONFIG" style display name. */
export function leafDisplayName(name: LeafName): string {
  return name.replace(/_/g, '.');
}

export function leafName(leaf: number): LeafName | undefined {
  return LEAF_NAMES.find((n) => LEAF[n] === leaf);
}

/** Accepts "TDH.SYS.CONFIG", "TDH_SYS_CONFIG" or "tdh.sys.config". */
export function parseLeafName(s: string): LeafName | undefined {
  const n = s.toUpperCase().replace(/\./g, '_');
  return (LEAF_NAMES as string[]).includes(n) ? (n as LeafName) : undefined;
}

/**
 * Global metadata field ids the kernel reads with TDH.SYS.RD (upstream
 * tdx_global_metadata.c; "Global Scope Metadata", TDX module 1.5 ABI).
 */
export const MD_FIELD = {
  TDX_FEATURES0: 0x0a00000300000008n,
  MAX_TDMRS: 0x9100000100000008n,
  MAX_RESERVED_PER_TDMR: 0x9100000100000009n,
  PAMT_4K_ENTRY_SIZE: 0x9100000100000010n,
  PAMT_2M_ENTRY_SIZE: 0x9100000100000011n,
  PAMT_1G_ENTRY_SIZE: 0x9100000100000012n,
} as const;
export type MdFieldName = keyof typeof MD_FIELD;

/** TDX_FEATURES0 bit the kernel requires (kernel-flow.md §3 step 2). */
export const TDX_FEATURES0_NO_RBP_MOD = 1 << 18;
