/**
 * `tdx-lab sweep --csv`: one header line, one line per combination (RFC 4180
 * quoting). Per-node columns cover every node that appears in any row.
 */
import type { Sweep } from '../../../engine/sweep/expand.js';
import type { SweepRow } from '../../../engine/sweep/row.js';

function cell(v: string | number | boolean | null): string {
  if (v === null) return '';
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Percentages to 4 decimals: enough to compare rows, stable to read. */
function pct(n: number): string {
  return n.toFixed(4);
}

/** The CSV in pieces of up to 1000 lines (a million rows would not fit in one string). */
export function* sweepCsvChunks(sweep: Sweep, rows: readonly SweepRow[]): Generator<string> {
  const nids = [...new Set(rows.flatMap((r) => r.nodes.map((n) => n.nid)))].sort((a, b) => a - b);
  const header = [
    ...sweep.axes.map((a) => a.name),
    'ok',
    'stage',
    'errno',
    'status',
    'status_name',
    'status_detail',
    'tdmrs',
    'max_tdmrs',
    'max_reserved_used',
    'max_reserved_per_tdmr',
    'pamt_kb',
    'pamt_percent',
    'tdx_bytes',
    ...nids.flatMap((n) => [`node${n}_pamt_kb`, `node${n}_pamt_percent`]),
    'pamt_mode',
    'static_pamt_kb',
    'refcount_kb',
    'dynamic_pamt_kb',
    'tdx_memory_kb',
  ];
  let lines = [header.join(',')];
  for (const r of rows) {
    if (lines.length === 1000) {
      yield lines.join('\n') + '\n';
      lines = [];
    }
    const byNid = new Map(r.nodes.map((n) => [n.nid, n]));
    lines.push(
      [
        ...r.values,
        r.ok,
        r.stage,
        r.errno,
        r.status,
        r.statusName,
        r.statusDetail,
        r.tdmrs,
        r.maxTdmrs,
        r.maxReservedUsed,
        r.maxReservedPerTdmr,
        r.pamtKb,
        pct(r.pamtPercent),
        r.tdxBytes,
        ...nids.flatMap((n) => {
          const f = byNid.get(n);
          return f ? [f.pamtKb, pct(f.pamtPercent)] : [null, null];
        }),
        r.pamtMode,
        r.staticPamtKb,
        r.refcountKb,
        r.dynamicPamtKb,
        r.tdxMemoryKb,
      ]
        .map(cell)
        .join(','),
    );
  }
  if (lines.length) yield lines.join('\n') + '\n';
}

export function sweepCsv(sweep: Sweep, rows: readonly SweepRow[]): string {
  return [...sweepCsvChunks(sweep, rows)].join('');
}
