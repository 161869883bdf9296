/**
 * Device memory the artifacts show (CXL regions, dax devices onlined through
 * kmem, Soft Reserved and persistent memory): hot-add candidates, never boot
 * memblock. Each becomes one host device, named as the artifact names it
 * (regionN, daxX.Y, namespaceX.Y, the iomem entry) and of the kind the
 * artifact states; what it does not state is assumed and said.
 *
 * Several artifacts may show the same device: a cxl list region, its iomem
 * lines, the lsmem blocks of its node. The most specific wins (cxl list,
 * then iomem, then lsmem, then e820) and the others fill in its node and zone.
 */
import type { Device } from '../host/types.js';
import { hex, humanSize } from '../format/hex.js';
import type { DeviceKind, NodeRange, Range } from './facts.js';
import { IntervalSet } from './interval-set.js';
import type { SourcedFacts } from './same-host.js';

/** A device an artifact lists, as recorded in the imported host (`devices_listed`). */
export interface ListedDevice {
  name: string;
  /** What listed it: "cxl memdev", "cxl region", "dax device", "iomem", "e820". */
  what: string;
  kind?: DeviceKind;
  start?: number;
  end?: number;
  size?: number;
  nid?: number;
  mode?: string;
  source: string;
  /** Modelled as a host device; otherwise `why_not` says why. */
  in_host: boolean;
  why_not?: string;
}

interface Candidate {
  name: string;
  what: string;
  kind?: DeviceKind;
  start: number;
  end: number;
  nid?: number;
  zone?: 'normal' | 'movable';
  dax?: string;
  source: string;
}

/** e820 types of device memory: specific-purpose (soft reserved) and persistent memory. */
function e820Device(type: string): { name: string; kind?: DeviceKind } | undefined {
  if (/^soft reserved/i.test(type)) return { name: 'Soft Reserved' };
  if (/^persistent/i.test(type)) return { name: 'Persistent Memory', kind: 'nvdimm' };
  return undefined;
}

/** The lsmem tables among the artifacts: ranges with a state or zone (SRAT node lines have neither). */
export function lsmemRanges(
  list: readonly SourcedFacts[],
): { source: string; facts: SourcedFacts['facts']; ranges: NodeRange[] } | undefined {
  const f = list.find((l) => l.facts.nodeRanges.some((n) => n.zone !== undefined || n.online !== undefined));
  if (!f) return undefined;
  return {
    source: f.source,
    facts: f.facts,
    ranges: f.facts.nodeRanges.filter((n) => (n.zone !== undefined || n.online !== undefined) && n.online !== false),
  };
}

/** Nodes whose memory a dax device onlined as system RAM (daxctl / cxl list -X target_node). */
export function kmemNodes(list: readonly SourcedFacts[]): Set<number> {
  const out = new Set<number>();
  for (const { facts } of list)
    for (const d of facts.daxDevices) if (d.mode === 'system-ram' && d.nid !== undefined) out.add(d.nid);
  return out;
}

/** Removes `cut` ranges from sorted, disjoint `rs`. */
export function subtract(rs: readonly Range[], cut: readonly Range[]): Range[] {
  if (!cut.length) return rs.map((r) => ({ ...r }));
  const c = [...cut].sort((a, b) => a.start - b.start);
  const out: Range[] = [];
  let j = 0;
  for (const r of rs) {
    let cur = r.start;
    while (j < c.length && c[j].end <= cur) j++;
    for (let k = j; k < c.length && c[k].start < r.end; k++) {
      if (c[k].start > cur) out.push({ start: cur, end: c[k].start });
      cur = Math.max(cur, c[k].end);
    }
    if (cur < r.end) out.push({ start: cur, end: r.end });
  }
  return out;
}

/** The lsmem range overlapping [start, end), by binary search over sorted ranges. */
function overlappingRange(sorted: readonly NodeRange[], start: number, end: number): NodeRange | undefined {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid].end <= start) lo = mid + 1;
    else hi = mid;
  }
  const r = sorted[lo];
  return r && r.start < end ? r : undefined;
}

export function collectDevices(list: readonly SourcedFacts[]): {
  devices: Device[];
  listed: ListedDevice[];
  assumptions: string[];
} {
  const assumptions: string[] = [];
  const listed: ListedDevice[] = [];
  const dax = new Map<string, { nid?: number; kind?: DeviceKind; mode?: string; size: number; source: string }>();
  for (const { source, facts } of list) {
    for (const d of facts.daxDevices) {
      // ndctl, daxctl and cxl list may each list the same dax device: what one leaves out another may say.
      const known = dax.get(d.name);
      if (!known) dax.set(d.name, { nid: d.nid, kind: d.kind, mode: d.mode, size: d.size, source });
      else {
        known.nid ??= d.nid;
        known.kind ??= d.kind;
        if (d.mode === 'system-ram' || known.mode === undefined) known.mode = d.mode;
        if (!known.size) known.size = d.size;
      }
    }
  }
  const nodes = kmemNodes(list);
  const lsmem = lsmemRanges(list);
  const lsmemSorted = lsmem ? [...lsmem.ranges].sort((a, b) => a.start - b.start) : [];

  const candidates: Candidate[] = [];
  for (const { source, facts } of list)
    for (const r of facts.cxlRegions)
      candidates.push({
        name: r.name,
        what: 'cxl region',
        kind: 'cxl',
        start: r.start,
        end: r.end,
        nid: r.nid,
        source,
      });
  for (const { source, facts } of list)
    for (const d of facts.iomemDevice) {
      const link = d.dax ? dax.get(d.dax) : undefined;
      candidates.push({
        name: d.name,
        what: `iomem ${d.what}`,
        kind: d.kind ?? link?.kind,
        start: d.start,
        end: d.end,
        nid: link?.nid,
        dax: d.dax,
        source,
      });
    }
  if (lsmem) {
    const onNode = new Map<number, string[]>();
    for (const [name, d] of dax)
      if (d.mode === 'system-ram' && d.nid !== undefined) onNode.set(d.nid, [...(onNode.get(d.nid) ?? []), name]);
    for (const r of lsmem.ranges) {
      if (!nodes.has(r.nid)) continue;
      const names = onNode.get(r.nid) ?? [];
      const bySize = names.find((n) => dax.get(n)!.size === r.end - r.start);
      const name = bySize ?? names.join('+');
      candidates.push({
        name,
        what: 'lsmem blocks of a kmem node',
        kind: names.map((n) => dax.get(n)!.kind).find((k) => k !== undefined),
        start: r.start,
        end: r.end,
        nid: r.nid,
        zone: r.zone === 'Movable' ? 'movable' : 'normal',
        dax: bySize ?? names[0],
        source: lsmem.source,
      });
    }
  }
  for (const { source, facts } of list)
    for (const e of facts.e820) {
      const d = e820Device(e.type);
      if (d)
        candidates.push({ name: d.name, what: `e820 ${e.type}`, kind: d.kind, start: e.start, end: e.end, source });
    }

  // The first candidate of a range wins; later ones describing the same memory fill in what it lacks.
  const kept = new IntervalSet();
  const byStart = new Map<number, Candidate>();
  const order: Candidate[] = [];
  for (const c of candidates) {
    const o = kept.overlapping(c.start, c.end);
    if (o) {
      const t = byStart.get(o.start)!;
      t.nid ??= c.nid;
      t.kind ??= c.kind;
      t.zone ??= c.zone;
      t.dax ??= c.dax;
      continue;
    }
    kept.add(c.start, c.end);
    byStart.set(c.start, c);
    order.push(c);
  }

  const names = new Set<string>();
  const devices: Device[] = [];
  // Assumptions are said once per reason, naming the devices (a paste may list thousands).
  const noNode: string[] = [];
  const noKind: string[] = [];
  for (const c of order.sort((a, b) => a.start - b.start)) {
    const where = `${c.name} [${hex(c.start)}, ${hex(c.end)}) ${humanSize(c.end - c.start)} (${c.source})`;
    const node = overlappingRange(lsmemSorted, c.start, c.end);
    let nid = c.nid ?? (node && node.nid >= 0 ? node.nid : undefined);
    if (nid === undefined) {
      nid = 0;
      noNode.push(where);
    }
    let kind = c.kind;
    if (!kind) {
      kind = 'cxl';
      noKind.push(where);
    }
    const zone = c.zone ?? (node?.zone === 'Movable' ? 'movable' : node?.zone ? 'normal' : 'movable');
    let name = c.name || 'device';
    if (names.has(name)) name = `${name} ${hex(c.start)}`;
    names.add(name);
    devices.push({ name, kind, start: c.start, end: c.end, nid, zone });
    listed.push({ name, what: c.what, kind, start: c.start, end: c.end, nid, source: c.source, in_host: true });
  }
  const which = (list: string[]) =>
    list.length === 1
      ? list[0]
      : `${list.length} devices (${list.slice(0, 3).join('; ')}${list.length > 3 ? '; ...' : ''})`;
  if (noNode.length)
    assumptions.push(
      `${which(noNode)}: no artifact gives ${noNode.length === 1 ? 'its' : 'their'} NUMA node: node 0 assumed`,
    );
  if (noKind.length)
    assumptions.push(
      `${which(noKind)}: the artifacts do not say what memory this is (Soft Reserved is EFI specific-purpose memory, CXL or HBM): modelled as cxl`,
    );
  const kmemDevices = devices.filter((d) => nodes.has(d.nid));
  if (kmemDevices.length) {
    const ids = [...new Set(kmemDevices.map((d) => d.nid))];
    assumptions.push(
      `node${ids.length > 1 ? 's' : ''} ${ids.join(', ')}: memory onlined through dax kmem, modelled as hot-added device memory (not in boot memblock)`,
    );
  }

  const shown = new Set([...names, ...order.map((c) => c.dax)]);
  for (const [name, d] of dax) {
    if (shown.has(name)) continue;
    listed.push({
      name,
      what: 'dax device',
      kind: d.kind,
      size: d.size,
      nid: d.nid,
      mode: d.mode,
      source: d.source,
      in_host: false,
      why_not: 'its physical range is in none of the artifacts (add /proc/iomem or lsmem)',
    });
  }
  for (const { source, facts } of list)
    for (const m of facts.cxlMemdevs) {
      const l: ListedDevice = {
        name: m.name,
        what: 'cxl memdev',
        kind: 'cxl',
        source,
        in_host: false,
        why_not: 'a memdev has no host physical address until a region maps it',
      };
      if (m.ramSize !== undefined || m.pmemSize !== undefined) l.size = (m.ramSize ?? 0) + (m.pmemSize ?? 0);
      if (m.nid !== undefined) l.nid = m.nid;
      listed.push(l);
    }
  return { devices, listed, assumptions };
}
