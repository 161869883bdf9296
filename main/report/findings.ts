/**
 * Findings written for people: why initialization failed and what to change,
 * and what is close to a limit or costly even when it succeeds. Every finding
 * names its cause in words ("reserved areas exhausted in TDMR 3") and gives
 * exact addresses with sizes.
 */
import { hex, humanSize } from '../../engine/format/hex.js';
import type { Host, KernelVariant } from '../../engine/host/types.js';
import { planTdmrs, type Plan } from '../../engine/kernel/construct.js';
import { fillOutTdmrs } from '../../engine/kernel/tdmr.js';
import { pamtSize } from '../../engine/kernel/pamt.js';
import { isAreaInCmr } from '../../engine/module/config-checks.js';
import { summarizePlan, nodeOfAddress } from '../../engine/format/plan-summary.js';
import { KERNEL_VARIANTS } from '../../engine/host/types.js';
import type { ReportSubject } from './subject.js';
import { outsideCmrs } from '../../engine/host/cmr-coverage.js';

export type Severity = 'error' | 'warning' | 'info' | 'ok';

export interface Finding {
  severity: Severity;
  /** Names the cause, e.g. "Reserved areas exhausted in TDMR 3". */
  title: string;
  /** What it means and what to change. */
  text: string;
}

function range(start: number, end: number): string {
  return `[${hex(start)}, ${hex(end)}) (${humanSize(end - start)})`;
}

function otherVariantSucceeds(host: Host, variant: KernelVariant): KernelVariant | undefined {
  const other = KERNEL_VARIANTS.find((v) => v !== variant)!;
  return planTdmrs(host, other).ok ? other : undefined;
}

export function findingsFor(s: ReportSubject): Finding[] {
  const { host, plan, variant } = s;
  const out: Finding[] = [];
  const max = host.module;
  const summary = summarizePlan(host, plan);

  if (!plan.ok) out.push(...kernelFailure(host, plan, variant));

  // TDX memory the module will not accept: the kernel covers it with a TDMR but no CMR says it is convertible.
  const notConvertible: Array<[number, number]> = [];
  for (const m of plan.memlist) notConvertible.push(...outsideCmrs(host, m.start, m.end));
  if (notConvertible.length) {
    const bytes = notConvertible.reduce((n, [a, b]) => n + b - a, 0);
    const first = notConvertible[0];
    const holes = variant === 'cmr-holes';
    out.push({
      severity: holes ? 'warning' : 'error',
      title: holes ? 'Memory not convertible (left out as holes)' : 'TDMR outside CMRs: memory not convertible',
      text:
        `${humanSize(bytes)} of TDX memory in ${notConvertible.length} range${notConvertible.length > 1 ? 's' : ''} lies outside every CMR, first ${range(first[0], first[1])}. ` +
        (holes
          ? 'This kernel takes reserved areas from the CMRs, so the range is left out of TDX; it cannot host TDX guests.'
          : 'The upstream kernel puts it inside a TDMR without a reserved area, so TDH.SYS.CONFIG rejects the TDMR (TDX_TDMR_OUTSIDE_CMRS). Remove that memory from the kernel (memmap=, or do not online the device before TDX init), or use a kernel that reserves non-CMR holes.'),
    });
  }

  // Full kernel + module flow for host files: the module's own verdict.
  if (s.init && !s.init.ok && plan.ok) {
    out.push({
      severity: 'error',
      title: `TDX module initialization fails at ${s.init.stage}${s.init.statusName ? `: ${s.init.statusName}` : ''}`,
      text: `tdx_enable returns ${s.init.errno} (${s.init.errnoValue})${s.init.status ? ` after the module returned ${s.init.status} (${s.init.statusName}${s.init.statusDetail ? `: ${s.init.statusDetail}` : ''})` : ''}. The kernel log below shows the call that failed.`,
    });
  }

  const initFailed = s.init ? !s.init.ok : s.scenario ? s.scenario.result.final.outcome !== 'initialized' : false;
  if (plan.ok) {
    // Close to the per-TDMR reserved-area limit: one more hole or PAMT breaks initialization.
    const near = plan.tdmrs
      .map((t, i) => ({ i, n: t.reserved.length, t }))
      .filter((x) => x.n > 0 && x.n >= Math.max(1, Math.ceil(max.max_reserved_per_tdmr * 0.75)))
      .sort((a, b) => b.n - a.n || a.i - b.i);
    if (near.length) {
      const w = near[0];
      out.push({
        severity: 'warning',
        title: `TDMR ${w.i} is close to the reserved-area limit (${w.n} of ${max.max_reserved_per_tdmr})`,
        text:
          `${near.length} TDMR${near.length > 1 ? 's use' : ' uses'} at least 75% of the module's ${max.max_reserved_per_tdmr} reserved areas per TDMR; TDMR ${w.i} ${range(w.t.base, w.t.base + w.t.size)} uses ${w.n}. ` +
          'More holes in that range (firmware-reserved pages, a hot-added device) or a PAMT placed inside it would exhaust them and fail initialization with -ENOSPC.',
      });
    }
    if (plan.tdmrs.length > max.max_tdmrs - 4 || plan.tdmrs.length >= max.max_tdmrs * 0.9) {
      out.push({
        severity: 'warning',
        title: `TDMRs nearly exhausted (${plan.tdmrs.length} of ${max.max_tdmrs})`,
        text: 'The kernel needs almost every TDMR the module offers; memory at new 1 GiB-aligned ranges (a hot-added device before init) would exceed MAX_TDMRS.',
      });
    }
    // PAMT placed on another node than the TDMR it describes: remote memory accesses for metadata.
    const remote = plan.tdmrs
      .map((t, i) => ({ t, i, at: nodeOfAddress(host, t.pamt.base) }))
      .filter((x) => x.at !== x.t.pamtNid && x.at >= 0);
    if (remote.length) {
      out.push({
        severity: 'info',
        title: `PAMT of ${remote.length} TDMR${remote.length > 1 ? 's' : ''} placed on a remote node`,
        text: `TDMR ${remote[0].i}'s PAMT was wanted on node ${remote[0].t.pamtNid} but lies on node ${remote[0].at} at ${hex(remote[0].t.pamt.base)} (the allocator fell back).`,
      });
    }
    out.push({
      severity: 'info',
      // When initialization fails later (module, CPUs), the kernel frees the PAMT again.
      title: `PAMT ${initFailed ? 'would cost' : 'costs'} ${humanSize(summary.pamtBytes)} (${summary.pamtPercent.toFixed(2)}% of TDX memory)`,
      text:
        summary.nodes
          .map(
            (n) =>
              `node ${n.nid}: ${humanSize(n.pamtBytes)} of ${humanSize(n.tdxBytes)} (${n.pamtPercent.toFixed(2)}%)`,
          )
          .join('; ') +
        '. The PAMT is allocated once at initialization and stays in use; most of it is the 4K level (16 bytes per 4 KiB page with the usual entry size).',
    });
  }

  // Devices: hot-added before init they are TDX memory; after init their blocks are refused.
  for (const d of host.devices ?? []) {
    const inTdx = plan.memlist.some((m) => m.start < d.end && d.start < m.end);
    const convertible = isAreaInCmr(host.cmrs, d.start, d.end);
    out.push({
      severity: inTdx && !convertible ? 'error' : inTdx ? 'info' : 'warning',
      title: `${d.kind.toUpperCase()} device ${d.name}: ${inTdx ? (convertible ? 'covered by TDX' : 'in TDX memory but outside the CMRs') : 'not TDX memory'}`,
      text: inTdx
        ? `Its memory ${range(d.start, d.end)} was online before TDX initialization, so it is in the TDX memory list${convertible ? ' and inside the CMRs' : ' but NOT inside any CMR'}.`
        : `Its memory ${range(d.start, d.end)} is not in the TDX memory list: onlined after initialization, the kernel's memory notifier refuses every block of it. Online it before TDX init (if the CMRs cover it) to use it for TDX.`,
    });
  }

  const refused = (s.memoryBlocks ?? []).filter((b) => b.state === 'refused');
  if (refused.length) {
    const bytes = refused.reduce((n, b) => n + b.end - b.start, 0);
    out.push({
      severity: 'warning',
      title: `${humanSize(bytes)} of hot-added memory refused`,
      text: `Memory blocks from ${range(refused[0].start, refused[refused.length - 1].end)} could not be onlined: they are not TDX-usable memory (added after TDX initialization), and the kernel keeps every page of a TDX host convertible.`,
    });
  }

  if (s.scenario) {
    const failed = s.scenario.result.events.filter((e) => !e.ok);
    for (const e of failed.slice(0, 5)) {
      out.push({
        severity: 'error',
        title: `Event ${e.index} (${e.kind}) failed`,
        text:
          e.summary +
          (e.statusName
            ? ` — module status ${e.status} ${e.statusName}${e.statusDetail ? ` (${e.statusDetail})` : ''}`
            : ''),
      });
    }
  }

  // Most serious first; the order within a severity is the order above.
  const rank: Record<Severity, number> = { ok: 0, error: 1, warning: 2, info: 3 };
  out.sort((a, b) => rank[a.severity] - rank[b.severity]);
  if (!out.some((f) => f.severity === 'error')) {
    const ok = s.init?.ok ?? (s.scenario ? s.scenario.result.final.outcome === 'initialized' : plan.ok);
    if (ok)
      out.unshift({
        severity: 'ok',
        title: 'TDX initializes',
        text: `${plan.tdmrs.length} TDMRs cover ${humanSize(summary.tdxBytes)} of TDX memory.`,
      });
  }
  return out;
}

function kernelFailure(host: Host, plan: Extract<Plan, { ok: false }>, variant: KernelVariant): Finding[] {
  const out: Finding[] = [];
  const other = otherVariantSucceeds(host, variant);
  const tryOther = other ? ` The ${other} kernel variant succeeds on this host.` : '';
  const t = plan.failedTdmr !== undefined ? plan.tdmrs[plan.failedTdmr] : undefined;
  switch (plan.stage) {
    case 'tdmrs': {
      const needed = fillOutTdmrs(plan.memlist, Number.MAX_SAFE_INTEGER, []);
      const n = needed.ok ? needed.tdmrs.length : 0;
      out.push({
        severity: 'error',
        title: `TDMRs exhausted: ${n} needed, the module allows ${host.module.max_tdmrs}`,
        text: `TDX memory spans ${n} separate 1 GiB-aligned ranges, each needing its own TDMR. Remove or merge memory ranges (fewer, larger regions), or use a module with a larger MAX_TDMRS.${tryOther}`,
      });
      break;
    }
    case 'pamt': {
      const size = t
        ? pamtSize(t.size, '4k', host.module.pamt_entry_size['4k']) +
          pamtSize(t.size, '2m', host.module.pamt_entry_size['2m']) +
          pamtSize(t.size, '1g', host.module.pamt_entry_size['1g'])
        : 0;
      out.push({
        severity: 'error',
        title: `PAMT allocation failed for TDMR ${plan.failedTdmr} (-ENOMEM)`,
        text: `The PAMT for TDMR ${plan.failedTdmr} ${t ? range(t.base, t.base + t.size) : ''} needs ${humanSize(size)} of physically contiguous free memory, and no node has it (free memory is fragmented by reserved ranges). Free up contiguous memory or use fewer, smaller TDMRs.${tryOther}`,
      });
      break;
    }
    case 'reserved': {
      // The same plan without the limit tells how many areas the TDMR really needs.
      const relaxed = planTdmrs({ ...host, module: { ...host.module, max_reserved_per_tdmr: 1 << 30 } }, variant);
      const need = relaxed.ok && plan.failedTdmr !== undefined ? relaxed.tdmrs[plan.failedTdmr]?.reserved : undefined;
      const holes = need?.filter((r) => r.kind === 'hole').length ?? 0;
      const pamts = need?.filter((r) => r.kind === 'pamt').length ?? 0;
      out.push({
        severity: 'error',
        title: `Reserved areas exhausted in TDMR ${plan.failedTdmr}`,
        text:
          `TDMR ${plan.failedTdmr} ${t ? range(t.base, t.base + t.size) : ''} needs ${need ? `${need.length} reserved areas (${holes} holes, ${pamts} PAMTs)` : 'more reserved areas'} but the module allows ${host.module.max_reserved_per_tdmr} per TDMR, so construct_tdmrs fails with -ENOSPC. ` +
          `Reduce the holes in that range (merge firmware-reserved ranges, remove memmap= gaps), or use a module with a larger MAX_RESERVED_PER_TDMR.${tryOther}`,
      });
      break;
    }
  }
  return out;
}
