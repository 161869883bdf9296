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
  TDH_SYS_UPDATE: 53,
} as const;

export type LeafName = keyof typeof LEAF;
export const LEAF_NAMES = Object.keys(LEAF) as LeafName[];

const DISPLAY_NAMES = new Map<string, string>(LEAF_NAMES.map((n) => [n, n.replace(/_/g, '.')]));

/** "TDH.SYS.CONFIG" style display name. */
export function leafDisplayName(name: LeafName): string {
  return DISPLAY_NAMES.get(name) ?? name.replace(/_/g, '.');
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
 * The version fields and MODULE_HV are read by mainline since boot-time
 * init and module update; PAMT_PAGE_BITMAP_ENTRY_BITS by the Dynamic PAMT
 * kernel (dynamic-pamt.md §2; tip spells it 0x9100000000000013).
 */
export const MD_FIELD = {
  MINOR_VERSION: 0x0800000100000003n,
  MAJOR_VERSION: 0x0800000100000004n,
  UPDATE_VERSION: 0x0800000100000005n,
  TDX_FEATURES0: 0x0a00000300000008n,
  MAX_TDMRS: 0x9100000100000008n,
  MAX_RESERVED_PER_TDMR: 0x9100000100000009n,
  PAMT_4K_ENTRY_SIZE: 0x9100000100000010n,
  PAMT_2M_ENTRY_SIZE: 0x9100000100000011n,
  PAMT_1G_ENTRY_SIZE: 0x9100000100000012n,
  PAMT_PAGE_BITMAP_ENTRY_BITS: 0x9100000000000013n,
  MODULE_HV: 0x8900000100000000n,
} as const;
export type MdFieldName = keyof typeof MD_FIELD;

/** What each global metadata field is, for people reading a register dump (TDX module 1.5 ABI, "Global Scope Metadata"). */
export const MD_FIELD_MEANING: Record<MdFieldName, string> = {
  MINOR_VERSION: "the module's minor version",
  MAJOR_VERSION: "the module's major version",
  UPDATE_VERSION: "the module's update version",
  TDX_FEATURES0: "the module's feature bits (bit 18 NO_RBP_MOD, bit 36 Dynamic PAMT)",
  MAX_TDMRS: 'the most TDMRs the module accepts (the first of the TDMR limits the kernel reads)',
  MAX_RESERVED_PER_TDMR: 'the most reserved areas one TDMR may hold',
  PAMT_4K_ENTRY_SIZE: 'the size of one PAMT entry for a 4 KiB page',
  PAMT_2M_ENTRY_SIZE: 'the size of one PAMT entry for a 2 MiB page',
  PAMT_1G_ENTRY_SIZE: 'the size of one PAMT entry for a 1 GiB page',
  PAMT_PAGE_BITMAP_ENTRY_BITS: "the bits per page of Dynamic PAMT's 4K bitmap",
  MODULE_HV: 'the handoff version a runtime module update needs',
};

/** The field a TDH.SYS.RD field id names (its element-size bits ignored), if the lab knows it. */
export function mdFieldName(field: bigint): MdFieldName | undefined {
  const key = mdFieldKey(field);
  return (Object.keys(MD_FIELD) as MdFieldName[]).find((n) => mdFieldKey(MD_FIELD[n]) === key);
}

/**
 * A field id without its element-size bits (33:32): a single-element
 * TDH.SYS.RD matches only class and field code (module metadata_generic.c,
 * dynamic-pamt.md §2), so 0x9100000100000013 reads the same field as tip's
 * 0x9100000000000013.
 */
export function mdFieldKey(field: bigint): bigint {
  return field & ~(3n << 32n);
}

/** TDX_FEATURES0 bit the kernel requires (kernel-flow.md §3 step 2). */
export const TDX_FEATURES0_NO_RBP_MOD = 1 << 18;
/** TDX_FEATURES0 bit 1: TD-preserving runtime update (mainline tdx_supports_runtime_update). */
export const TDX_FEATURES0_TD_PRESERVING = 1 << 1;
/** TDX_FEATURES0 bit 36: Dynamic PAMT (dynamic-pamt.md §1). Above bit 31: test it with hasFeature(). */
export const TDX_FEATURES0_DYNAMIC_PAMT = 2 ** 36;

/**
 * Whether `features0` (exact below 2^53) has the single-bit `feature` set;
 * safe above bit 31 (no 32-bit bitwise operators), and no BigInt to allocate:
 * the flow asks this a few times per configuration of a sweep.
 */
export function hasFeature(features0: number, feature: number): boolean {
  return Math.floor(features0 / feature) % 2 === 1;
}
