/**
 * The golden RESULT document (golden README "RESULT"): field order and hex
 * formatting exactly as the kernel harness wrote them, so outputs diff cleanly.
 */
import type { Plan } from '../kernel/construct.js';
import { hex } from './hex.js';

export interface ResultMemblockJson {
  start: string;
  end: string;
  nid: number;
}

export interface ResultTdmrJson {
  base: string;
  size: string;
  pamt_nid: number;
  pamt: { base: string; size_4k: string; size_2m: string; size_1g: string };
  reserved: { offset: string; size: string }[];
}

export type ResultJson =
  | { ok: true; tdx_memlist: ResultMemblockJson[]; tdmrs: ResultTdmrJson[]; pamt_kb: number; log: string[] }
  | { ok: false; stage: string; errno: string; tdx_memlist: ResultMemblockJson[]; log: string[] };

export function planToResultJson(plan: Plan): ResultJson {
  const tdx_memlist = plan.memlist.map((m) => ({ start: hex(m.start), end: hex(m.end), nid: m.nid }));
  const log = plan.log.map((l) => l.text);
  if (!plan.ok) return { ok: false, stage: plan.stage, errno: plan.errno, tdx_memlist, log };
  return {
    ok: true,
    tdx_memlist,
    tdmrs: plan.tdmrs.map((t) => ({
      base: hex(t.base),
      size: hex(t.size),
      pamt_nid: t.pamtNid,
      pamt: {
        base: hex(t.pamt.base),
        size_4k: hex(t.pamt.size4k),
        size_2m: hex(t.pamt.size2m),
        size_1g: hex(t.pamt.size1g),
      },
      reserved: t.reserved.map((r) => ({ offset: hex(r.offset), size: hex(r.size) })),
    })),
    pamt_kb: plan.pamtKb,
    log,
  };
}
