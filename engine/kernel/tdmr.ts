/**
 * fill_out_tdmrs(): 1 GiB-aligned TDX Memory Regions covering the TDX memory
 * list, one TDMR per region unless the previous TDMR already covers it.
 */
import { SZ_1G, alignDown, alignUp } from '../format/hex.js';
import type { TdxMemblock } from './memlist.js';
import type { KernelLog } from './log.js';
import { tdxLine } from './log.js';

export interface TdmrRange {
  base: number;
  size: number;
}

/** The kernel warns when fewer than this many TDMRs are left unused. */
const TDMR_NR_WARN = 4;

export type FillOutResult = { ok: true; tdmrs: TdmrRange[] } | { ok: false; errno: '-ENOSPC' };

export function fillOutTdmrs(memlist: readonly TdxMemblock[], maxTdmrs: number, log: KernelLog): FillOutResult {
  const tdmrs: TdmrRange[] = [];
  let cur: TdmrRange | undefined;
  for (const tmb of memlist) {
    let start = alignDown(tmb.start, SZ_1G);
    const end = alignUp(tmb.end, SZ_1G);
    if (cur) {
      const curEnd = cur.base + cur.size;
      if (end <= curEnd) continue;
      if (start < curEnd) start = curEnd;
      if (tdmrs.length >= maxTdmrs) {
        log.push(tdxLine('warn', 'initialization failed: TDMRs exhausted.'));
        return { ok: false, errno: '-ENOSPC' };
      }
    }
    cur = { base: start, size: end - start };
    tdmrs.push(cur);
  }
  if (maxTdmrs - tdmrs.length < TDMR_NR_WARN) {
    log.push(tdxLine('warn', `consumed TDMRs reaching limit: ${tdmrs.length} used out of ${maxTdmrs}`));
  }
  return { ok: true, tdmrs };
}
