/**
 * buildMapModel: from a host, its plan and (optionally) memory-block states
 * to the tracks of the map, every shape made. Pure: no DOM, no I/O; the same
 * input gives the same model, so the drawing is deterministic too. The
 * shapes' facts come from the one set of makers in layers.ts (the columns a
 * big host's windows are cut from).
 */
import { buildMapIndex, KIND_ORDER, type MapIndex } from './layers.js';
import type { MapInput, MapModel, MapShape, MapTrack, ShapesAtResult } from './types.js';

export { TRACK_LABELS, mergeRanges } from './layers.js';

const kindRank = new Map(KIND_ORDER.map((k, i) => [k, i]));

export function shapeOrder(a: MapShape, b: MapShape): number {
  return a.start - b.start || a.end - b.end || kindRank.get(a.kind)! - kindRank.get(b.kind)!;
}

/** Every shape of an index, as the MapModel drawMap and reports take. */
export function materialize(index: MapIndex): MapModel {
  const tracks: MapTrack[] = index.tracks.map((t) => {
    const shapes: MapShape[] = [];
    for (const l of t.layers) for (let i = 0; i < l.n; i++) shapes.push(l.shape(i));
    // Most tracks hold one layer already in order: check in O(n) before paying for a sort.
    let sorted = true;
    for (let i = 1; i < shapes.length && sorted; i++) sorted = shapeOrder(shapes[i - 1], shapes[i]) <= 0;
    if (!sorted) shapes.sort(shapeOrder);
    return { id: t.id, label: t.label, shapes };
  });
  return modelShell(index, tracks);
}

/** The model's fields other than its tracks, from an index. */
export function modelShell(index: MapIndex, tracks: MapTrack[]): MapModel {
  const m: MapModel = {
    hostName: index.hostName,
    variant: index.variant,
    ok: index.ok,
    top: index.top,
    tracks,
    gaps: index.gaps,
    counts: index.counts,
  };
  if (index.failedTdmr !== undefined) m.failedTdmr = index.failedTdmr;
  if (index.facts) m.facts = index.facts;
  if (index.reservedNeed) m.reservedNeed = index.reservedNeed;
  return m;
}

export function buildMapModel(input: MapInput): MapModel {
  return materialize(buildMapIndex(input));
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
