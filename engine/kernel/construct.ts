/**
 * The kernel side of TDX module initialization from the memory snapshot to
 * the finished TDMR list: build_tdx_memlist + construct_tdmrs (fill out
 * TDMRs, set up PAMTs, populate reserved areas), and tdmrs_count_pamt_kb.
 */
import type { Host, KernelVariant } from '../host/types.js';
import { buildTdxMemlist, type TdxMemblock } from './memlist.js';
import { fillOutTdmrs, type TdmrRange } from './tdmr.js';
import { setUpPamtAll, pamtTotal, type Pamt } from './pamt.js';
import { PamtAllocator } from './pamt-allocator.js';
import { buildPamtIndex, holeSourceFor, populateReservedAreas, type ReservedArea } from './reserved.js';
import type { KernelLog } from './log.js';
import { dpamtDecision, type DpamtDecision, type PamtSizing } from './dpamt.js';

export interface Tdmr extends TdmrRange {
  /** Node chosen for the PAMT (before any fallback by the allocator). */
  pamtNid: number;
  pamt: Pamt;
  reserved: ReservedArea[];
}

export type PlanStage = 'tdmrs' | 'pamt' | 'reserved';
export type PlanErrno = '-ENOSPC' | '-ENOMEM';

interface PlanCommon {
  variant: KernelVariant;
  memlist: TdxMemblock[];
  log: KernelLog;
  /**
   * On a dynamic-PAMT profile: whether the 4K level is the page bitmap, and
   * why (the module's TDX_FEATURES0 bit 36). Absent on static profiles.
   */
  dpamt?: DpamtDecision;
}

export interface PlanSuccess extends PlanCommon {
  ok: true;
  tdmrs: Tdmr[];
  /** What the kernel prints as "N KB allocated for PAMT". */
  pamtKb: number;
}

export interface PlanFailure extends PlanCommon {
  ok: false;
  stage: PlanStage;
  errno: PlanErrno;
  /** The TDMRs as far as they were built (for explaining the failure). */
  tdmrs: TdmrRange[];
  /** Index of the TDMR that failed (pamt and reserved stages). */
  failedTdmr?: number;
}

export type Plan = PlanSuccess | PlanFailure;

export const ERRNO_VALUES: Record<PlanErrno | '-EIO' | '-EINVAL' | '-ENODEV' | '-EOPNOTSUPP' | '-EACCES', number> = {
  '-ENOSPC': -28,
  '-ENOMEM': -12,
  '-EIO': -5,
  '-EINVAL': -22,
  '-ENODEV': -19,
  '-EOPNOTSUPP': -95,
  '-EACCES': -13,
};

let planCalls = 0;
/**
 * How many times planTdmrs has run in this thread: lets tests check that an
 * analysis plans each host once (a diagnostic counter, not state the result depends on).
 */
export function planTdmrsCalls(): number {
  return planCalls;
}

export interface PlanOptions {
  /**
   * PAMT sizing as the kernel decided it from what the module reported (the
   * init flow passes what TDH.SYS.RD returned). Default: the profile's rule
   * applied to the host's module facts (engine/kernel/dpamt.ts).
   */
  sizing?: PamtSizing;
}

/**
 * Runs the kernel's TDMR/PAMT/reserved-area steps for a host on any kernel
 * profile (engine/kernel/profiles.ts). Pure and deterministic.
 */
export function planTdmrs(host: Host, variant: KernelVariant = 'upstream', options: PlanOptions = {}): Plan {
  planCalls++;
  const log: KernelLog = [];
  const memlist = buildTdxMemlist(host.memblock);
  const limits = host.module;
  const decided = dpamtDecision(host, variant);
  const dpamt: DpamtDecision | undefined =
    decided && options.sizing
      ? {
          ...decided,
          ...options.sizing,
          reason: options.sizing.dynamic
            ? 'Dynamic PAMT: the module reported TDX_FEATURES0 bit 36'
            : 'static PAMT: the module did not report TDX_FEATURES0 bit 36',
          assumed: false,
        }
      : decided;
  const common = dpamt ? { variant, memlist, log, dpamt } : { variant, memlist, log };

  const filled = fillOutTdmrs(memlist, limits.max_tdmrs, log);
  if (!filled.ok) return { ok: false, stage: 'tdmrs', errno: filled.errno, ...common, tdmrs: [] };
  const ranges = filled.tdmrs;

  const allocator = new PamtAllocator(host.memblock, host.reserved);
  const pamts = setUpPamtAll(ranges, memlist, limits.pamt_entry_size, allocator, log, dpamt);
  if (!pamts.ok) {
    return { ok: false, stage: 'pamt', errno: pamts.errno, ...common, tdmrs: ranges, failedTdmr: pamts.tdmrIndex };
  }

  const pamtIndex = buildPamtIndex(pamts.pamts.map((p) => ({ base: p.pamt.base, size: pamtTotal(p.pamt) })));
  const holeSource = holeSourceFor(variant, memlist, host.cmrs);
  const tdmrs: Tdmr[] = [];
  for (let i = 0; i < ranges.length; i++) {
    const reserved = populateReservedAreas(ranges[i], holeSource, pamtIndex, limits.max_reserved_per_tdmr, log);
    if (!reserved) {
      // construct_tdmrs frees the PAMTs again on this failure.
      return { ok: false, stage: 'reserved', errno: '-ENOSPC', ...common, tdmrs: ranges, failedTdmr: i };
    }
    tdmrs.push({ ...ranges[i], pamtNid: pamts.pamts[i].nid, pamt: pamts.pamts[i].pamt, reserved });
  }

  let pamtBytes = 0;
  for (const t of tdmrs) pamtBytes += pamtTotal(t.pamt);
  return { ok: true, ...common, tdmrs, pamtKb: pamtBytes / 1024 };
}
