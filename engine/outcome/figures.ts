/**
 * The figures an Outcome carries beside its verdict: PAMT cost per node,
 * the TDMR a failure names (its index from the kernel's plan or from the
 * module status's detail bits, never from text), and the reserved areas a
 * TDMR would need when the kernel ran out of them.
 */
import type { Host, KernelVariant } from '../host/types.js';
import { planTdmrs, type Plan } from '../kernel/construct.js';
import { pamtTotal } from '../kernel/pamt.js';
import { fillOutTdmrs } from '../kernel/tdmr.js';
import { summarizePlan, nodeOfAddress } from '../format/plan-summary.js';
import { STATUS, statusFields, statusName, TDMR_INDEX_STATUSES } from '../module/statuses.js';
import type { FailedTdmr, PamtFigures, ReservedNeed } from './types.js';

export function pamtFigures(host: Host, plan: Plan | null, kept: boolean, printedKb: number | null): PamtFigures {
  if (!plan) return { printedKb, bytes: 0, kb: 0, percent: 0, tdxBytes: 0, kept: false, nodes: [] };
  const s = summarizePlan(host, plan);
  return {
    printedKb,
    bytes: s.pamtBytes,
    kb: s.pamtKb,
    percent: s.pamtPercent,
    tdxBytes: s.tdxBytes,
    kept: kept && plan.ok,
    nodes: s.nodes.map((n) => ({
      nid: n.nid,
      tdxBytes: n.tdxBytes,
      pamtBytes: n.pamtBytes,
      pamtPercent: n.pamtPercent,
    })),
  };
}

const KERNEL_REASON: Record<string, string> = {
  tdmrs: 'TDMRs exhausted',
  pamt: 'no contiguous memory for its PAMT (-ENOMEM)',
  reserved: 'reserved areas exhausted',
};

/**
 * The TDMR a failure names. The kernel's own failures carry the index; a
 * module status carries it in detail byte 0 (api_error_with_multiple_info).
 */
export function failedTdmrOf(host: Host, plan: Plan | null, status: string | null): FailedTdmr | null {
  if (!plan) return null;
  if (!plan.ok) {
    if (plan.failedTdmr === undefined) return null;
    const t = plan.tdmrs[plan.failedTdmr];
    if (!t) return null;
    return {
      index: plan.failedTdmr,
      base: t.base,
      end: t.base + t.size,
      by: 'kernel',
      reason: KERNEL_REASON[plan.stage],
    };
  }
  if (!status) return null;
  const value = BigInt(status);
  const name = statusName(value);
  if (!name || !TDMR_INDEX_STATUSES.has(name)) return null;
  const f = statusFields(value);
  if (f.tdmr === undefined) return null;
  const t = plan.tdmrs[f.tdmr];
  if (!t) return null;
  const pamtEnd = t.pamt.base + pamtTotal(t.pamt);
  return {
    index: f.tdmr,
    base: t.base,
    end: t.base + t.size,
    by: 'module',
    reason: `${name}${f.pageSize ? ` (PAMT ${f.pageSize})` : ''}`,
    statusName: name,
    ...(f.pageSize && { pageSize: f.pageSize }),
    pamt: { base: t.pamt.base, end: pamtEnd, wantedNid: t.pamtNid, placedNid: nodeOfAddress(host, t.pamt.base) },
  };
}

/** The status value a name stands for (for rules that test a status by name). */
export function isStatus(status: string | null, name: keyof typeof STATUS): boolean {
  return status !== null && statusName(BigInt(status)) === name;
}

/** When reserved areas ran out: the same plan with no limit shows what the TDMR needs. */
export function reservedNeedOf(host: Host, plan: Plan | null, kernel: KernelVariant): ReservedNeed | null {
  if (!plan || plan.ok || plan.stage !== 'reserved' || plan.failedTdmr === undefined) return null;
  const relaxed = planTdmrs({ ...host, module: { ...host.module, max_reserved_per_tdmr: 2 ** 30 } }, kernel);
  const t = relaxed.ok ? relaxed.tdmrs[plan.failedTdmr] : undefined;
  if (!t) return null;
  return {
    tdmr: plan.failedTdmr,
    base: t.base,
    end: t.base + t.size,
    limit: host.module.max_reserved_per_tdmr,
    areas: t.reserved,
  };
}

/** When TDMRs ran out: how many the memory needs (fill-out with no limit). */
export function tdmrsNeeded(plan: Plan | null): number | null {
  if (!plan || plan.ok || plan.stage !== 'tdmrs') return null;
  const all = fillOutTdmrs(plan.memlist, Number.MAX_SAFE_INTEGER, []);
  return all.ok ? all.tdmrs.length : null;
}
