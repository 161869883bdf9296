/**
 * Which map shapes each kernel log line and each SEAMCALL is about, so a
 * face can link a log row to its shape and a shape to its log rows, both
 * ways. Computed once from the Outcome, never guessed by a face:
 *
 *  - a line that prints a range names the TDMR, CMR, memblock region, TDX
 *    memory region or device with exactly those bounds;
 *  - the lines the verdict quotes, and the SEAMCALL that failed, name the
 *    TDMR the failure names (Verdict.failedTdmr, from the kernel's plan or
 *    the module status's detail bits);
 *  - TDH.SYS.TDMR.INIT names the TDMR whose base it passes in RCX
 *    (tdx-module: TDH.SYS.TDMR.INIT takes the TDMR's physical base);
 *    TDH.SYS.CONFIG, when it succeeds, every TDMR it was handed (up to 64);
 *  - "N KB allocated for PAMT" names every PAMT (up to 64 TDMRs' worth);
 *  - a finding's evidence that carries a ref names that shape.
 */
import type { Host } from '../host/types.js';
import { ref } from './refs.js';
import type { Outcome } from './types.js';
import type { ShapeLinks } from './link-rows.js';

export type { ShapeLinks } from './link-rows.js';

/** Above this many TDMRs a line about all of them names none: pointing at 60,000 shapes says nothing. */
const MAX_ALL = 64;

const RANGE_RE = /\[(0x[0-9a-fA-F]+), (0x[0-9a-fA-F]+)\)/g;

/** The first index i in a sorted list of [start, end) with start(i) >= a. */
function lowerBound(n: number, startOf: (i: number) => number, a: number): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (startOf(mid) < a) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The shapes whose exact bounds are [a, b). */
function shapesWithRange(o: Outcome, host: Host, a: number, b: number): string[] {
  const out: string[] = [];
  const tdmrs = o.plan?.tdmrs ?? [];
  const t = lowerBound(tdmrs.length, (i) => tdmrs[i].base, a);
  if (t < tdmrs.length && tdmrs[t].base === a && tdmrs[t].base + tdmrs[t].size === b) out.push(ref.tdmr(t));
  host.cmrs.forEach((c, i) => {
    if (c.base === a && c.base + c.size === b) out.push(ref.cmr(i));
  });
  const mb = host.memblock;
  const m = lowerBound(mb.length, (i) => mb[i].start, a);
  if (m < mb.length && mb[m].start === a && mb[m].end === b) out.push(ref.memblock(m));
  const ml = o.plan?.memlist ?? [];
  const k = lowerBound(ml.length, (i) => ml[i].start, a);
  if (k < ml.length && ml[k].start === a && ml[k].end === b) out.push(ref.tdxMemory(k));
  for (const d of host.devices ?? []) if (d.start === a && d.end === b) out.push(ref.device(d.name));
  return out;
}

function add(list: string[], ids: readonly string[]): void {
  for (const id of ids) if (!list.includes(id)) list.push(id);
}

export function outcomeLinks(o: Outcome): ShapeLinks {
  const host = o.host;
  const tdmrs = o.plan?.tdmrs ?? [];
  const failed = o.verdict.failedTdmr ? [ref.tdmr(o.verdict.failedTdmr.index)] : [];
  const quoted = new Set(o.verdict.kernelMessages);
  const allTdmrs = tdmrs.length <= MAX_ALL ? tdmrs.map((_, i) => ref.tdmr(i)) : [];
  const allPamts: string[] = [];
  if (o.plan?.ok && tdmrs.length <= MAX_ALL) {
    o.plan.tdmrs.forEach((t, i) => {
      if (t.pamt.size4k > 0) allPamts.push(ref.pamt(i, '4k'));
      if (t.pamt.size2m > 0) allPamts.push(ref.pamt(i, '2m'));
      if (t.pamt.size1g > 0) allPamts.push(ref.pamt(i, '1g'));
    });
  }

  const seamcalls = o.seamcalls.map((s): string[] => {
    const ids: string[] = [];
    const failing = o.verdict.status !== null && s.status === o.verdict.status;
    if (failing) add(ids, failed);
    if (s.name === 'TDH.SYS.TDMR.INIT' && s.args.rcx) {
      const base = Number(BigInt(s.args.rcx));
      const i = lowerBound(tdmrs.length, (k) => tdmrs[k].base, base);
      if (i < tdmrs.length && tdmrs[i].base === base) add(ids, [ref.tdmr(i)]);
    }
    if (s.name === 'TDH.SYS.CONFIG' && !failing && s.statusName === 'TDX_SUCCESS') add(ids, allTdmrs);
    return ids;
  });

  const log = o.log.map((line): string[] => {
    const ids: string[] = [];
    for (const m of line.matchAll(RANGE_RE))
      add(ids, shapesWithRange(o, host, Number(BigInt(m[1])), Number(BigInt(m[2]))));
    if (quoted.has(line)) add(ids, failed);
    if (/\d+ KB allocated for PAMT/.test(line)) add(ids, allPamts);
    return ids;
  });

  for (const f of o.findings) {
    for (const e of f.evidence) {
      if (!e.ref) continue;
      if (e.kind === 'log' && log[e.index]) add(log[e.index], [e.ref]);
      if (e.kind === 'seamcall' && seamcalls[e.index]) add(seamcalls[e.index], [e.ref]);
    }
  }
  return { log, seamcalls };
}
