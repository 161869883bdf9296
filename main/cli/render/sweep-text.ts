/** The readable table `tdx-lab sweep` prints on a terminal. */
import { humanSize } from '../../../engine/format/hex.js';
import type { Sweep } from '../../../engine/sweep/expand.js';
import type { SweepRow } from '../../../engine/sweep/row.js';
import { table } from './table.js';

/** Rows shown in the text table; --csv and --json always give every row. */
export const MAX_TEXT_ROWS = 500;

function pct(n: number): string {
  return `${n.toFixed(2)}%`;
}

function outcome(r: SweepRow): string {
  return r.ok ? 'ok' : `FAILED at ${r.stage}`;
}

/** errno, and the module status with its name and detail when a SEAMCALL failed. */
function why(r: SweepRow): string {
  if (r.ok) return '';
  const parts = [r.errno ?? ''];
  if (r.status)
    parts.push(`${r.status} ${r.statusName ?? ''}${r.statusDetail ? ` (${r.statusDetail})` : ''}`.trimEnd());
  return parts.join(' ').trim();
}

function perNode(r: SweepRow): string {
  if (r.pamtKb === 0) return '';
  return r.nodes
    .filter((n) => n.tdxBytes > 0)
    .map((n) => `${n.nid}: ${humanSize(n.pamtKb * 1024)} ${pct(n.pamtPercent)}`)
    .join(', ');
}

export function renderSweepText(file: string, sweep: Sweep, rows: readonly SweepRow[]): string {
  const out: string[] = [];
  const failed = rows.filter((r) => !r.ok);
  out.push(`${sweep.name}  (${file})`);
  if (sweep.description) out.push(`  ${sweep.description}`);
  out.push(
    `  base host: ${sweep.host.name}    ${sweep.mode === 'plan' ? 'kernel-side plan only' : 'full init flow with the emulated TDX module'}` +
      (sweep.axes.some((a) => a.name === 'kernel') ? '' : `    kernel variant: ${sweep.kernel}`),
  );
  out.push(
    `  ${rows.length.toLocaleString('en-US')} combinations: ${rows.length - failed.length} ok, ${failed.length} failed${stageCounts(failed)}`,
  );
  out.push('');
  const shown = rows.slice(0, MAX_TEXT_ROWS);
  const axisCols = sweep.axes.map((a) => a.name);
  // Dynamic PAMT rows also show everything TDX memory costs (refcounts, TDs' 4K PAMT).
  const dyn = rows.some((r) => r.pamtMode === 'dynamic');
  out.push(
    table(
      [
        ...axisCols,
        'result',
        'errno / status',
        'TDMRs',
        'reserved',
        'PAMT',
        'PAMT per node',
        ...(dyn ? ['TDX memory (PAMT + refcounts + TDs)'] : []),
      ],
      shown.map((r) => [
        ...r.values.map(String),
        outcome(r),
        why(r),
        `${r.tdmrs}/${r.maxTdmrs}`,
        `${r.maxReservedUsed}/${r.maxReservedPerTdmr}`,
        r.pamtKb ? `${humanSize(r.pamtKb * 1024)} (${pct(r.pamtPercent)})` : '',
        perNode(r),
        ...(dyn ? [r.tdxMemoryKb ? humanSize(r.tdxMemoryKb * 1024) : ''] : []),
      ]),
      [
        ...axisCols.map((n) => n !== 'kernel' && n !== 'cxl_zone'),
        false,
        false,
        true,
        true,
        true,
        false,
        ...(dyn ? [true] : []),
      ],
    ),
  );
  if (rows.length > shown.length) out.push(`  … ${rows.length - shown.length} more rows (use --csv or --json for all)`);
  return out.join('\n');
}

function stageCounts(failed: readonly SweepRow[]): string {
  if (failed.length === 0) return '';
  const by = new Map<string, number>();
  for (const r of failed) by.set(r.stage ?? '?', (by.get(r.stage ?? '?') ?? 0) + 1);
  return ` (${[...by].map(([s, n]) => `${s}: ${n}`).join(', ')})`;
}
