/**
 * The level of detail of a big host (Perfetto's way): for one address
 * window at one pixel resolution, every shape at least a pixel wide as
 * itself, and each run of thinner ones as one density bar (a MapShape with
 * `agg`: how many, and how many bytes they cover). The answer is bounded by
 * the pixels, not by the host: a 1,000,000-region window is a few thousand
 * shapes. The Node side cuts windows from the columns (layers.ts) and the
 * renderer draws them with drawMap like any model; mergeWindow lays a
 * detailed window over the coarse overview of the whole space.
 */
import { hex, humanSize } from '../../engine/format/hex.js';
import { layerFirstReaching, layerFirstStartingAt, type MapIndex, type MapLayer } from './layers.js';
import { modelShell, shapeOrder } from './model.js';
import { makeAddressScale, type AddressScale } from './scale.js';
import type { MapModel, MapShape, ShapeKind } from './types.js';

export interface WindowRequest {
  /** Address window [start, end). */
  domain: [number, number];
  /** Pixels across the window (on the compressed layout when compressHoles is set). */
  pixels: number;
  compressHoles: boolean;
}

/** At most this many pixels per window: a window answer stays a few MB whatever is asked. */
export const MAX_WINDOW_PIXELS = 16384;
/** The overview of a big host: the whole space at this resolution (the first draw and the minimap). */
export const OVERVIEW_PIXELS = 2048;

const KIND_NAMES: Record<ShapeKind, [string, string]> = {
  'numa-node': ['node run', 'node runs'],
  memblock: ['memblock region', 'memblock regions'],
  'tdx-memory': ['TDX memory region', 'TDX memory regions'],
  cmr: ['CMR', 'CMRs'],
  tdmr: ['TDMR', 'TDMRs'],
  'reserved-area': ['reserved area', 'reserved areas'],
  'needed-area': ['needed area', 'needed areas'],
  pamt: ['PAMT', 'PAMTs'],
  'mem-block': ['memory block run', 'memory block runs'],
  device: ['device', 'devices'],
};

/** "12,345 memblock regions": what a density bar stands for. */
export function aggregateLabel(kind: ShapeKind, count: number): string {
  return `${count.toLocaleString('en-US')} ${KIND_NAMES[kind][count === 1 ? 0 : 1]}`;
}

/** A density bar for shapes [i0, i1) of a layer. */
function aggregateShape(l: MapLayer, i0: number, i1: number, end: number, worst: number): MapShape {
  const first = l.shape(i0);
  const start = l.start[i0];
  const count = i1 - i0;
  const covered = l.cum[i1] - l.cum[i0];
  const classes = l.aggClass ? [l.aggClass(worst)] : [];
  return aggregateOf(l.kind, first.track, start, end, count, covered, first.id, classes);
}

export function aggregateOf(
  kind: ShapeKind,
  track: MapShape['track'],
  start: number,
  end: number,
  count: number,
  covered: number,
  firstId: string,
  classes: string[],
): MapShape {
  const span = Math.max(1, end - start);
  return {
    id: `agg:${firstId}`,
    kind,
    track,
    start,
    end,
    label: aggregateLabel(kind, count),
    classes,
    details: {
      range: `[${hex(start)}, ${hex(end)})`,
      size: humanSize(end - start),
      shapes: count.toLocaleString('en-US'),
      covered: `${humanSize(covered)} (${((100 * Math.min(covered, span)) / span).toFixed(1)} %)`,
    },
    agg: { count, covered, firstId },
  };
}

/** The window of one layer: shapes a pixel wide or more, density bars for the rest. */
function windowLayer(l: MapLayer, scale: AddressScale, out: MapShape[]): void {
  const [d0, d1] = scale.domain;
  let agg: { i0: number; i1: number; x1: number; end: number; worst: number } | null = null;
  const flush = () => {
    if (!agg) return;
    // A lone thin shape is still itself (drawMap draws it a pixel wide).
    if (agg.i1 - agg.i0 === 1) out.push(l.shape(agg.i0));
    else out.push(aggregateShape(l, agg.i0, agg.i1, agg.end, agg.worst));
    agg = null;
  };
  let i = layerFirstReaching(l, d0);
  while (i < l.n && l.start[i] < d1) {
    const s = l.start[i];
    const e = l.end[i];
    if (e <= d0) {
      i++;
      continue;
    }
    const x0 = scale.x(s);
    const x1 = scale.x(e);
    if (x1 - x0 >= 1) {
      flush();
      out.push(l.shape(i));
      i++;
      continue;
    }
    if (agg && x0 - agg.x1 < 1) {
      agg.i1 = i + 1;
      agg.x1 = Math.max(agg.x1, x1);
      agg.end = Math.max(agg.end, e);
      if (l.rank && l.rank(i) > l.rank(agg.worst)) agg.worst = i;
    } else {
      flush();
      agg = { i0: i, i1: i + 1, x1, end: e, worst: i };
    }
    // Disjoint layers skip what starts within the next pixel: all of it is thinner
    // than a pixel and joins the bar, so a window costs O(pixels · log n), not O(n).
    if (l.disjoint && !l.rank) {
      const k = layerFirstStartingAt(l, scale.invert(agg.x1 + 1), i + 1);
      if (k - 1 > i + 1) {
        agg.i1 = k - 1;
        agg.end = Math.max(agg.end, l.end[k - 2]);
        agg.x1 = Math.max(agg.x1, scale.x(l.end[k - 2]));
        i = k - 1;
        continue;
      }
    }
    i++;
  }
  flush();
}

/** The level-of-detail model of one window of an index (bounded by the pixels asked for). */
export function mapWindow(index: MapIndex, req: WindowRequest): MapModel {
  const pixels = Math.max(1, Math.min(MAX_WINDOW_PIXELS, Math.round(req.pixels)));
  const a = Math.max(0, Math.min(req.domain[0], index.top));
  const b = Math.max(a + 1, Math.min(req.domain[1], index.top));
  const scale = makeAddressScale({
    top: index.top,
    gaps: index.gaps,
    compressHoles: req.compressHoles,
    range: [0, pixels],
  }).withDomain([a, b]);
  const tracks = index.tracks.map((t) => {
    const shapes: MapShape[] = [];
    for (const l of t.layers) windowLayer(l, scale, shapes);
    shapes.sort(shapeOrder);
    return { id: t.id, label: t.label, shapes };
  });
  return { ...modelShell(index, tracks), window: { domain: [a, b], pixels } };
}

/**
 * The overview with a detailed window laid over it: the overview's shapes
 * outside the window, the window's inside. Both come from the same index,
 * so ids and facts agree; counts stay the index's exact ones.
 */
export function mergeWindow(overview: MapModel, win: MapModel): MapModel {
  if (!win.window) return win;
  const [w0, w1] = win.window.domain;
  const tracks = overview.tracks.map((t) => {
    const detail = win.tracks.find((x) => x.id === t.id)?.shapes ?? [];
    const outside = t.shapes.filter((s) => s.end <= w0 || s.start >= w1);
    return { id: t.id, label: t.label, shapes: [...outside, ...detail].sort(shapeOrder) };
  });
  return { ...overview, tracks, window: win.window };
}
