/**
 * The model-specific registers the TDX readiness checklist reads, and how
 * their bits are taken apart. Pure: the probe (main/probe/msr.ts) reads the
 * values; this says what they mean.
 */
export const MSR = {
  /** IA32_MKTME_KEYID_PARTITIONING: 31:0 MKTME KeyIDs, 63:32 TDX private KeyIDs. */
  KEYID_PARTITIONING: 0x87,
  /** Read by canonical/tdx's scripts as the SGX/MCHECK status; expected 0. */
  MCHECK_STATUS: 0xa0,
  /** IA32_MTRRCAP: bit 15 = SEAMRR supported. */
  MTRRCAP: 0xfe,
  /** IA32_TME_ACTIVATE: bit 0 lock, bit 1 TME enable. */
  TME_ACTIVATE: 0x982,
  /** IA32_SEAMRR_PHYS_BASE / MASK: MASK bit 11 = range enabled (SEAM loaded region). */
  SEAMRR_PHYS_BASE: 0x1400,
  SEAMRR_PHYS_MASK: 0x1401,
} as const;

/** One MSR as read: its value, or why it could not be read. */
export type MsrRead = { ok: true; value: bigint } | { ok: false; why: string };

/** Bits hi:lo of a 64-bit value. */
export function bits(v: bigint, hi: number, lo: number): number {
  return Number((v >> BigInt(lo)) & ((1n << BigInt(hi - lo + 1)) - 1n));
}
