/**
 * The tables every face shows, derived once from an Outcome: the TDMR rows
 * (with their PAMT and reserved areas, the failed one marked) and memory
 * block counts per state.
 */
import { nodeOfAddress } from '../format/plan-summary.js';
import { pamtTotal } from '../kernel/pamt.js';
import type { ReservedArea } from '../kernel/reserved.js';
import type { Outcome } from './types.js';

export interface TdmrRow {
  index: number;
  base: number;
  end: number;
  /** Set when the failure names this TDMR. */
  failed: string | null;
  /** Absent when the kernel failed before setting up PAMTs and reserved areas. */
  pamt?: {
    base: number;
    size4k: number;
    size2m: number;
    size1g: number;
    total: number;
    wantedNid: number;
    placedNid: number;
  };
  reserved?: ReservedArea[];
  reservedLimit: number;
}

export function tdmrRows(o: Outcome): TdmrRow[] {
  const plan = o.plan;
  if (!plan) return [];
  const limit = o.host.module.max_reserved_per_tdmr;
  const f = o.verdict.failedTdmr;
  return plan.tdmrs.map((t, index) => {
    const row: TdmrRow = {
      index,
      base: t.base,
      end: t.base + t.size,
      failed: f && f.index === index ? f.reason : null,
      reservedLimit: limit,
    };
    if (plan.ok) {
      const full = plan.tdmrs[index];
      row.pamt = {
        base: full.pamt.base,
        size4k: full.pamt.size4k,
        size2m: full.pamt.size2m,
        size1g: full.pamt.size1g,
        total: pamtTotal(full.pamt),
        wantedNid: full.pamtNid,
        placedNid: nodeOfAddress(o.host, full.pamt.base),
      };
      row.reserved = full.reserved;
    }
    return row;
  });
}

export interface BlockCounts {
  blockSize: number;
  online: number;
  offline: number;
  refused: number;
}

export function blockCounts(o: Outcome): BlockCounts {
  const blockSize = o.host.platform?.memory_block_size ?? 128 * 1024 * 1024;
  const c: BlockCounts = { blockSize, online: 0, offline: 0, refused: 0 };
  for (const b of o.memoryBlocks) c[b.state] += (b.end - b.start) / blockSize;
  return c;
}

/** "2046 online, 512 refused": the counts that are not zero. */
export function blockCountsText(c: BlockCounts): string {
  const parts = (['online', 'offline', 'refused'] as const)
    .filter((k) => c[k] > 0)
    .map((k) => `${c[k].toLocaleString('en-US')} ${k}`);
  return parts.length ? parts.join(', ') : 'none';
}

/** The PAMT figure a face shows in brief: what the kernel printed, else what the plan allocates, else none. */
export function pamtFigureKb(o: Outcome): number | null {
  return o.pamt.printedKb ?? (o.plan?.ok ? o.pamt.kb : null);
}

/** A run of consecutive TDMR rows that differ only in their base (and so their PAMT's base). */
export interface TdmrRowGroup {
  /** The run's first row: its reserved areas and PAMT sizes stand for every row of the run. */
  first: TdmrRow;
  /** The run's last row (the first itself when the run is one TDMR). */
  last: TdmrRow;
  count: number;
}

/** What must be equal for two rows to share a group: everything but the bases. */
function rowShape(r: TdmrRow): string {
  const p = r.pamt;
  return JSON.stringify([
    r.end - r.base,
    r.reservedLimit,
    p ? [p.size4k, p.size2m, p.size1g, p.wantedNid, p.placedNid] : null,
    r.reserved ? r.reserved.map((a) => [a.kind, a.offset, a.size, a.pamtOf]) : null,
  ]);
}

/**
 * The TDMR table with runs collapsed: consecutive TDMRs of the same size,
 * the same reserved areas (offsets, sizes, kinds) and the same PAMT sizes
 * and nodes become one group (a 100,000-region host's thousands of alike
 * 1 GiB TDMRs are a few rows). A failed TDMR always stands alone.
 */
export function tdmrRowGroups(rows: readonly TdmrRow[]): TdmrRowGroup[] {
  const out: TdmrRowGroup[] = [];
  let shape = '';
  for (const r of rows) {
    const s = r.failed ? '' : rowShape(r);
    const g = out[out.length - 1];
    if (g && s && s === shape && !g.last.failed && g.last.end <= r.base) {
      g.last = r;
      g.count++;
    } else out.push({ first: r, last: r, count: 1 });
    shape = s;
  }
  return out;
}

/** A group's index column: `7`, or `5–4999 ×4995` for a run. */
export function groupIndexText(g: TdmrRowGroup): string {
  return g.count === 1 ? String(g.first.index) : `${g.first.index}–${g.last.index} ×${g.count.toLocaleString('en-US')}`;
}
