/**
 * TDMR_INFO as the module reads it (tdx-module tdmr_info_entry_t): the TDMR,
 * its three PAMT ranges and the reserved-area array, and the conversion from
 * the kernel's plan (PAMT laid out 4K, then 2M, then 1G; golden README).
 */
import type { Tdmr } from '../kernel/construct.js';

export interface TdmrInfo {
  base: number;
  size: number;
  pamt1gBase: number;
  pamt1gSize: number;
  pamt2mBase: number;
  pamt2mSize: number;
  pamt4kBase: number;
  pamt4kSize: number;
  /** In array order; entries past the end read as zero (the kernel zero-fills). */
  reserved: { offset: number; size: number }[];
}

export function tdmrInfoFromPlan(t: Tdmr): TdmrInfo {
  const p = t.pamt;
  return {
    base: t.base,
    size: t.size,
    pamt4kBase: p.base,
    pamt4kSize: p.size4k,
    pamt2mBase: p.base + p.size4k,
    pamt2mSize: p.size2m,
    pamt1gBase: p.base + p.size4k + p.size2m,
    pamt1gSize: p.size1g,
    reserved: t.reserved.map((r) => ({ offset: r.offset, size: r.size })),
  };
}

/** The three PAMTs in the order the module checks addresses and CMRs: 1G, 2M, 4K. */
export function pamtsOf(t: TdmrInfo): { pt: '1g' | '2m' | '4k'; base: number; size: number }[] {
  return [
    { pt: '1g', base: t.pamt1gBase, size: t.pamt1gSize },
    { pt: '2m', base: t.pamt2mBase, size: t.pamt2mSize },
    { pt: '4k', base: t.pamt4kBase, size: t.pamt4kSize },
  ];
}
