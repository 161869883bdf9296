/**
 * The planning verdict: will TDX initialize on this host, and if not, where
 * it stops, what the kernel prints, and which memory or limit is to blame.
 * Also the figures an engineer plans with: PAMT cost per node and how close
 * each TDMR is to the reserved-area limit and the host to the TDMR limit.
 * Pure (engine only) so the renderer and tests compute the same thing.
 */
import type { Host } from '../host/types.js';
import type { Plan } from '../kernel/construct.js';
import type { InitResult } from '../flow/init.js';
import { summarizePlan } from '../format/plan-summary.js';
import { SZ_1G } from '../format/hex.js';
import { outsideCmrs } from '../host/cmr-coverage.js';

export interface VerdictInput {
  host: Host;
  plan: Plan;
  /** The whole init flow, when it ran (null: kernel side only). */
  init: InitResult | null;
}

/** A range of memory (or a TDMR) responsible for the failure. */
export interface Culprit {
  /** What it is, for people: "TDMR 3", "memory outside every CMR", "TDX memory past TDMR 63". */
  what: string;
  start: number;
  end: number;
}

export interface NodePamtCost {
  nid: number;
  tdxBytes: number;
  pamtBytes: number;
  pamtGiB: number;
  pamtPercent: number;
}

export interface TdmrHeadroom {
  index: number;
  base: number;
  end: number;
  reservedUsed: number;
  reservedLimit: number;
}

export interface Verdict {
  ok: boolean;
  /** One line: "TDX initializes" or "TDX does not initialize: …". */
  headline: string;
  /** The stage init stopped at (kernel: tdmrs, pamt, reserved; module: config, key-config, …); null on success. */
  stage: string | null;
  errno: string | null;
  /** The failing SEAMCALL, its status and name, when the module refused. */
  seamcall: string | null;
  status: string | null;
  statusName: string | null;
  statusDetail: string | null;
  /** The lines the kernel would print about the failure (dmesg text). */
  kernelMessages: string[];
  /** The limit that was hit, when one was: "max_tdmrs 4" or "max_reserved_per_tdmr 16". */
  limit: string | null;
  culprits: Culprit[];
  /** Index of the TDMR the failure names, if any (for highlighting). */
  failedTdmr: number | null;
  pamtKb: number;
  pamtPercent: number;
  nodes: NodePamtCost[];
  tdmrs: TdmrHeadroom[];
  tdmrCount: number;
  maxTdmrs: number;
}

const STAGE_TEXT: Record<string, string> = {
  tdmrs: 'building TDMRs (fill_out_tdmrs)',
  pamt: 'allocating PAMTs (tdmrs_set_up_pamt_all)',
  reserved: 'populating reserved areas (tdmrs_populate_rsvd_areas_all)',
  config: 'configuring the module (TDH.SYS.CONFIG)',
};

/** Memory (memblock) inside [start, end) that no CMR covers: what makes a TDMR "outside CMRs". */
function memoryOutsideCmrs(host: Host, start: number, end: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (const m of host.memblock) {
    const a = Math.max(m.start, start);
    const b = Math.min(m.end, end);
    if (a < b) out.push(...outsideCmrs(host, a, b));
  }
  return out;
}

function tdmrIndexFrom(detail: string | null): number | null {
  const m = detail ? /TDMR (\d+)/.exec(detail) : null;
  return m ? Number(m[1]) : null;
}

export function verdictFor({ host, plan, init }: VerdictInput): Verdict {
  const summary = summarizePlan(host, plan);
  const nodes: NodePamtCost[] = summary.nodes.map((n) => ({
    nid: n.nid,
    tdxBytes: n.tdxBytes,
    pamtBytes: n.pamtBytes,
    pamtGiB: n.pamtBytes / SZ_1G,
    pamtPercent: n.pamtPercent,
  }));
  const limitR = host.module.max_reserved_per_tdmr;
  const tdmrs: TdmrHeadroom[] = plan.tdmrs.map((t, index) => ({
    index,
    base: t.base,
    end: t.base + t.size,
    reservedUsed: 'reserved' in t ? (t.reserved as unknown[]).length : 0,
    reservedLimit: limitR,
  }));
  const kernelOk = plan.ok;
  const ok = kernelOk && (init ? init.ok : true);
  const failedSeamcall =
    init && !init.ok
      ? ([...init.seamcalls].reverse().find((s) => s.statusName && s.statusName !== 'TDX_SUCCESS') ?? null)
      : null;
  const v: Verdict = {
    ok,
    headline: '',
    stage: null,
    errno: null,
    seamcall: failedSeamcall?.name ?? null,
    status: null,
    statusName: null,
    statusDetail: null,
    kernelMessages: [],
    limit: null,
    culprits: [],
    failedTdmr: null,
    pamtKb: summary.pamtKb,
    pamtPercent: summary.pamtPercent,
    nodes,
    tdmrs,
    tdmrCount: plan.tdmrs.length,
    maxTdmrs: host.module.max_tdmrs,
  };
  if (ok) {
    v.headline = `TDX initializes: ${plan.tdmrs.length} of ${host.module.max_tdmrs} TDMRs, PAMT ${(summary.pamtBytes / SZ_1G).toFixed(2)} GiB (${summary.pamtPercent.toFixed(2)}% of TDX memory)`;
    return v;
  }
  if (!plan.ok) {
    v.stage = plan.stage;
    v.errno = plan.errno;
    v.kernelMessages = plan.log.filter((l) => l.level === 'warn' || l.level === 'err').map((l) => l.text);
    if (plan.stage === 'tdmrs') {
      v.limit = `max_tdmrs ${host.module.max_tdmrs}`;
      const covered = plan.tdmrs.length
        ? plan.tdmrs[plan.tdmrs.length - 1].base + plan.tdmrs[plan.tdmrs.length - 1].size
        : 0;
      const rest = plan.memlist.filter((m) => m.end > covered);
      if (rest.length)
        v.culprits.push({
          what: `TDX memory no TDMR can cover (limit ${host.module.max_tdmrs} TDMRs)`,
          start: Math.max(covered, rest[0].start),
          end: rest[rest.length - 1].end,
        });
    } else if (plan.failedTdmr !== undefined) {
      const t = plan.tdmrs[plan.failedTdmr];
      v.failedTdmr = plan.failedTdmr;
      if (plan.stage === 'reserved') v.limit = `max_reserved_per_tdmr ${limitR}`;
      if (t) v.culprits.push({ what: `TDMR ${plan.failedTdmr}`, start: t.base, end: t.base + t.size });
    }
  } else if (init) {
    v.stage = init.stage;
    v.errno = init.errno;
    v.status = init.status;
    v.statusName = init.statusName;
    v.statusDetail = init.statusDetail;
    v.kernelMessages = init.log.filter((l) => /fail|error|exhaust|unable|refus|not /i.test(l));
    const idx = init.stage === 'config' ? tdmrIndexFrom(init.statusDetail) : null;
    if (idx !== null && plan.tdmrs[idx]) {
      const t = plan.tdmrs[idx];
      v.failedTdmr = idx;
      v.culprits.push({ what: `TDMR ${idx}`, start: t.base, end: t.base + t.size });
      for (const [a, b] of memoryOutsideCmrs(host, t.base, t.base + t.size))
        v.culprits.push({ what: 'memory outside every CMR', start: a, end: b });
    }
  }
  const where = v.stage ? (STAGE_TEXT[v.stage] ?? `stage ${v.stage}`) : 'an unknown stage';
  const why = v.statusName ? `${v.statusName}${v.statusDetail ? ` (${v.statusDetail})` : ''}` : (v.errno ?? 'failed');
  v.headline = `TDX does not initialize: ${where} failed with ${why}`;
  return v;
}
