/**
 * What differs between two hosts (and their outcomes): memblock regions,
 * devices, CMRs, reserved ranges and module limits, each as an added,
 * removed or changed row with its exact range; the kernel, verdict and
 * findings (by id, with the Outcome's own titles) of the two Outcomes.
 * Pure; the compare view highlights these ranges on both maps and lists
 * them in its diff table.
 */
import type { Host } from '../host/types.js';
import { hex, humanSize } from '../format/hex.js';
import type { Outcome } from '../outcome/types.js';

export type DiffKind = 'added' | 'removed' | 'changed';
export type DiffSection = 'memblock' | 'device' | 'cmr' | 'reserved' | 'module' | 'platform' | 'verdict' | 'finding';

export interface DiffRow {
  section: DiffSection;
  kind: DiffKind;
  /** What the row is about: "node 2 memory", "cxl0", "max_tdmrs". */
  what: string;
  /** Value on the left (A) and right (B); empty when absent on that side. */
  a: string;
  b: string;
  /** The address range concerned, when the row is about memory. */
  start?: number;
  end?: number;
}

const rangeText = (start: number, end: number) => `[${hex(start)}, ${hex(end)}) ${humanSize(end - start)}`;

interface Ranged {
  key: string;
  what: string;
  start: number;
  end: number;
  text: string;
}

/** Diffs two keyed range lists: same key and text = equal; same key, other text = changed. */
function diffRanged(section: DiffSection, a: Ranged[], b: Ranged[]): DiffRow[] {
  const rows: DiffRow[] = [];
  const bByKey = new Map(b.map((x) => [x.key, x]));
  const aKeys = new Set(a.map((x) => x.key));
  for (const x of a) {
    const y = bByKey.get(x.key);
    if (!y) rows.push({ section, kind: 'removed', what: x.what, a: x.text, b: '', start: x.start, end: x.end });
    else if (y.text !== x.text)
      rows.push({
        section,
        kind: 'changed',
        what: x.what,
        a: x.text,
        b: y.text,
        start: Math.min(x.start, y.start),
        end: Math.max(x.end, y.end),
      });
  }
  for (const y of b)
    if (!aKeys.has(y.key))
      rows.push({ section, kind: 'added', what: y.what, a: '', b: y.text, start: y.start, end: y.end });
  return rows;
}

function memblockList(h: Host): Ranged[] {
  return h.memblock.map((m) => ({
    key: `${m.start}-${m.end}`,
    what: `node ${m.nid} memory`,
    start: m.start,
    end: m.end,
    text: `${rangeText(m.start, m.end)} node ${m.nid}${m.zone ? ` ${m.zone}` : ''}`,
  }));
}

function deviceList(h: Host): Ranged[] {
  return (h.devices ?? []).map((d) => ({
    key: d.name,
    what: `${d.kind} ${d.name}`,
    start: d.start,
    end: d.end,
    text: `${rangeText(d.start, d.end)} node ${d.nid}${d.zone ? ` ${d.zone}` : ''}`,
  }));
}

function cmrList(h: Host): Ranged[] {
  return h.cmrs.map((c) => ({
    key: `${c.base}-${c.size}`,
    what: 'CMR',
    start: c.base,
    end: c.base + c.size,
    text: rangeText(c.base, c.base + c.size),
  }));
}

function reservedList(h: Host): Ranged[] {
  return h.reserved.map((r) => ({
    key: `${r.start}-${r.end}`,
    what: r.what ?? 'reserved',
    start: r.start,
    end: r.end,
    text: rangeText(r.start, r.end),
  }));
}

function scalarRows(section: DiffSection, a: Record<string, unknown>, b: Record<string, unknown>): DiffRow[] {
  const rows: DiffRow[] = [];
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  for (const k of keys) {
    const x = a[k] === undefined ? '' : JSON.stringify(a[k]);
    const y = b[k] === undefined ? '' : JSON.stringify(b[k]);
    if (x !== y)
      rows.push({ section, kind: x === '' ? 'added' : y === '' ? 'removed' : 'changed', what: k, a: x, b: y });
  }
  return rows;
}

export function diffHosts(a: Host, b: Host): DiffRow[] {
  return [
    ...diffRanged('memblock', memblockList(a), memblockList(b)),
    ...diffRanged('device', deviceList(a), deviceList(b)),
    ...diffRanged('cmr', cmrList(a), cmrList(b)),
    ...diffRanged('reserved', reservedList(a), reservedList(b)),
    ...scalarRows('module', { ...a.module }, { ...b.module }),
    ...scalarRows('platform', { ...(a.platform ?? {}) }, { ...(b.platform ?? {}) }),
  ];
}

/** Differences in outcome: kernel, headline, initializes or not, stage, status, TDMR count, PAMT, then findings by id. */
export function diffOutcomes(a: Outcome, b: Outcome): DiffRow[] {
  const pick = (o: Outcome) => ({
    kernel: o.subject.kernel,
    headline: o.verdict.headline,
    initializes: o.verdict.ok ? 'yes' : 'no',
    level: o.verdict.level,
    stage: o.verdict.stage ?? '',
    status: o.verdict.statusName
      ? `${o.verdict.statusName}${o.verdict.statusDetail ? ` (${o.verdict.statusDetail})` : ''}`
      : '',
    errno: o.verdict.errno ?? '',
    'failed TDMR': o.verdict.failedTdmr ? `TDMR ${o.verdict.failedTdmr.index} (${o.verdict.failedTdmr.reason})` : '',
    tdmrs: `${o.plan?.tdmrs.length ?? 0} of ${o.host.module.max_tdmrs}`,
    'PAMT KiB': String(o.pamt.kb),
  });
  const x = pick(a);
  const y = pick(b);
  const rows: DiffRow[] = [];
  for (const k of Object.keys(x) as (keyof typeof x)[]) {
    if (x[k] !== y[k])
      rows.push({
        section: 'verdict',
        kind: x[k] === '' ? 'added' : y[k] === '' ? 'removed' : 'changed',
        what: k,
        a: x[k],
        b: y[k],
      });
  }
  return [...rows, ...diffFindings(a, b)];
}

/** A finding as the Outcome states it: severity and title (the id is the row's `what`). */
const findingText = (f: Outcome['findings'][number]) => `${f.severity}: ${f.title}`;

/** Findings keyed by id; a second finding with the same id (two failed events) is "id (2)". */
function keyedFindings(o: Outcome): Map<string, Outcome['findings'][number]> {
  const m = new Map<string, Outcome['findings'][number]>();
  const seen = new Map<string, number>();
  for (const f of o.findings) {
    const n = (seen.get(f.id) ?? 0) + 1;
    seen.set(f.id, n);
    m.set(n === 1 ? f.id : `${f.id} (${n})`, f);
  }
  return m;
}

/**
 * Findings by id: one only A has is removed, one only B has is added, one both
 * have with another severity or title is changed. In A's order, then B's new ones.
 */
export function diffFindings(a: Outcome, b: Outcome): DiffRow[] {
  const rows: DiffRow[] = [];
  const fa = keyedFindings(a);
  const fb = keyedFindings(b);
  for (const [id, f] of fa) {
    const g = fb.get(id);
    if (!g) rows.push({ section: 'finding', kind: 'removed', what: id, a: findingText(f), b: '' });
    else if (findingText(g) !== findingText(f))
      rows.push({ section: 'finding', kind: 'changed', what: id, a: findingText(f), b: findingText(g) });
  }
  for (const [id, g] of fb)
    if (!fa.has(id)) rows.push({ section: 'finding', kind: 'added', what: id, a: '', b: findingText(g) });
  return rows;
}
