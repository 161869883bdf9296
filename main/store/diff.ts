/**
 * What changed between two runs (or the matching runs of two sessions):
 * hosts, statuses, TDMRs, PAMT per node, reserved areas. Pure: takes what the
 * store returned, gives a plain object; main/cli/render/session-diff.ts
 * prints it. All addresses and sizes are exact byte numbers.
 */
import { parseHost } from '../../engine/host/validate.js';
import type { Host } from '../../engine/host/types.js';
import type { HostRecord, RunRecord, StoredTdmr } from './types.js';

export interface RunSnapshot {
  session: string;
  run: RunRecord;
  host: HostRecord | null;
  tdmrs: StoredTdmr[];
}

export interface RunBrief {
  id: number;
  session: string;
  kind: string;
  kernelVariant: string;
  host: string | null;
  status: string;
  stage: string | null;
  errno: string | null;
  tdmrCount: number | null;
  pamtKb: number | null;
}

export interface Range {
  start: number;
  end: number;
  nid?: number;
}

export interface HostDiff {
  same: boolean;
  nameA: string | null;
  nameB: string | null;
  memblockOnlyA: Range[];
  memblockOnlyB: Range[];
  reservedOnlyA: Range[];
  reservedOnlyB: Range[];
  cmrsOnlyA: Range[];
  cmrsOnlyB: Range[];
  module: { field: string; a: string | number | null; b: string | number | null }[];
}

export interface TdmrRowDiff {
  index: number;
  a: StoredTdmr | null;
  b: StoredTdmr | null;
  /** Fields that differ: base, size, pamtNid, pamt, reserved; or 'only-a' / 'only-b'. */
  changed: string[];
}

export interface ReservedDiff {
  index: number;
  onlyA: { offset: number; size: number }[];
  onlyB: { offset: number; size: number }[];
  countA: number;
  countB: number;
}

export interface PamtNodeDiff {
  nid: number;
  a: number | null;
  b: number | null;
  delta: number;
}

export interface RunDiff {
  a: RunBrief;
  b: RunBrief;
  same: boolean;
  status: { same: boolean };
  host: HostDiff;
  tdmrs: { countA: number; countB: number; rows: TdmrRowDiff[] };
  pamtNodes: PamtNodeDiff[];
  pamtTotal: { a: number | null; b: number | null; delta: number };
  reserved: ReservedDiff[];
}

export interface SessionDiff {
  a: string;
  b: string;
  same: boolean;
  /** Runs paired by (host name, kind, kernel variant), newest of each. */
  pairs: RunDiff[];
  onlyA: RunBrief[];
  onlyB: RunBrief[];
}

export function brief(session: string, r: RunRecord): RunBrief {
  return {
    id: r.id,
    session,
    kind: r.kind,
    kernelVariant: r.kernelVariant,
    host: r.hostName,
    status: r.status,
    stage: r.stage,
    errno: r.errno,
    tdmrCount: r.tdmrCount,
    pamtKb: r.pamtKb,
  };
}

function hostOf(h: HostRecord | null): Host | null {
  if (!h) return null;
  const r = parseHost(h.host);
  return r.ok ? r.value : null;
}

/** Items of xs whose key is not among ys' keys. */
function minus<T>(xs: readonly T[], ys: readonly T[], key: (t: T) => string): T[] {
  const k = new Set(ys.map(key));
  return xs.filter((x) => !k.has(key(x)));
}

const rangeKey = (r: Range) => `${r.start}-${r.end}-${r.nid ?? ''}`;

function diffHosts(ha: HostRecord | null, hb: HostRecord | null): HostDiff {
  const a = hostOf(ha);
  const b = hostOf(hb);
  const mem = (h: Host | null): Range[] =>
    h ? h.memblock.map((m) => ({ start: m.start, end: m.end, nid: m.nid })) : [];
  const res = (h: Host | null): Range[] => (h ? h.reserved.map((m) => ({ start: m.start, end: m.end })) : []);
  const cmr = (h: Host | null): Range[] => (h ? h.cmrs.map((c) => ({ start: c.base, end: c.base + c.size })) : []);
  const fields: [string, (h: Host) => string | number | undefined][] = [
    ['max_tdmrs', (h) => h.module.max_tdmrs],
    ['max_reserved_per_tdmr', (h) => h.module.max_reserved_per_tdmr],
    ['pamt_entry_size.4k', (h) => h.module.pamt_entry_size['4k']],
    ['pamt_entry_size.2m', (h) => h.module.pamt_entry_size['2m']],
    ['pamt_entry_size.1g', (h) => h.module.pamt_entry_size['1g']],
    ['version', (h) => h.module.version],
  ];
  const module = fields
    .map(([field, get]) => ({ field, a: a ? (get(a) ?? null) : null, b: b ? (get(b) ?? null) : null }))
    .filter((f) => f.a !== f.b);
  const d: HostDiff = {
    same: false,
    nameA: ha?.name ?? null,
    nameB: hb?.name ?? null,
    memblockOnlyA: minus(mem(a), mem(b), rangeKey),
    memblockOnlyB: minus(mem(b), mem(a), rangeKey),
    reservedOnlyA: minus(res(a), res(b), rangeKey),
    reservedOnlyB: minus(res(b), res(a), rangeKey),
    cmrsOnlyA: minus(cmr(a), cmr(b), rangeKey),
    cmrsOnlyB: minus(cmr(b), cmr(a), rangeKey),
    module,
  };
  d.same =
    (ha?.digest ?? null) === (hb?.digest ?? null) ||
    (d.nameA === d.nameB &&
      [d.memblockOnlyA, d.memblockOnlyB, d.reservedOnlyA, d.reservedOnlyB, d.cmrsOnlyA, d.cmrsOnlyB, module].every(
        (x) => x.length === 0,
      ));
  return d;
}

const pamtSum = (t: StoredTdmr) => (t.pamt ? t.pamt.size4k + t.pamt.size2m + t.pamt.size1g : 0);
const areaKey = (r: { offset: number; size: number }) => `${r.offset}-${r.size}`;

function diffTdmrs(a: StoredTdmr[], b: StoredTdmr[]): { rows: TdmrRowDiff[]; reserved: ReservedDiff[] } {
  const rows: TdmrRowDiff[] = [];
  const reserved: ReservedDiff[] = [];
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i] ?? null;
    const y = b[i] ?? null;
    const changed: string[] = [];
    if (!x) changed.push('only-b');
    else if (!y) changed.push('only-a');
    else {
      if (x.base !== y.base) changed.push('base');
      if (x.size !== y.size) changed.push('size');
      if (x.pamtNid !== y.pamtNid) changed.push('pamtNid');
      if (JSON.stringify(x.pamt) !== JSON.stringify(y.pamt)) changed.push('pamt');
    }
    const ra = (x?.reserved ?? []).map(({ offset, size }) => ({ offset, size }));
    const rb = (y?.reserved ?? []).map(({ offset, size }) => ({ offset, size }));
    const onlyA = minus(ra, rb, areaKey);
    const onlyB = minus(rb, ra, areaKey);
    if (onlyA.length || onlyB.length) {
      if (x && y) changed.push('reserved');
      reserved.push({ index: i, onlyA, onlyB, countA: ra.length, countB: rb.length });
    }
    rows.push({ index: i, a: x, b: y, changed });
  }
  return { rows, reserved };
}

function pamtByNode(s: RunSnapshot): Map<number, number> | null {
  const nodes = s.run.summary?.nodes;
  if (!nodes) return null;
  return new Map(nodes.map((n) => [n.nid, n.pamtBytes]));
}

export function diffRuns(a: RunSnapshot, b: RunSnapshot): RunDiff {
  const host = diffHosts(a.host, b.host);
  const { rows, reserved } = diffTdmrs(a.tdmrs, b.tdmrs);
  const na = pamtByNode(a);
  const nb = pamtByNode(b);
  const nids = [...new Set([...(na?.keys() ?? []), ...(nb?.keys() ?? [])])].sort((x, y) => x - y);
  const pamtNodes = nids.map((nid) => {
    const va = na ? (na.get(nid) ?? 0) : null;
    const vb = nb ? (nb.get(nid) ?? 0) : null;
    return { nid, a: va, b: vb, delta: (vb ?? 0) - (va ?? 0) };
  });
  const total = (s: RunSnapshot, m: Map<number, number> | null) =>
    m
      ? [...m.values()].reduce((x, y) => x + y, 0)
      : s.tdmrs.length
        ? s.tdmrs.reduce((x, t) => x + pamtSum(t), 0)
        : null;
  const ta = total(a, na);
  const tb = total(b, nb);
  const status = { same: a.run.status === b.run.status && a.run.stage === b.run.stage && a.run.errno === b.run.errno };
  const same =
    status.same &&
    host.same &&
    rows.every((r) => r.changed.length === 0) &&
    pamtNodes.every((p) => p.delta === 0) &&
    ta === tb;
  return {
    a: brief(a.session, a.run),
    b: brief(b.session, b.run),
    same,
    status,
    host,
    tdmrs: { countA: a.tdmrs.length, countB: b.tdmrs.length, rows },
    pamtNodes,
    pamtTotal: { a: ta, b: tb, delta: (tb ?? 0) - (ta ?? 0) },
    reserved,
  };
}

/** The key two sessions' runs are paired on. */
export function pairKey(r: RunRecord): string {
  return `${r.hostName ?? '?'}\u0000${r.kind}\u0000${r.kernelVariant}`;
}

/** Pairs the newest run per (host, kind, variant) of each session and diffs each pair. */
export function diffSessions(nameA: string, runsA: RunSnapshot[], nameB: string, runsB: RunSnapshot[]): SessionDiff {
  const newest = (runs: RunSnapshot[]) => {
    const m = new Map<string, RunSnapshot>();
    for (const s of runs) m.set(pairKey(s.run), s); // runs come in id order: the last wins
    return m;
  };
  const ma = newest(runsA);
  const mb = newest(runsB);
  const pairs: RunDiff[] = [];
  const onlyA: RunBrief[] = [];
  for (const [k, s] of ma) {
    const t = mb.get(k);
    if (t) pairs.push(diffRuns(s, t));
    else onlyA.push(brief(nameA, s.run));
  }
  const onlyB = [...mb].filter(([k]) => !ma.has(k)).map(([, s]) => brief(nameB, s.run));
  return {
    a: nameA,
    b: nameB,
    same: onlyA.length === 0 && onlyB.length === 0 && pairs.every((p) => p.same),
    pairs,
    onlyA,
    onlyB,
  };
}
