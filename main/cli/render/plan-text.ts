/** The readable summary `tdx-lab plan` prints on a terminal. */
import type { Host } from '../../../engine/host/types.js';
import type { Plan } from '../../../engine/kernel/construct.js';
import type { PlanSummary } from '../../../engine/format/plan-summary.js';
import { pamtTotal } from '../../../engine/kernel/pamt.js';
import { hex, humanSize } from '../../../engine/format/hex.js';
import type { InitResult } from '../../../engine/flow/init.js';
import { table } from './table.js';

const MAX_ROWS = 200;

/**
 * `init` is the whole flow against the emulated module, when it was run: the
 * kernel side can succeed and TDH.SYS.CONFIG still reject the TDMRs (memory
 * outside the CMRs, such as CXL hot-added before init; kernel-flow.md §5).
 */
export function renderPlanText(file: string, host: Host, plan: Plan, s: PlanSummary, init?: InitResult): string {
  const out: string[] = [];
  out.push(`${host.name}  (${file})`);
  if (host.description) out.push(`  ${host.description}`);
  out.push(
    `  kernel variant: ${plan.variant}    verdict: ${plan.ok ? 'TDMRs, PAMTs and reserved areas built' : `FAILED at ${plan.ok ? '' : plan.stage} (${plan.ok ? '' : plan.errno})`}`,
  );
  if (s.failure) out.push(`  ${s.failure}`);
  if (plan.dpamt) out.push(`  PAMT sizing: ${plan.dpamt.reason}`);
  if (init && plan.ok) out.push(`  TDX module (emulated): ${moduleVerdict(init)}`);
  out.push('');

  out.push(`TDX memory regions (${plan.memlist.length}, ${humanSize(s.tdxBytes)}):`);
  out.push(
    table(
      ['start', 'end', 'size', 'node'],
      clip(plan.memlist).map((m) => [hex(m.start), hex(m.end), humanSize(m.end - m.start), String(m.nid)]),
      [false, false, true, true],
    ),
  );
  if (plan.memlist.length > MAX_ROWS) out.push(`  … ${plan.memlist.length - MAX_ROWS} more (use --json for all)`);
  out.push('');

  if (plan.ok) {
    out.push(`TDMRs (${plan.tdmrs.length} of ${s.maxTdmrs}):`);
    out.push(
      table(
        ['#', 'base', 'size', 'node', 'PAMT base', 'PAMT 4K', 'PAMT 2M', 'PAMT 1G', 'reserved'],
        clip(plan.tdmrs).map((t, i) => [
          String(i),
          hex(t.base),
          humanSize(t.size),
          String(t.pamtNid),
          hex(t.pamt.base),
          humanSize(t.pamt.size4k),
          humanSize(t.pamt.size2m),
          humanSize(t.pamt.size1g),
          `${t.reserved.length}/${s.maxReservedPerTdmr}`,
        ]),
        [true, false, true, true, false, true, true, true, true],
      ),
    );
    if (plan.tdmrs.length > MAX_ROWS) out.push(`  … ${plan.tdmrs.length - MAX_ROWS} more (use --json for all)`);
    out.push('');
    const total = plan.tdmrs.reduce((a, t) => a + pamtTotal(t.pamt), 0);
    out.push(`PAMT: ${s.pamtKb} KB (${humanSize(total)}, ${s.pamtPercent.toFixed(3)}% of TDX memory)`);
    out.push(
      table(
        ['node', 'TDX memory', 'PAMT KiB', 'PAMT %'],
        s.nodes.map((n) => [
          String(n.nid),
          humanSize(n.tdxBytes),
          String(n.pamtBytes / 1024),
          n.pamtPercent.toFixed(3) + '%',
        ]),
        [true, true, true, true],
      ),
    );
    out.push('');
  } else if (plan.tdmrs.length) {
    out.push(`TDMRs built before the failure: ${plan.tdmrs.length} of ${s.maxTdmrs}`);
    out.push('');
  }

  out.push('Kernel log:');
  if (plan.log.length === 0) out.push('  (nothing printed during these steps)');
  for (const l of plan.log) out.push(`  ${l.text}`);
  return out.join('\n');
}

function moduleVerdict(init: InitResult): string {
  if (init.ok) return 'initialized';
  const status = init.status
    ? `: ${init.statusName ?? ''} ${init.status}${init.statusDetail ? ` (${init.statusDetail})` : ''}`
    : '';
  return `initialization FAILS at ${init.stage} (${init.errno})${status}; see tdx-lab simulate for the SEAMCALLs`;
}

function clip<T>(rows: T[]): T[] {
  return rows.length > MAX_ROWS ? rows.slice(0, MAX_ROWS) : rows;
}
