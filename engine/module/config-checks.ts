/**
 * TDH.SYS.CONFIG's per-TDMR checks, in the module's order
 * (tdx-module.md "the order of the per-TDMR checks"; tdh_sys_config.c
 * check_and_set_tdmrs). The first failing check ends the call with its
 * status and detail bits. Addresses are exact JS numbers (< 2^53), so the
 * module's 64-bit overflow checks can never fire here.
 */
import { SZ_1G, SZ_4K } from '../format/hex.js';
import { PAGE_SIZE_BYTES } from '../kernel/pamt.js';
import { sortInPlace } from '../kernel/sort.js';
import type { Cmr, PamtEntrySize } from '../host/types.js';
import { PT, STATUS, withInfo } from './statuses.js';
import { pamtsOf, type TdmrInfo } from './tdmr-info.js';

export interface ConfigLimits {
  cmrs: readonly Cmr[];
  maxReservedPerTdmr: number;
  pamtEntrySize: PamtEntrySize;
  physAddrBits: number;
  keyidBits: number;
  /** Dynamic PAMT enabled in this TDH.SYS.CONFIG: the 4K area is a bitmap. */
  dynamicPamt?: boolean;
}

/** is_overlap(): two [base, base + size) ranges share a byte. */
function overlaps(b1: number, s1: number, b2: number, s2: number): boolean {
  return b1 < b2 + s2 && b2 < b1 + s1;
}

/** Below MAX_PA and with zero HKID bits: below 2^(phys_addr_bits - keyid_bits). */
function paOk(pa: number, l: ConfigLimits): boolean {
  return pa < 2 ** (l.physAddrBits - l.keyidBits);
}

/**
 * is_area_in_cmr(): inside one CMR, where a CMR that starts where the previous
 * ended extends it. (The module reads at most MAX_CMR = 32 entries; the host
 * format allows more, and the lab checks them all.)
 */
export function isAreaInCmr(cmrs: readonly Cmr[], start: number, end: number): boolean {
  let lastStart = 0;
  let lastEnd = 0;
  for (let i = 0; i < cmrs.length; i++) {
    const c = cmrs[i];
    if (c.size === 0) continue;
    let cs = c.base;
    const ce = c.base + c.size;
    if (cs === lastEnd) cs = lastStart;
    if (start >= cs && end <= ce) return true;
    lastStart = cs;
    lastEnd = ce;
  }
  return false;
}

/** An entry past the array: the kernel zero-fills it (read only, so one object serves). */
const NO_AREA: Readonly<{ offset: number; size: number }> = Object.freeze({ offset: 0, size: 0 });

function rsvd(t: TdmrInfo, j: number): Readonly<{ offset: number; size: number }> {
  return t.reserved[j] ?? NO_AREA;
}

/**
 * Walks the non-reserved ("available") parts of a TDMR exactly as the module
 * does (reserved areas in array order, a zero-size entry ends the list);
 * returns true as soon as `hit` does.
 */
function someAvailable(t: TdmrInfo, maxRsvd: number, hit: (start: number, end: number) => boolean): boolean {
  const end = t.base + t.size;
  let availStart = t.base;
  let valid = false;
  for (let j = 0; j < maxRsvd; j++) {
    const r = rsvd(t, j);
    const rs = t.base + r.offset;
    valid = r.size !== 0;
    if (availStart === end) break;
    if (valid && availStart === rs) {
      availStart = rs + r.size;
      continue;
    }
    if (hit(availStart, valid ? rs : end)) return true;
    if (!valid) break;
    availStart = rs + r.size;
  }
  return valid && end > availStart && hit(availStart, end);
}

function pamtOverlapsAvailable(t: TdmrInfo, maxRsvd: number, base: number, size: number): boolean {
  return someAvailable(t, maxRsvd, (s, e) => overlaps(base, size, s, e - s));
}

const PT_ORDER_4K_FIRST = ['4k', '2m', '1g'] as const;

function pamtRange(t: TdmrInfo, pt: '4k' | '2m' | '1g'): { base: number; size: number } {
  if (pt === '4k') return { base: t.pamt4kBase, size: t.pamt4kSize };
  if (pt === '2m') return { base: t.pamt2mBase, size: t.pamt2mSize };
  return { base: t.pamt1gBase, size: t.pamt1gSize };
}

/**
 * Whether checks 6 and 7 (pairwise PAMT overlaps across TDMRs) can fire at
 * all for this TDMR array. The module runs them pairwise, O(TDMRs^2), which
 * takes seconds on hosts with thousands of TDMRs; one sweep over all ranges
 * sorted by address answers "can any pair overlap?" in O(n log n). When it
 * can, checkTdmr falls back to the literal pairwise walk, so the status and
 * its detail bits stay exactly the module's.
 */
export interface OverlapPrecheck {
  pamtsMayOverlap: boolean;
  pamtsMayHitAvailable: boolean;
}

export function precheckOverlaps(tdmrs: readonly TdmrInfo[], maxRsvd: number): OverlapPrecheck {
  const pamts: { base: number; end: number }[] = [];
  for (const t of tdmrs)
    for (const pt of PT_ORDER_4K_FIRST) {
      const r = pamtRange(t, pt);
      pamts.push({ base: r.base, end: r.base + r.size });
    }
  sortInPlace(pamts, (a, b) => a.base - b.base || a.end - b.end);
  // Sorted by base, a range overlaps an earlier one only if it starts before the furthest end so far.
  let maxEnd = -Infinity;
  let pamtsMayOverlap = false;
  for (const r of pamts) {
    if (r.base < maxEnd) pamtsMayOverlap = true;
    maxEnd = Math.max(maxEnd, r.end);
  }

  const avail: { start: number; end: number }[] = [];
  for (const t of tdmrs)
    someAvailable(t, maxRsvd, (start, end) => {
      avail.push({ start, end });
      return false;
    });
  sortInPlace(avail, (a, b) => a.start - b.start);
  const prefixMaxEnd: number[] = [];
  let m = -Infinity;
  for (const a of avail) prefixMaxEnd.push((m = Math.max(m, a.end)));
  let pamtsMayHitAvailable = false;
  for (const r of pamts) {
    // overlaps(r, a) = r.base < a.end && a.start < r.end: among segments starting before r.end, does one end after r.base?
    let lo = 0;
    let hi = avail.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (avail[mid].start < r.end) lo = mid + 1;
      else hi = mid;
    }
    if (lo > 0 && prefixMaxEnd[lo - 1] > r.base) {
      pamtsMayHitAvailable = true;
      break;
    }
  }
  return { pamtsMayOverlap, pamtsMayHitAvailable };
}

/** Checks TDMR i against itself and TDMRs 0..i-1; TDX_SUCCESS or the first failure. */
export function checkTdmr(
  tdmrs: readonly TdmrInfo[],
  i: number,
  l: ConfigLimits,
  pre: OverlapPrecheck = { pamtsMayOverlap: true, pamtsMayHitAvailable: true },
): bigint {
  const t = tdmrs[i];
  const maxRsvd = l.maxReservedPerTdmr;
  // 2. Sorted and not overlapping the previous TDMR.
  if (i > 0) {
    const prev = tdmrs[i - 1];
    if (t.base < prev.base || t.base < prev.base + prev.size) return withInfo(STATUS.TDX_NON_ORDERED_TDMR, i);
  }
  // 3. 1 GiB granular, non-empty, inside the address width with no KeyID bits.
  if (t.base % SZ_1G !== 0 || t.size % SZ_1G !== 0 || t.size <= 0) return withInfo(STATUS.TDX_INVALID_TDMR, i);
  if (!paOk(t.base, l) || !paOk(t.base + t.size - 1, l)) return withInfo(STATUS.TDX_INVALID_TDMR, i);

  // 4. Reserved areas. Entries past the array are all zero-size, which the
  // module accepts without a word, so the walk can stop at the array's end.
  const rsvdEntries = Math.min(maxRsvd, t.reserved.length);
  for (let j = 0; j < rsvdEntries; j++) {
    const r = rsvd(t, j);
    if (r.size === 0) {
      if (j < maxRsvd - 1 && rsvd(t, j + 1).size !== 0) return withInfo(STATUS.TDX_NON_ORDERED_RESERVED_IN_TDMR, i, j);
      continue;
    }
    if (j > 0) {
      const p = rsvd(t, j - 1);
      if (r.offset < p.offset || r.offset < p.offset + p.size)
        return withInfo(STATUS.TDX_NON_ORDERED_RESERVED_IN_TDMR, i, j);
    }
    if (r.offset % SZ_4K !== 0 || r.size % SZ_4K !== 0) return withInfo(STATUS.TDX_INVALID_RESERVED_IN_TDMR, i, j);
    if (r.offset + r.size > t.size) return withInfo(STATUS.TDX_INVALID_RESERVED_IN_TDMR, i, j);
  }

  // 5. PAMT addresses and sizes, 1G, 2M, 4K.
  for (const p of pamtsOf(t)) {
    // With Dynamic PAMT the 4K area is a bitmap: 1 bit per 4 KiB page, no page rounding (check_pamt_addresses_and_size).
    const required =
      l.dynamicPamt && p.pt === '4k'
        ? Math.floor(Math.floor(t.size / PAGE_SIZE_BYTES['4k']) / 8)
        : Math.floor(t.size / PAGE_SIZE_BYTES[p.pt]) * l.pamtEntrySize[p.pt];
    const bad =
      p.base % SZ_4K !== 0 ||
      p.size % SZ_4K !== 0 ||
      !paOk(p.base, l) ||
      !paOk(p.base + p.size - 1, l) ||
      p.size < required;
    if (bad) return withInfo(STATUS.TDX_INVALID_PAMT, i, PT[p.pt]);
  }

  // 6. PAMTs against earlier TDMRs' PAMTs, then against each other.
  for (let j = 0; pre.pamtsMayOverlap && j < i; j++) {
    for (const pt of PT_ORDER_4K_FIRST) {
      const a = pamtRange(t, pt);
      if (
        PT_ORDER_4K_FIRST.some((q) =>
          overlaps(a.base, a.size, pamtRange(tdmrs[j], q).base, pamtRange(tdmrs[j], q).size),
        )
      ) {
        return withInfo(STATUS.TDX_PAMT_OVERLAP, i, PT[pt], j);
      }
    }
  }
  const p4 = pamtRange(t, '4k');
  const p2 = pamtRange(t, '2m');
  const p1 = pamtRange(t, '1g');
  if (overlaps(p4.base, p4.size, p2.base, p2.size)) return withInfo(STATUS.TDX_PAMT_OVERLAP, i, PT['4k'], i);
  if (overlaps(p4.base, p4.size, p1.base, p1.size)) return withInfo(STATUS.TDX_PAMT_OVERLAP, i, PT['4k'], i);
  if (overlaps(p2.base, p2.size, p1.base, p1.size)) return withInfo(STATUS.TDX_PAMT_OVERLAP, i, PT['2m'], i);

  // 7. PAMTs against available memory of TDMRs 0..i (both directions).
  for (let j = 0; pre.pamtsMayHitAvailable && j <= i; j++) {
    for (const pt of PT_ORDER_4K_FIRST) {
      const a = pamtRange(t, pt);
      if (pamtOverlapsAvailable(tdmrs[j], maxRsvd, a.base, a.size))
        return withInfo(STATUS.TDX_PAMT_OVERLAP, i, PT[pt], j);
    }
    if (j < i) {
      for (const pt of PT_ORDER_4K_FIRST) {
        const a = pamtRange(tdmrs[j], pt);
        if (pamtOverlapsAvailable(t, maxRsvd, a.base, a.size)) return withInfo(STATUS.TDX_PAMT_OVERLAP, j, PT[pt], i);
      }
    }
  }

  // 8. PAMTs inside CMRs, 1G, 2M, 4K.
  for (const p of pamtsOf(t)) {
    if (!isAreaInCmr(l.cmrs, p.base, p.base + p.size)) return withInfo(STATUS.TDX_PAMT_OUTSIDE_CMRS, i, PT[p.pt]);
  }

  // 9. Every available part inside the CMRs.
  if (someAvailable(t, maxRsvd, (s, e) => !isAreaInCmr(l.cmrs, s, e))) return withInfo(STATUS.TDX_TDMR_OUTSIDE_CMRS, i);
  return STATUS.TDX_SUCCESS;
}
