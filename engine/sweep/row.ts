/**
 * One result row of a sweep: the axis values and the figures a person
 * compares across configurations. Rows are data: a failed init is a row
 * with ok=false and the failing stage, not an error.
 */
import type { Host } from '../host/types.js';
import type { Plan } from '../kernel/construct.js';
import { refcountArray } from '../kernel/dpamt.js';
import { staticPamtKb } from '../kernel/pamt.js';
import { summarizePlan } from '../format/plan-summary.js';
import { tdCost } from '../workload/cost.js';
import type { TdGroup } from '../workload/types.js';
import type { AxisValue } from './axes.js';

export interface SweepNodeFigures {
  nid: number;
  /** TDX-usable memory on the node, bytes. */
  tdxBytes: number;
  /** PAMT placed in the node's memory, KiB. */
  pamtKb: number;
  /** pamtKb as a percentage of the node's TDX memory. */
  pamtPercent: number;
}

/** Fields the init flow adds on top of the kernel-side plan. */
export interface FlowOutcome {
  ok: boolean;
  /** Where init stopped: a kernel stage (tdmrs, pamt, reserved) or an init-flow stage; null on success. */
  stage: string | null;
  /** The kernel's error, e.g. "-ENOSPC"; null on success. */
  errno: string | null;
  /** The TDX module's status as 0x%016llx when a SEAMCALL failed, else null. */
  status: string | null;
  /** The status's name (e.g. TDX_TDMR_OUTSIDE_CMRS), else null. */
  statusName: string | null;
  /** The status's decoded detail operands (e.g. "TDMR 3, PAMT 1G"), else null. */
  statusDetail: string | null;
}

/** The init result's fields a row carries (from the full flow or the lean one alike). */
export function flowOutcomeOf(r: {
  ok: boolean;
  stage?: string | null;
  errno: string | null;
  status: string | null;
  statusName: string | null;
  statusDetail: string | null;
}): FlowOutcome {
  return {
    ok: r.ok,
    stage: r.ok ? null : (r.stage ?? null),
    errno: r.errno,
    status: r.status,
    statusName: r.statusName,
    statusDetail: r.statusDetail,
  };
}

export interface SweepRow extends FlowOutcome {
  index: number;
  /** Aligned with the sweep's axes. */
  values: AxisValue[];
  /** TDMRs built (on failure: as far as construction got). */
  tdmrs: number;
  maxTdmrs: number;
  /** Most reserved areas used in any TDMR (0 when the kernel side failed). */
  maxReservedUsed: number;
  maxReservedPerTdmr: number;
  /** Total PAMT, KiB (the kernel's "N KB allocated for PAMT"; 0 when the kernel side failed). */
  pamtKb: number;
  /** PAMT as a percentage of all TDX memory. */
  pamtPercent: number;
  tdxBytes: number;
  nodes: SweepNodeFigures[];
  /** How the PAMT was sized: 'dynamic' (Dynamic PAMT's bitmap) or 'static'. */
  pamtMode: 'static' | 'dynamic';
  /** The static PAMT of the same TDMRs, KiB: what Dynamic PAMT replaces (= pamtKb when static). */
  staticPamtKb: number;
  /** Dynamic PAMT's refcount array, KiB (whole pages; 0 when static). */
  refcountKb: number;
  /** 4K PAMT the workload's TDs add under Dynamic PAMT, KiB (packed pages; 0 when static or no TDs). */
  dynamicPamtKb: number;
  /** pamtKb + refcountKb + dynamicPamtKb: all the TDX memory costs with the workload running. */
  tdxMemoryKb: number;
}

/**
 * Failure stages at which the kernel had reached TDMR construction
 * (kernel-flow.md section 3, steps 6-9); earlier ones (boot, cpu-enable,
 * metadata, features) stop before any TDMR exists.
 */
const CONSTRUCTION_REACHED: ReadonlySet<string> = new Set([
  'tdmrs',
  'pamt',
  'reserved',
  'config',
  'key-config',
  'tdmr-init',
]);

/**
 * Row from the kernel-side plan (planTdmrs), optionally overridden by the
 * init flow's outcome, with the TD workload's cost when the sweep has one.
 */
export function rowFromPlan(
  index: number,
  values: AxisValue[],
  host: Host,
  plan: Plan,
  flow?: FlowOutcome,
  workload?: { group: TdGroup; tds: number },
): SweepRow {
  const s = summarizePlan(host, plan);
  const ok = flow ? flow.ok : plan.ok;
  // Did the kernel get to build TDMRs at all? Not when init stopped earlier
  // (boot, CPU enable, metadata, features): then there are none to count.
  const constructed = !flow || flow.ok || CONSTRUCTION_REACHED.has(flow.stage ?? '');
  // PAMT figures are what the kernel side sized and placed; kept when the module
  // then rejects the configuration, so rows compare (the stage says it failed).
  const keep = plan.ok && constructed;
  const dynamic = plan.dpamt?.dynamic === true;
  const pamtKb = keep ? s.pamtKb : 0;
  // The refcount array and TDs' 4K PAMT exist only once init succeeded.
  const up = keep && ok;
  const refcountKb = up && dynamic ? refcountArray(host.memblock).pages * 4 : 0;
  const dynamicPamtKb =
    up && dynamic && workload ? (workload.tds * tdCost(workload.group, workload.group.memory).dynamicBytes) / 1024 : 0;
  return {
    index,
    values,
    ok,
    stage: flow ? flow.stage : plan.ok ? null : plan.stage,
    errno: flow ? flow.errno : plan.ok ? null : plan.errno,
    status: flow?.status ?? null,
    statusName: flow?.statusName ?? null,
    statusDetail: flow?.statusDetail ?? null,
    tdmrs: constructed ? s.tdmrCount : 0,
    maxTdmrs: s.maxTdmrs,
    maxReservedUsed: keep ? s.maxReservedUsed : 0,
    maxReservedPerTdmr: s.maxReservedPerTdmr,
    pamtKb: keep ? s.pamtKb : 0,
    pamtPercent: keep ? s.pamtPercent : 0,
    tdxBytes: s.tdxBytes,
    nodes: s.nodes.map((n) => ({
      nid: n.nid,
      tdxBytes: n.tdxBytes,
      pamtKb: keep ? n.pamtBytes / 1024 : 0,
      pamtPercent: keep ? n.pamtPercent : 0,
    })),
    pamtMode: dynamic ? 'dynamic' : 'static',
    staticPamtKb: keep && plan.ok ? staticPamtKb(plan.tdmrs, host.module.pamt_entry_size) : 0,
    refcountKb,
    dynamicPamtKb,
    tdxMemoryKb: pamtKb + refcountKb + dynamicPamtKb,
  };
}
