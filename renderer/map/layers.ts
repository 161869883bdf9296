/**
 * The map as columns: one layer per shape kind, its starts and ends in
 * typed arrays sorted by start, and each shape made (id, label, details)
 * only when asked for. A 1,000,000-region host is a few typed arrays here,
 * not two million objects; buildMapModel materializes every shape for small
 * hosts and reports, mapWindow (window.ts) only those a window shows. The
 * facts each shape states are written once, in the makers below.
 */
import { hex, humanSize, SZ_1G, SZ_4G, alignUp } from '../../engine/format/hex.js';
import { pamtTotal } from '../../engine/kernel/pamt.js';
import type { Tdmr } from '../../engine/kernel/construct.js';
import { ref } from '../../engine/outcome/refs.js';
import { collapsibleGaps } from './scale.js';
import type { MapFacts, MapInput, MapShape, ShapeKind, TrackId } from './types.js';

export const TRACK_LABELS: Record<TrackId, string> = {
  numa: 'NUMA nodes',
  memblock: 'memblock',
  'tdx-memory': 'TDX memory',
  cmr: 'CMRs',
  tdmr: 'TDMRs',
  pamt: 'PAMTs',
  'mem-block': 'memory blocks',
  device: 'devices',
};

export const TRACK_ORDER: readonly TrackId[] = [
  'numa',
  'memblock',
  'tdx-memory',
  'cmr',
  'tdmr',
  'pamt',
  'mem-block',
  'device',
];

export const KIND_ORDER: readonly ShapeKind[] = [
  'numa-node',
  'memblock',
  'tdx-memory',
  'cmr',
  'tdmr',
  'reserved-area',
  'needed-area',
  'pamt',
  'mem-block',
  'device',
];

/** One kind of shape on one track, sorted by start (then end). */
export interface MapLayer {
  kind: ShapeKind;
  track: TrackId;
  n: number;
  start: Float64Array;
  end: Float64Array;
  /** Running maximum of ends: shapes overlapping an address are found by binary search. */
  maxEnd: Float64Array;
  /** Bytes covered by shapes [0, i): cum[j] - cum[i] is what shapes i..j-1 cover (density bars). */
  cum: Float64Array;
  /** No shape overlaps the next one: a window can skip a pixel column's shapes by binary search. */
  disjoint: boolean;
  /** The i-th shape (in this layer's order), made on demand. */
  shape(i: number): MapShape;
  /** How alarming shape i is, for aggregates that must not hide it (memory blocks: refused > offline > online). */
  rank?(i: number): number;
  /** The class an aggregate of this layer carries from its member i (a node's colour, a block's state). */
  aggClass?(i: number): string;
  /** The index (in this layer's order) of the shape with this id, or -1. */
  find(id: string): number;
}

/** Everything the map knows about one host, as columns. */
export interface MapIndex {
  hostName: string;
  variant: MapInput['plan']['variant'];
  ok: boolean;
  top: number;
  /** The empty stretches compress-holes collapses (scale.ts collapsibleGaps): bounded, whatever the host. */
  gaps: Array<[number, number]>;
  counts: Record<ShapeKind, number>;
  failedTdmr?: number;
  facts?: MapFacts;
  reservedNeed?: { tdmr: number; needed: number; limit: number };
  /** The tracks drawn, top to bottom, each with its layers bottom to top. */
  tracks: Array<{ id: TrackId; label: string; layers: MapLayer[] }>;
  /** The layer holding shapes with this id prefix (`tdmr`, `memblock`, …) and the index a numbered id names. */
  locate(id: string): { layer: MapLayer; index: number } | null;
}

/**
 * hex() for model building: the same text, about twice as fast on addresses
 * above 4 GiB (two 32-bit halves), which matters for 100,000-region hosts.
 */
function hexFast(n: number): string {
  if (n < 0x100000000) return hex(n);
  const hi = Math.floor(n / 0x100000000);
  const lo = n - hi * 0x100000000;
  return '0x' + hi.toString(16) + lo.toString(16).padStart(8, '0');
}

/** `[0x..., 0x...)` with the size beside it: every range in details reads the same. */
function rangeText(start: number, end: number): string {
  return `[${hexFast(start)}, ${hexFast(end)})`;
}

/** Shared (never mutated) class lists: a 100,000-region model should not allocate one array per shape. */
const NO_CLASSES: string[] = [];
const MOVABLE = ['movable'];

function shape(
  id: string,
  kind: ShapeKind,
  track: TrackId,
  start: number,
  end: number,
  label: string,
  classes: string[] = NO_CLASSES,
  extra?: Record<string, string>,
): MapShape {
  const details: Record<string, string> = { range: rangeText(start, end), size: humanSize(end - start) };
  if (extra) for (const k in extra) details[k] = extra[k];
  return { id, kind, track, start, end, label, classes, details };
}

interface LayerSpec {
  kind: ShapeKind;
  track: TrackId;
  n: number;
  start(i: number): number;
  end(i: number): number;
  make(i: number): MapShape;
  rank?(i: number): number;
  aggClass?(i: number): string;
  /** The spec index of the shape with this id, or -1 (ids are parsed, never searched shape by shape). */
  find(id: string): number;
}

/** Columns of one layer, sorted by (start, end); makers are called with the spec's own index. */
function layerOf(spec: LayerSpec): MapLayer {
  const n = spec.n;
  let start = new Float64Array(n);
  let end = new Float64Array(n);
  let sorted = true;
  for (let i = 0; i < n; i++) {
    start[i] = spec.start(i);
    end[i] = spec.end(i);
    if (i > 0 && (start[i] < start[i - 1] || (start[i] === start[i - 1] && end[i] < end[i - 1]))) sorted = false;
  }
  let order: Uint32Array | null = null;
  if (!sorted) {
    const perm = Array.from({ length: n }, (_, i) => i);
    const s0 = start;
    const e0 = end;
    perm.sort((a, b) => s0[a] - s0[b] || e0[a] - e0[b] || a - b);
    order = Uint32Array.from(perm);
    start = new Float64Array(n);
    end = new Float64Array(n);
    for (let k = 0; k < n; k++) {
      start[k] = s0[order[k]];
      end[k] = e0[order[k]];
    }
  }
  const maxEnd = new Float64Array(n);
  const cum = new Float64Array(n + 1);
  let m = -Infinity;
  let disjoint = true;
  for (let i = 0; i < n; i++) {
    if (i > 0 && start[i] < maxEnd[i - 1]) disjoint = false;
    maxEnd[i] = m = Math.max(m, end[i]);
    cum[i + 1] = cum[i] + (end[i] - start[i]);
  }
  const at = (k: number) => (order ? order[k] : k);
  let inverse: Uint32Array | null = null;
  const toSorted = (i: number) => {
    if (!order) return i;
    if (!inverse) {
      inverse = new Uint32Array(n);
      for (let k = 0; k < n; k++) inverse[order[k]] = k;
    }
    return inverse[i];
  };
  const layer: MapLayer = {
    kind: spec.kind,
    track: spec.track,
    n,
    start,
    end,
    maxEnd,
    cum,
    disjoint,
    shape: (k) => spec.make(at(k)),
    find: (id) => {
      const i = spec.find(id);
      return i >= 0 && i < n ? toSorted(i) : -1;
    },
  };
  if (spec.rank) {
    const r = spec.rank;
    layer.rank = (k) => r(at(k));
  }
  if (spec.aggClass) {
    const c = spec.aggClass;
    layer.aggClass = (k) => c(at(k));
  }
  return layer;
}

/** The number a numbered id carries (`tdmr-3` → 3), or -1. */
function numberIn(id: string, re: RegExp): number {
  const m = re.exec(id);
  return m ? Number(m[1]) : -1;
}

const MEM_BLOCK_STATE_RANK: Record<string, number> = { refused: 3, offline: 2, online: 1 };

export function buildMapIndex(input: MapInput): MapIndex {
  const { host, plan } = input;
  const mb = host.memblock;
  const layers: LayerSpec[] = [];

  // NUMA nodes: runs of consecutive memblock regions on one node.
  const runFirst: number[] = [];
  const runLast: number[] = [];
  const runPart: number[] = [];
  const runsPerNode = new Map<number, number>();
  for (let i = 0; i < mb.length;) {
    let j = i;
    while (j + 1 < mb.length && mb[j + 1].nid === mb[i].nid) j++;
    const k = runsPerNode.get(mb[i].nid) ?? 0;
    runsPerNode.set(mb[i].nid, k + 1);
    runFirst.push(i);
    runLast.push(j);
    runPart.push(k);
    i = j + 1;
  }
  layers.push({
    kind: 'numa-node',
    track: 'numa',
    n: runFirst.length,
    start: (r) => mb[runFirst[r]].start,
    end: (r) => mb[runLast[r]].end,
    make: (r) => {
      const nid = mb[runFirst[r]].nid;
      return shape(
        ref.node(nid, runPart[r]),
        'numa-node',
        'numa',
        mb[runFirst[r]].start,
        mb[runLast[r]].end,
        `node ${nid}`,
        [`nid-${nid % 8}`],
        { node: String(nid), regions: String(runLast[r] - runFirst[r] + 1) },
      );
    },
    aggClass: (r) => `nid-${mb[runFirst[r]].nid % 8}`,
    find: (id) => {
      const m = /^node-(\d+)(?:-(\d+))?$/.exec(id);
      if (!m) return -1;
      for (let r = 0; r < runFirst.length; r++)
        if (mb[runFirst[r]].nid === Number(m[1]) && runPart[r] === Number(m[2] ?? 0)) return r;
      return -1;
    },
  });

  layers.push({
    kind: 'memblock',
    track: 'memblock',
    n: mb.length,
    find: (id) => numberIn(id, /^memblock-(\d+)$/),
    start: (i) => mb[i].start,
    end: (i) => mb[i].end,
    make: (i) => {
      const r = mb[i];
      const extra: Record<string, string> = { node: String(r.nid) };
      if (r.zone) extra.zone = r.zone;
      return shape(
        ref.memblock(i),
        'memblock',
        'memblock',
        r.start,
        r.end,
        `memblock ${i}`,
        r.zone ? MOVABLE : NO_CLASSES,
        extra,
      );
    },
  });

  const ml = plan.memlist;
  layers.push({
    kind: 'tdx-memory',
    track: 'tdx-memory',
    n: ml.length,
    find: (id) => numberIn(id, /^tdxmem-(\d+)$/),
    start: (i) => ml[i].start,
    end: (i) => ml[i].end,
    make: (i) =>
      shape(ref.tdxMemory(i), 'tdx-memory', 'tdx-memory', ml[i].start, ml[i].end, 'TDX memory', NO_CLASSES, {
        node: String(ml[i].nid),
      }),
  });

  const cmrs = host.cmrs;
  layers.push({
    kind: 'cmr',
    track: 'cmr',
    n: cmrs.length,
    find: (id) => numberIn(id, /^cmr-(\d+)$/),
    start: (i) => cmrs[i].base,
    end: (i) => cmrs[i].base + cmrs[i].size,
    make: (i) => shape(ref.cmr(i), 'cmr', 'cmr', cmrs[i].base, cmrs[i].base + cmrs[i].size, `CMR ${i}`),
  });

  const tdmrs = plan.tdmrs;
  const limit = host.module.max_reserved_per_tdmr;
  layers.push({
    kind: 'tdmr',
    track: 'tdmr',
    n: tdmrs.length,
    find: (id) => numberIn(id, /^tdmr-(\d+)$/),
    start: (i) => tdmrs[i].base,
    end: (i) => tdmrs[i].base + tdmrs[i].size,
    make: (i) => {
      const t = tdmrs[i];
      const rejected = input.rejectedTdmr?.index === i;
      const failed = (!plan.ok && plan.failedTdmr === i) || rejected;
      const full: Tdmr | undefined = plan.ok ? plan.tdmrs[i] : undefined;
      const extra: Record<string, string> = {};
      if (full) {
        extra['reserved areas'] = `${full.reserved.length} of ${limit}`;
        extra['PAMT'] =
          `${rangeText(full.pamt.base, full.pamt.base + pamtTotal(full.pamt))} ${humanSize(pamtTotal(full.pamt))} on node ${full.pamtNid}`;
      }
      if (failed)
        extra.failed = !plan.ok
          ? `${plan.stage} stage (${plan.errno})`
          : `rejected by the module: ${input.rejectedTdmr!.reason}`;
      return shape(
        ref.tdmr(i),
        'tdmr',
        'tdmr',
        t.base,
        t.base + t.size,
        `TDMR ${i}`,
        failed ? ['failed'] : NO_CLASSES,
        extra,
      );
    },
  });

  // Reserved areas and PAMTs exist once the kernel set them up (a plan that succeeded).
  const rsvdTdmr: number[] = [];
  const rsvdIdx: number[] = [];
  const pamtTdmr: number[] = [];
  const pamtPart: number[] = [];
  const PAGE_SIZES = ['4k', '2m', '1g'] as const;
  /** Where each TDMR's reserved areas start in the flattened list. */
  const rsvdFirst: number[] = [];
  if (plan.ok) {
    plan.tdmrs.forEach((t, i) => {
      rsvdFirst.push(rsvdTdmr.length);
      for (let j = 0; j < t.reserved.length; j++) {
        rsvdTdmr.push(i);
        rsvdIdx.push(j);
      }
      const sizes = [t.pamt.size4k, t.pamt.size2m, t.pamt.size1g];
      for (let p = 0; p < 3; p++) {
        if (sizes[p] > 0) {
          pamtTdmr.push(i);
          pamtPart.push(p);
        }
      }
    });
  }
  const rsvdStart = (k: number) => {
    const t = plan.ok ? plan.tdmrs[rsvdTdmr[k]] : undefined;
    return t!.base + t!.reserved[rsvdIdx[k]].offset;
  };
  layers.push({
    kind: 'reserved-area',
    track: 'tdmr',
    n: rsvdTdmr.length,
    find: (id) => {
      const m = /^rsvd-(\d+)-(\d+)$/.exec(id);
      if (!m || !plan.ok) return -1;
      const i = Number(m[1]);
      const j = Number(m[2]);
      return i < plan.tdmrs.length && j < plan.tdmrs[i].reserved.length ? rsvdFirst[i] + j : -1;
    },
    start: rsvdStart,
    end: (k) => rsvdStart(k) + (plan.ok ? plan.tdmrs[rsvdTdmr[k]].reserved[rsvdIdx[k]].size : 0),
    make: (k) => {
      const i = rsvdTdmr[k];
      const j = rsvdIdx[k];
      const r = (plan.ok ? plan.tdmrs[i] : undefined)!.reserved[j];
      const start = rsvdStart(k);
      const why = r.kind === 'pamt' ? `PAMT of TDMR ${r.pamtOf}` : 'hole (not TDX memory)';
      return shape(
        ref.reserved(i, j),
        'reserved-area',
        'tdmr',
        start,
        start + r.size,
        `rsvd ${j}`,
        [`rsvd-${r.kind}`],
        {
          tdmr: String(i),
          kind: why,
          offset: hex(r.offset),
        },
      );
    },
  });

  const need = input.neededReserved;
  const needTdmr = need ? plan.tdmrs[need.tdmr] : undefined;
  const needAreas = need && needTdmr ? need.areas : [];
  layers.push({
    kind: 'needed-area',
    track: 'tdmr',
    n: needAreas.length,
    find: (id) => {
      const m = /^need-(\d+)-(\d+)$/.exec(id);
      return m && need && Number(m[1]) === need.tdmr ? Number(m[2]) : -1;
    },
    start: (j) => needTdmr!.base + needAreas[j].offset,
    end: (j) => needTdmr!.base + needAreas[j].offset + needAreas[j].size,
    make: (j) => {
      const r = needAreas[j];
      const start = needTdmr!.base + r.offset;
      const over = j >= limit;
      return shape(
        ref.needed(need!.tdmr, j),
        'needed-area',
        'tdmr',
        start,
        start + r.size,
        `need ${j}`,
        [`rsvd-${r.kind}`, ...(over ? ['over-limit'] : [])],
        {
          tdmr: String(need!.tdmr),
          kind: r.kind === 'pamt' ? `PAMT of TDMR ${r.pamtOf}` : 'hole (not TDX memory)',
          'needed area': `${j + 1} of ${needAreas.length} needed, the module allows ${limit}`,
        },
      );
    },
  });

  const pamtOf = (k: number) => (plan.ok ? plan.tdmrs[pamtTdmr[k]].pamt : undefined)!;
  const pamtStart = (k: number) => {
    const p = pamtOf(k);
    const part = pamtPart[k];
    return p.base + (part > 0 ? p.size4k : 0) + (part > 1 ? p.size2m : 0);
  };
  const pamtSize = (k: number) => {
    const p = pamtOf(k);
    return [p.size4k, p.size2m, p.size1g][pamtPart[k]];
  };
  layers.push({
    kind: 'pamt',
    track: 'pamt',
    n: pamtTdmr.length,
    find: (id) => {
      const m = /^pamt-(\d+)-(4k|2m|1g)$/.exec(id);
      if (!m) return -1;
      const i = Number(m[1]);
      const p = PAGE_SIZES.indexOf(m[2] as (typeof PAGE_SIZES)[number]);
      // PAMT parts are listed TDMR by TDMR: binary search for the TDMR, then its part.
      let lo = 0;
      let hi = pamtTdmr.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (pamtTdmr[mid] < i) lo = mid + 1;
        else hi = mid;
      }
      for (let k = lo; k < pamtTdmr.length && pamtTdmr[k] === i; k++) if (pamtPart[k] === p) return k;
      return -1;
    },
    start: pamtStart,
    end: (k) => pamtStart(k) + pamtSize(k),
    make: (k) => {
      const i = pamtTdmr[k];
      const pg = PAGE_SIZES[pamtPart[k]];
      const start = pamtStart(k);
      return shape(
        ref.pamt(i, pg),
        'pamt',
        'pamt',
        start,
        start + pamtSize(k),
        `PAMT ${i} ${pg.toUpperCase()}`,
        [`pamt-${pg}`],
        {
          tdmr: String(i),
          'page size': pg.toUpperCase(),
          node: String((plan.ok ? plan.tdmrs[i] : undefined)!.pamtNid),
        },
      );
    },
  });

  const blockSize = host.platform?.memory_block_size ?? 128 * 1024 * 1024;
  const blocks = input.memoryBlocks ?? [];
  layers.push({
    kind: 'mem-block',
    track: 'mem-block',
    n: blocks.length,
    find: (id) => {
      for (let i = 0; i < blocks.length; i++) {
        const b = blocks[i];
        const n = b.start % blockSize === 0 ? b.start / blockSize : i;
        if (id === ref.memoryBlocks(n)) return i;
      }
      return -1;
    },
    start: (i) => blocks[i].start,
    end: (i) => blocks[i].end,
    make: (i) => {
      const b = blocks[i];
      // A run of blocks, named as sysfs names them: memoryN (the first) to memoryM.
      const n = b.start % blockSize === 0 ? b.start / blockSize : i;
      const count = Math.max(1, Math.round((b.end - b.start) / blockSize));
      const label = count > 1 ? `memory${n}–memory${n + count - 1}` : `memory${n}`;
      const extra: Record<string, string> = { state: b.state, blocks: `${label} (${count.toLocaleString('en-US')})` };
      if (b.reason) extra.reason = b.reason;
      return shape(ref.memoryBlocks(n), 'mem-block', 'mem-block', b.start, b.end, label, [b.state], extra);
    },
    rank: (i) => MEM_BLOCK_STATE_RANK[blocks[i].state] ?? 0,
    aggClass: (i) => blocks[i].state,
  });

  const devices = host.devices ?? [];
  layers.push({
    kind: 'device',
    track: 'device',
    n: devices.length,
    find: (id) => devices.findIndex((d) => ref.device(d.name) === id),
    start: (i) => devices[i].start,
    end: (i) => devices[i].end,
    make: (i) => {
      const d = devices[i];
      return shape(ref.device(d.name), 'device', 'device', d.start, d.end, d.name, [d.kind], {
        kind: d.kind.toUpperCase(),
        node: String(d.nid),
        zone: d.zone ?? (d.kind === 'dimm' ? 'normal' : 'movable'),
      });
    },
  });

  const built = layers.map(layerOf);
  const byTrack = new Map<TrackId, MapLayer[]>();
  for (const l of built) {
    const list = byTrack.get(l.track) ?? [];
    list.push(l);
    byTrack.set(l.track, list);
  }
  const tracks: MapIndex['tracks'] = [];
  let top = SZ_4G;
  for (const id of TRACK_ORDER) {
    const ls = byTrack.get(id) ?? [];
    const total = ls.reduce((s, l) => s + l.n, 0);
    // Always draw the rows that describe the kernel's result; optional ones only when present.
    if (total === 0 && (id === 'mem-block' || id === 'device')) continue;
    for (const l of ls) if (l.n > 0) top = Math.max(top, l.maxEnd[l.n - 1]);
    tracks.push({ id, label: TRACK_LABELS[id], layers: ls });
  }
  const counts = {} as Record<ShapeKind, number>;
  for (const k of KIND_ORDER) counts[k] = 0;
  for (const t of tracks) for (const l of t.layers) counts[l.kind] += l.n;
  top = alignUp(top, SZ_1G);

  const occupied = occupiedRanges(input);
  const kindOfPrefix: Record<string, ShapeKind> = {
    node: 'numa-node',
    memblock: 'memblock',
    tdxmem: 'tdx-memory',
    cmr: 'cmr',
    tdmr: 'tdmr',
    rsvd: 'reserved-area',
    need: 'needed-area',
    pamt: 'pamt',
    mem: 'mem-block',
    dev: 'device',
  };
  const layerOfKind = new Map(built.map((l) => [l.kind, l]));
  const index: MapIndex = {
    hostName: host.name,
    variant: plan.variant,
    ok: plan.ok,
    top,
    gaps: collapsibleGaps(occupied, top),
    counts,
    tracks,
    locate(id) {
      const kind = kindOfPrefix[id.slice(0, Math.max(0, id.indexOf('-')))];
      const layer = kind ? layerOfKind.get(kind) : undefined;
      if (!layer || layer.n === 0) return null;
      const i = layer.find(id);
      return i < 0 ? null : { layer, index: i };
    },
  };
  const failedTdmr = plan.ok ? input.rejectedTdmr?.index : plan.failedTdmr;
  if (failedTdmr !== undefined) index.failedTdmr = failedTdmr;
  if (input.facts) index.facts = input.facts;
  if (need && needTdmr) index.reservedNeed = { tdmr: need.tdmr, needed: need.areas.length, limit };
  return index;
}

/** Sorted union of what holds something (memory, CMRs, devices): what compress-holes keeps. */
export function occupiedRanges(input: MapInput): Array<[number, number]> {
  const { host } = input;
  const ranges: Array<[number, number]> = [];
  const push = (a: number, b: number) => {
    const last = ranges[ranges.length - 1];
    if (last && a >= last[0] && a <= last[1]) last[1] = Math.max(last[1], b);
    else ranges.push([a, b]);
  };
  // memblock arrives sorted: merging it first keeps the list short (one entry per contiguous run).
  for (const r of host.memblock) push(r.start, r.end);
  for (const c of host.cmrs) ranges.push([c.base, c.base + c.size]);
  for (const d of host.devices ?? []) ranges.push([d.start, d.end]);
  return mergeRanges(ranges);
}

/** Sorted union of ranges. */
export function mergeRanges(ranges: Array<[number, number]>): Array<[number, number]> {
  const sorted = ranges.filter(([a, b]) => b > a).sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  const out: Array<[number, number]> = [];
  for (const [a, b] of sorted) {
    const last = out[out.length - 1];
    if (last && a <= last[1]) last[1] = Math.max(last[1], b);
    else out.push([a, b]);
  }
  return out;
}

/** Index of the first shape of a layer that may reach past addr (running max end > addr). */
export function layerFirstReaching(layer: MapLayer, addr: number): number {
  let lo = 0;
  let hi = layer.n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (layer.maxEnd[mid] > addr) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** Index of the first shape of a layer starting at or after addr. */
export function layerFirstStartingAt(layer: MapLayer, addr: number, from = 0): number {
  let lo = from;
  let hi = layer.n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (layer.start[mid] >= addr) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
