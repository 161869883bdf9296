/**
 * The CSV form of sweep rows (docs/sweeps.md "Rows"): one header, one line
 * per combination, RFC 4180 quoting. Per-node columns cover every node that
 * appears in any row of the sweep, so the header needs that set (`nids`);
 * the lines themselves can then be formatted anywhere (the pool's workers
 * format their own batches).
 */
import type { SweepAxis } from '../sweep/schema.js';
import type { SweepRow } from '../sweep/row.js';

function cell(v: string | number | boolean | null): string {
  if (v === null) return '';
  if (typeof v !== 'string') return String(v);
  return /[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

/** Percentages to 4 decimals: enough to compare rows, stable to read. */
function pct(n: number): string {
  return n.toFixed(4);
}

/** The sorted node ids of every row: the per-node columns. */
export function csvNodeIds(rows: readonly SweepRow[]): number[] {
  const seen = new Set<number>();
  for (const r of rows) for (const n of r.nodes) seen.add(n.nid);
  return [...seen].sort((a, b) => a - b);
}

/** The header line (no newline). */
export function csvHeader(axes: readonly Pick<SweepAxis, 'name'>[], nids: readonly number[]): string {
  return [
    ...axes.map((a) => a.name),
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
  ].join(',');
}

/** One row's line (no newline); `nids` is the header's node set. */
export function csvLine(r: SweepRow, nids: readonly number[]): string {
  // Built by concatenation, not arrays and maps: workers format a million of
  // these, and this is as much work as the kernel-side plan of a small host.
  let s = '';
  for (const v of r.values) s += cell(v) + ',';
  s += `${r.ok},${cell(r.stage)},${cell(r.errno)},${cell(r.status)},${cell(r.statusName)},${cell(r.statusDetail)}`;
  s += `,${r.tdmrs},${r.maxTdmrs},${r.maxReservedUsed},${r.maxReservedPerTdmr},${r.pamtKb},${pct(r.pamtPercent)},${r.tdxBytes}`;
  // Both lists are sorted by node id: one walk pairs them.
  let k = 0;
  for (const nid of nids) {
    while (k < r.nodes.length && r.nodes[k].nid < nid) k++;
    const f = k < r.nodes.length && r.nodes[k].nid === nid ? r.nodes[k] : undefined;
    s += f ? `,${f.pamtKb},${pct(f.pamtPercent)}` : ',,';
  }
  s += `,${cell(r.pamtMode)},${r.staticPamtKb},${r.refcountKb},${r.dynamicPamtKb},${r.tdxMemoryKb}`;
  return s;
}
