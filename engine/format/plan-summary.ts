/**
 * Figures derived from a plan that every view shows: memory per node, PAMT
 * cost per node, reserved-area and TDMR headroom. Shared by the CLI, the app
 * and reports so they always agree.
 */
import type { Host } from '../host/types.js';
import type { Plan } from '../kernel/construct.js';
import { pamtTotal } from '../kernel/pamt.js';
import { sortInPlace } from '../kernel/sort.js';

export interface NodePamtSummary {
  nid: number;
  /** TDX-usable memory on this node, bytes. */
  tdxBytes: number;
  /** PAMT bytes physically placed in this node's memory. */
  pamtBytes: number;
  /** pamtBytes as a percentage of tdxBytes (0 when the node has no TDX memory). */
  pamtPercent: number;
}

export interface PlanSummary {
  ok: boolean;
  variant: Plan['variant'];
  tdxBytes: number;
  tdmrCount: number;
  maxTdmrs: number;
  maxReservedPerTdmr: number;
  /** Most reserved areas any TDMR uses. */
  maxReservedUsed: number;
  pamtBytes: number;
  pamtKb: number;
  pamtPercent: number;
  nodes: NodePamtSummary[];
  /** Human sentence for the failure, when the kernel side failed. */
  failure?: string;
}

/** The node whose memblock memory contains addr (binary search), or -1. */
export function nodeOfAddress(host: Host, addr: number): number {
  const m = host.memblock;
  let lo = 0;
  let hi = m.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (m[mid].end <= addr) lo = mid + 1;
    else hi = mid;
  }
  return lo < m.length && m[lo].start <= addr ? m[lo].nid : -1;
}

export function summarizePlan(host: Host, plan: Plan): PlanSummary {
  const byNode = new Map<number, NodePamtSummary>();
  const node = (nid: number) => {
    let n = byNode.get(nid);
    if (!n) byNode.set(nid, (n = { nid, tdxBytes: 0, pamtBytes: 0, pamtPercent: 0 }));
    return n;
  };
  let tdxBytes = 0;
  for (const m of plan.memlist) {
    node(m.nid).tdxBytes += m.end - m.start;
    tdxBytes += m.end - m.start;
  }
  let pamtBytes = 0;
  let maxReservedUsed = 0;
  if (plan.ok) {
    for (const t of plan.tdmrs) {
      const bytes = pamtTotal(t.pamt);
      pamtBytes += bytes;
      node(nodeOfAddress(host, t.pamt.base)).pamtBytes += bytes;
      maxReservedUsed = Math.max(maxReservedUsed, t.reserved.length);
    }
  }
  const nodes = sortInPlace([...byNode.values()], (a, b) => a.nid - b.nid);
  for (const n of nodes) n.pamtPercent = n.tdxBytes ? (100 * n.pamtBytes) / n.tdxBytes : 0;
  return {
    ok: plan.ok,
    variant: plan.variant,
    tdxBytes,
    tdmrCount: plan.tdmrs.length,
    maxTdmrs: host.module.max_tdmrs,
    maxReservedPerTdmr: host.module.max_reserved_per_tdmr,
    maxReservedUsed,
    pamtBytes,
    pamtKb: pamtBytes / 1024,
    pamtPercent: tdxBytes ? (100 * pamtBytes) / tdxBytes : 0,
    nodes,
    failure: plan.ok ? undefined : describeFailure(plan),
  };
}

function describeFailure(plan: Extract<Plan, { ok: false }>): string {
  const t = plan.failedTdmr !== undefined ? plan.tdmrs[plan.failedTdmr] : undefined;
  const range = t ? `TDMR ${plan.failedTdmr} [0x${t.base.toString(16)}, 0x${(t.base + t.size).toString(16)})` : '';
  switch (plan.stage) {
    case 'tdmrs':
      return 'The TDX memory needs more TDMRs than the module supports (TDMRs exhausted): merge or remove memory ranges, or use a module with a higher MAX_TDMRS.';
    case 'pamt':
      return `No node has a free physically contiguous range for the PAMT of ${range} (-ENOMEM).`;
    case 'reserved':
      return `${range} needs more reserved areas (holes and PAMTs) than the module allows per TDMR (reserved areas exhausted).`;
  }
}
