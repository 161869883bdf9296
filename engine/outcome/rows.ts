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
