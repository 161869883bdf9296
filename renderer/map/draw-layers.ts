/**
 * The level of detail drawMap applies to a model it holds: each track's
 * shapes split by kind into layers, only the visible window visited (binary
 * search), and runs of adjacent sub-pixel shapes (or density bars a window
 * answer already merged) drawn as one `lod-aggregate` rect. So the element
 * count is bounded by the pixel width, not by the model size.
 */
import type { MapShape, ShapeKind, TrackId } from './types.js';
import { firstReaching } from './model.js';
import type { AddressScale } from './scale.js';

/** Shapes of one kind on one track, in start order (cached per model). */
export interface Layer {
  kind: ShapeKind;
  shapes: MapShape[];
}

/** The layers of each track, bottom to top; present even when empty so counts (0) are always readable. */
const TRACK_KINDS: Record<TrackId, ShapeKind[]> = {
  numa: ['numa-node'],
  memblock: ['memblock'],
  'tdx-memory': ['tdx-memory'],
  cmr: ['cmr'],
  tdmr: ['tdmr', 'reserved-area', 'needed-area'],
  pamt: ['pamt'],
  'mem-block': ['mem-block'],
  device: ['device'],
};

const layerCache = new WeakMap<MapShape[], Layer[]>();
export function layersOf(track: { id: TrackId; shapes: MapShape[] }): Layer[] {
  let layers = layerCache.get(track.shapes);
  if (!layers) {
    const byKind = new Map<ShapeKind, MapShape[]>(TRACK_KINDS[track.id].map((k) => [k, []]));
    for (const s of track.shapes) {
      let l = byKind.get(s.kind);
      if (!l) byKind.set(s.kind, (l = []));
      l.push(s);
    }
    layers = [...byKind.entries()].map(([kind, list]) => ({ kind, shapes: list }));
    layerCache.set(track.shapes, layers);
  }
  return layers;
}

/** One thing to draw: a real shape, or an aggregate of `count` sub-pixel shapes. */
export interface Item {
  x0: number;
  x1: number;
  shape?: MapShape;
  /** `worst`: the member whose state the aggregate shows (memory blocks: refused over offline over online). */
  agg?: { start: number; end: number; count: number; covered: number; firstId: string; worst: MapShape };
}

const MEM_BLOCK_STATE_RANK: Record<string, number> = { refused: 3, offline: 2, online: 1 };

/** An aggregate of memory blocks takes the most alarming state among them, so refused blocks never vanish at low zoom. */
function stateRank(s: MapShape): number {
  return s.kind === 'mem-block' ? (MEM_BLOCK_STATE_RANK[s.classes[0]] ?? 0) : 0;
}

const countOf = (s: MapShape) => s.agg?.count ?? 1;
const coveredOf = (s: MapShape) => s.agg?.covered ?? s.end - s.start;
const firstIdOf = (s: MapShape) => s.agg?.firstId ?? s.id;

/** The level-of-detail pass over the visible part of one layer. */
export function layoutLayer(layer: Layer, scale: AddressScale, xmin: number, xmax: number, full: boolean): Item[] {
  const [d0, d1] = scale.domain;
  const list = layer.shapes;
  const items: Item[] = [];
  let agg: Item | undefined;
  const flush = () => {
    if (!agg) return;
    const a = agg.agg!;
    // A lone sub-pixel shape is still drawn as itself, one pixel wide.
    if (a.count === 1 && !a.worst.agg) items.push({ x0: agg.x0, x1: Math.max(agg.x1, agg.x0 + 1), shape: a.worst });
    else items.push({ ...agg, x1: Math.max(agg.x1, agg.x0 + 1) });
    agg = undefined;
  };
  for (let i = firstReaching(list, d0); i < list.length && list[i].start < d1; i++) {
    const s = list[i];
    if (s.end <= d0) continue;
    const x0 = Math.max(scale.x(s.start), xmin - 2);
    const x1 = Math.min(scale.x(s.end), xmax + 2);
    if (full || x1 - x0 >= 1) {
      flush();
      if (s.agg) {
        const a = { start: s.start, end: s.end, count: s.agg.count, covered: s.agg.covered, firstId: s.agg.firstId };
        items.push({ x0, x1: Math.max(x1, x0 + 1), agg: { ...a, worst: s } });
      } else items.push({ x0, x1: Math.max(x1, x0 + 1), shape: s });
      continue;
    }
    if (agg && x0 - agg.x1 < 1) {
      const a = agg.agg!;
      agg.x1 = Math.max(agg.x1, x1);
      a.end = Math.max(a.end, s.end);
      a.count += countOf(s);
      a.covered += coveredOf(s);
      if (stateRank(s) > stateRank(a.worst)) a.worst = s;
    } else {
      flush();
      agg = {
        x0,
        x1,
        agg: { start: s.start, end: s.end, count: countOf(s), covered: coveredOf(s), firstId: firstIdOf(s), worst: s },
      };
    }
  }
  flush();
  return items;
}
