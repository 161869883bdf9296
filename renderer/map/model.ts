/**
 * buildMapModel: from a host, its plan and (optionally) memory-block states
 * to the tracks of the map. Pure: no DOM, no I/O; the same input gives the
 * same model, so the drawing is deterministic too.
 */
import { hex, humanSize, SZ_1G, SZ_4G, alignUp } from '../../engine/format/hex.js';
import { pamtTotal } from '../../engine/kernel/pamt.js';
import type { Tdmr } from '../../engine/kernel/construct.js';
import { ref } from '../../engine/outcome/refs.js';
import type { MapInput, MapModel, MapShape, MapTrack, ShapeKind, ShapesAtResult, TrackId } from './types.js';

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

const KIND_ORDER: ShapeKind[] = [
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

function rangeDetails(start: number, end: number): Record<string, string> {
  return { range: rangeText(start, end), size: humanSize(end - start) };
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
  const details = rangeDetails(start, end);
  if (extra) for (const k in extra) details[k] = extra[k];
  return { id, kind, track, start, end, label, classes, details };
}

export function buildMapModel(input: MapInput): MapModel {
  const { host, plan } = input;
  const tracks: Record<TrackId, MapShape[]> = {
    numa: [],
    memblock: [],
    'tdx-memory': [],
    cmr: [],
    tdmr: [],
    pamt: [],
    'mem-block': [],
    device: [],
  };

  // NUMA nodes: runs of consecutive memblock regions on one node.
  const runsPerNode = new Map<number, number>();
  const mb = host.memblock;
  for (let i = 0; i < mb.length;) {
    let j = i;
    while (j + 1 < mb.length && mb[j + 1].nid === mb[i].nid) j++;
    const nid = mb[i].nid;
    const k = runsPerNode.get(nid) ?? 0;
    runsPerNode.set(nid, k + 1);
    const id = ref.node(nid, k);
    tracks.numa.push(
      shape(id, 'numa-node', 'numa', mb[i].start, mb[j].end, `node ${nid}`, [`nid-${nid % 8}`], {
        node: String(nid),
        regions: String(j - i + 1),
      }),
    );
    i = j + 1;
  }

  for (let i = 0; i < mb.length; i++) {
    const r = mb[i];
    const extra: Record<string, string> = { node: String(r.nid) };
    if (r.zone) extra.zone = r.zone;
    tracks.memblock.push(
      shape(
        ref.memblock(i),
        'memblock',
        'memblock',
        r.start,
        r.end,
        `memblock ${i}`,
        r.zone ? MOVABLE : NO_CLASSES,
        extra,
      ),
    );
  }

  plan.memlist.forEach((m, i) => {
    tracks['tdx-memory'].push(
      shape(ref.tdxMemory(i), 'tdx-memory', 'tdx-memory', m.start, m.end, 'TDX memory', NO_CLASSES, {
        node: String(m.nid),
      }),
    );
  });

  host.cmrs.forEach((c, i) => {
    tracks.cmr.push(shape(ref.cmr(i), 'cmr', 'cmr', c.base, c.base + c.size, `CMR ${i}`));
  });

  plan.tdmrs.forEach((t, i) => {
    const rejected = input.rejectedTdmr?.index === i;
    const failed = (!plan.ok && plan.failedTdmr === i) || rejected;
    const full: Tdmr | undefined = plan.ok ? plan.tdmrs[i] : undefined;
    const extra: Record<string, string> = {};
    if (full) {
      extra['reserved areas'] = `${full.reserved.length} of ${host.module.max_reserved_per_tdmr}`;
      extra['PAMT'] =
        `${rangeText(full.pamt.base, full.pamt.base + pamtTotal(full.pamt))} ${humanSize(pamtTotal(full.pamt))} on node ${full.pamtNid}`;
    }
    if (failed)
      extra.failed = !plan.ok
        ? `${plan.stage} stage (${plan.errno})`
        : `rejected by the module: ${input.rejectedTdmr!.reason}`;
    tracks.tdmr.push(
      shape(ref.tdmr(i), 'tdmr', 'tdmr', t.base, t.base + t.size, `TDMR ${i}`, failed ? ['failed'] : NO_CLASSES, extra),
    );
    if (!full) return;
    full.reserved.forEach((r, j) => {
      const start = t.base + r.offset;
      const why = r.kind === 'pamt' ? `PAMT of TDMR ${r.pamtOf}` : 'hole (not TDX memory)';
      tracks.tdmr.push(
        shape(ref.reserved(i, j), 'reserved-area', 'tdmr', start, start + r.size, `rsvd ${j}`, [`rsvd-${r.kind}`], {
          tdmr: String(i),
          kind: why,
          offset: hex(r.offset),
        }),
      );
    });
    let at = full.pamt.base;
    for (const [pg, size] of [
      ['4k', full.pamt.size4k],
      ['2m', full.pamt.size2m],
      ['1g', full.pamt.size1g],
    ] as const) {
      if (size > 0) {
        tracks.pamt.push(
          shape(ref.pamt(i, pg), 'pamt', 'pamt', at, at + size, `PAMT ${i} ${pg.toUpperCase()}`, [`pamt-${pg}`], {
            tdmr: String(i),
            'page size': pg.toUpperCase(),
            node: String(full.pamtNid),
          }),
        );
      }
      at += size;
    }
  });

  const need = input.neededReserved;
  const needTdmr = need ? plan.tdmrs[need.tdmr] : undefined;
  if (need && needTdmr) {
    need.areas.forEach((r, j) => {
      const start = needTdmr.base + r.offset;
      const over = j >= host.module.max_reserved_per_tdmr;
      tracks.tdmr.push(
        shape(
          ref.needed(need.tdmr, j),
          'needed-area',
          'tdmr',
          start,
          start + r.size,
          `need ${j}`,
          [`rsvd-${r.kind}`, ...(over ? ['over-limit'] : [])],
          {
            tdmr: String(need.tdmr),
            kind: r.kind === 'pamt' ? `PAMT of TDMR ${r.pamtOf}` : 'hole (not TDX memory)',
            'needed area': `${j + 1} of ${need.areas.length} needed, the module allows ${host.module.max_reserved_per_tdmr}`,
          },
        ),
      );
    });
  }

  const blockSize = host.platform?.memory_block_size ?? 128 * 1024 * 1024;
  (input.memoryBlocks ?? []).forEach((b, i) => {
    // A run of blocks, named as sysfs names them: memoryN (the first) to memoryM.
    const n = b.start % blockSize === 0 ? b.start / blockSize : i;
    const count = Math.max(1, Math.round((b.end - b.start) / blockSize));
    const label = count > 1 ? `memory${n}–memory${n + count - 1}` : `memory${n}`;
    const extra: Record<string, string> = { state: b.state, blocks: `${label} (${count.toLocaleString('en-US')})` };
    if (b.reason) extra.reason = b.reason;
    tracks['mem-block'].push(
      shape(ref.memoryBlocks(n), 'mem-block', 'mem-block', b.start, b.end, label, [b.state], extra),
    );
  });

  for (const d of host.devices ?? []) {
    tracks.device.push(
      shape(ref.device(d.name), 'device', 'device', d.start, d.end, d.name, [d.kind], {
        kind: d.kind.toUpperCase(),
        node: String(d.nid),
        zone: d.zone ?? (d.kind === 'dimm' ? 'normal' : 'movable'),
      }),
    );
  }

  const trackList: MapTrack[] = [];
  let top = SZ_4G;
  for (const id of Object.keys(tracks) as TrackId[]) {
    const shapes = tracks[id];
    // Always draw the rows that describe the kernel's result; optional ones only when present.
    if (shapes.length === 0 && (id === 'mem-block' || id === 'device')) continue;
    const order = (a: MapShape, b: MapShape) =>
      a.start - b.start || a.end - b.end || KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind);
    // Most tracks arrive sorted (memblock, memlist, TDMRs): check in O(n) before paying for a sort.
    let sorted = true;
    for (let i = 1; i < shapes.length && sorted; i++) sorted = order(shapes[i - 1], shapes[i]) <= 0;
    if (!sorted) shapes.sort(order);
    for (const s of shapes) top = Math.max(top, s.end);
    trackList.push({ id, label: TRACK_LABELS[id], shapes });
  }

  const counts = {} as Record<ShapeKind, number>;
  for (const k of KIND_ORDER) counts[k] = 0;
  for (const t of trackList) for (const s of t.shapes) counts[s.kind]++;

  return {
    hostName: host.name,
    variant: plan.variant,
    ok: plan.ok,
    top: alignUp(top, SZ_1G),
    tracks: trackList,
    occupied: mergeRanges([
      ...host.memblock.map((r) => [r.start, r.end] as [number, number]),
      ...host.cmrs.map((c) => [c.base, c.base + c.size] as [number, number]),
      ...(host.devices ?? []).map((d) => [d.start, d.end] as [number, number]),
    ]),
    counts,
    failedTdmr: plan.ok ? input.rejectedTdmr?.index : plan.failedTdmr,
    ...(input.facts && { facts: input.facts }),
  };
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

/** Per-track search index: running maximum of ends, so overlapping shapes are found by binary search too. */
const indexCache = new WeakMap<MapShape[], Float64Array>();

export function maxEndIndex(shapes: MapShape[]): Float64Array {
  let idx = indexCache.get(shapes);
  if (!idx) {
    idx = new Float64Array(shapes.length);
    let m = -Infinity;
    for (let i = 0; i < shapes.length; i++) idx[i] = m = Math.max(m, shapes[i].end);
    indexCache.set(shapes, idx);
  }
  return idx;
}

/** Index of the first shape that may reach past addr (running max end > addr). */
export function firstReaching(shapes: MapShape[], addr: number): number {
  const idx = maxEndIndex(shapes);
  let lo = 0;
  let hi = shapes.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (idx[mid] > addr) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** Shapes of one track overlapping [start, end), in order. */
export function shapesIn(shapes: MapShape[], start: number, end: number): MapShape[] {
  const out: MapShape[] = [];
  for (let i = firstReaching(shapes, start); i < shapes.length && shapes[i].start < end; i++) {
    if (shapes[i].end > start) out.push(shapes[i]);
  }
  return out;
}

export function findShapesAt(model: MapModel, addr: number): ShapesAtResult[] {
  const out: ShapesAtResult[] = [];
  for (const t of model.tracks) {
    const hits = shapesIn(t.shapes, addr, addr + 1);
    if (hits.length) out.push({ track: t.id, shapes: hits });
  }
  return out;
}
