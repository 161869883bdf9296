/**
 * drawMap: renders a MapModel into an <svg> with d3. Works on any DOM that
 * implements createElementNS (browsers, linkedom): static drawing touches
 * only the given element's ownerDocument; interactivity (d3-zoom, brush,
 * keys, pointer) is attached only when options.interactive is set.
 *
 * Level of detail: each track is a set of layers (one per shape kind),
 * sorted by start; only the visible window is visited (binary search), and
 * runs of adjacent sub-pixel shapes become one `lod-aggregate` rect. So the
 * element count is bounded by the pixel width, not by the model size.
 */
import * as d3 from 'd3';
import type { DrawOptions, MapHandle, MapModel, MapShape, ShapeKind, TrackId } from './types.js';
import { firstReaching, findShapesAt } from './model.js';
import { addressTicks, makeAddressScale, type AddressScale } from './scale.js';
import { LEGEND_ENTRIES, mapStylesheet, swatchClasses } from './style.js';
import { hex, humanSize } from '../../engine/format/hex.js';

type Sel<E extends Element> = d3.Selection<E, unknown, null, undefined>;

const ROOT_CLASS = 'tdx-map';
const LABEL_W = 104;
const MARGIN = { top: 8, right: 16 };
const TRACK_GAP = 5;
const AXIS_H = 40;
const MINIMAP_H = 22;
const LEGEND_ROW = 18;
const TRACK_WEIGHT: Record<TrackId, number> = {
  numa: 1,
  memblock: 1,
  'tdx-memory': 1,
  cmr: 1,
  tdmr: 1.7,
  pamt: 1,
  'mem-block': 1,
  device: 1,
};

/** Stable number text: 2 decimals at most, no `-0`, so output is byte-identical. */
export function fmt(n: number): string {
  const r = Math.round(n * 100) / 100;
  return String(r === 0 ? 0 : r);
}

/** Shapes of one kind on one track, in start order (cached per model). */
interface Layer {
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
function layersOf(track: { id: TrackId; shapes: MapShape[] }): Layer[] {
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
interface Item {
  x0: number;
  x1: number;
  shape?: MapShape;
  /** `worst`: the member whose state the aggregate shows (memory blocks: refused over offline over online). */
  agg?: { start: number; end: number; count: number; first: MapShape; worst: MapShape };
}

const MEM_BLOCK_STATE_RANK: Record<string, number> = { refused: 3, offline: 2, online: 1 };

/** An aggregate of memory blocks takes the most alarming state among them, so refused blocks never vanish at low zoom. */
function stateRank(s: MapShape): number {
  return s.kind === 'mem-block' ? (MEM_BLOCK_STATE_RANK[s.classes[0]] ?? 0) : 0;
}

/** The level-of-detail pass over the visible part of one layer. */
function layoutLayer(layer: Layer, scale: AddressScale, xmin: number, xmax: number, full: boolean): Item[] {
  const [d0, d1] = scale.domain;
  const list = layer.shapes;
  const items: Item[] = [];
  let agg: Item | undefined;
  const flush = () => {
    if (!agg) return;
    // A lone sub-pixel shape is still drawn as itself, one pixel wide.
    if (agg.agg!.count === 1) items.push({ x0: agg.x0, x1: Math.max(agg.x1, agg.x0 + 1), shape: agg.agg!.first });
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
      items.push({ x0, x1: Math.max(x1, x0 + 1), shape: s });
      continue;
    }
    if (agg && x0 - agg.x1 < 1) {
      agg.x1 = Math.max(agg.x1, x1);
      agg.agg!.end = Math.max(agg.agg!.end, s.end);
      agg.agg!.count++;
      if (stateRank(s) > stateRank(agg.agg!.worst)) agg.agg!.worst = s;
    } else {
      flush();
      agg = { x0, x1, agg: { start: s.start, end: s.end, count: 1, first: s, worst: s } };
    }
  }
  flush();
  return items;
}

interface Layout {
  x0: number;
  x1: number;
  tracks: Array<{ id: TrackId; label: string; y: number; h: number }>;
  plotTop: number;
  plotBottom: number;
  axisY: number;
  minimapY: number;
  legendY: number;
}

function computeLayout(model: MapModel, o: DrawOptions, legendRows: number): Layout {
  const x0 = LABEL_W;
  const x1 = Math.max(x0 + 50, o.width - MARGIN.right);
  const fixed =
    MARGIN.top +
    AXIS_H +
    (o.minimap !== false ? MINIMAP_H + 12 : 0) +
    (o.legend !== false ? legendRows * LEGEND_ROW + 8 : 0);
  const weights = model.tracks.reduce((s, t) => s + TRACK_WEIGHT[t.id], 0);
  const gaps = TRACK_GAP * Math.max(0, model.tracks.length - 1);
  const unit = Math.max(12, Math.min(48, (o.height - fixed - gaps) / Math.max(1, weights)));
  let y = MARGIN.top;
  const tracks = model.tracks.map((t) => {
    const h = Math.round(unit * TRACK_WEIGHT[t.id]);
    const r = { id: t.id, label: t.label, y, h };
    y += h + TRACK_GAP;
    return r;
  });
  const plotBottom = y - TRACK_GAP;
  const axisY = plotBottom + 2;
  const minimapY = axisY + AXIS_H;
  const legendY = minimapY + (o.minimap !== false ? MINIMAP_H + 12 : 0);
  return { x0, x1, tracks, plotTop: MARGIN.top, plotBottom, axisY, minimapY, legendY };
}

function legendEntries(model: MapModel) {
  // Optional entries: shown when a shape of that kind (with that class, if given) exists.
  const present = new Set<string>();
  for (const t of model.tracks) {
    if (t.id !== 'mem-block' && t.id !== 'device') continue;
    for (const s of t.shapes) for (const c of s.classes) present.add(`${s.kind} ${c}`);
  }
  return LEGEND_ENTRIES.filter(
    (e) => !e.kind || (e.cls ? present.has(`${e.kind} ${e.cls}`) : model.counts[e.kind] > 0),
  ).filter((e) => e.classes !== 'tdmr failed' || model.failedTdmr !== undefined);
}

function legendPositions(model: MapModel, width: number) {
  const out: Array<{ classes: string; label: string; x: number; row: number }> = [];
  let x = LABEL_W;
  let row = 0;
  for (const e of legendEntries(model)) {
    const w = 22 + e.label.length * 6 + 14;
    if (x + w > width - MARGIN.right && x > LABEL_W) {
      row++;
      x = LABEL_W;
    }
    out.push({ classes: e.classes, label: e.label, x, row });
    x += w;
  }
  return { entries: out, rows: out.length ? row + 1 : 0 };
}

function shapeTitle(s: MapShape): string {
  return [s.label, ...Object.entries(s.details).map(([k, v]) => `${k}: ${v}`)].join('\n');
}

/** The Outcome's verdict in brief as data-* on the root: every face's map states the same facts. */
function stampFacts(svg: Sel<SVGSVGElement>, model: MapModel): void {
  const f = model.facts;
  if (!f) return;
  svg
    .attr('data-ok', String(f.ok))
    .attr('data-level', f.level)
    .attr('data-failed-tdmr', f.failedTdmr === null ? 'none' : String(f.failedTdmr))
    .attr('data-findings', f.findings.join(' '))
    .attr('data-pamt-kb', f.pamtKb === null ? 'none' : String(f.pamtKb))
    .attr('data-blocks', f.blocks);
}

export function drawMap(svgEl: SVGSVGElement, model0: MapModel, options: DrawOptions): MapHandle {
  let model = model0;
  const o = { ...options };
  const p = o.idPrefix ?? 'tdxmap';
  const svg = d3.select(svgEl) as unknown as Sel<SVGSVGElement>;
  let selectedId: string | null = o.selectedId ?? null;
  let highlightIds = new Set(o.highlightIds ?? []);
  let legend = legendPositions(model, o.width);
  let layout = computeLayout(model, o, legend.rows);
  const fullScale = () =>
    makeAddressScale({
      top: model.top,
      occupied: model.occupied,
      compressHoles: o.compressHoles !== false,
      range: [layout.x0, layout.x1],
    });
  let scale = fullScale().withDomain(clampDomain(o.domain ?? [0, model.top]));

  function clampDomain([a, b]: [number, number]): [number, number] {
    let s = Math.max(0, Math.min(a, b));
    let e = Math.min(model.top, Math.max(a, b));
    if (e - s < 4096) {
      const mid = Math.min(model.top - 2048, Math.max(2048, Math.round((s + e) / 2)));
      s = mid - 2048;
      e = mid + 2048;
    }
    return [Math.round(s), Math.round(e)];
  }

  svg.selectAll('*').remove();
  svg
    .attr('xmlns', 'http://www.w3.org/2000/svg')
    .attr('class', ROOT_CLASS)
    .attr('role', 'img')
    .attr('aria-label', `Physical memory map of ${model.hostName.replace(/[^\w .,:()+-]/g, '_')}`);
  stampFacts(svg, model);
  const style = svg.append('style');
  const defs = svg.append('defs');
  // Hatches: reserved areas (purple), areas needed beyond the limit (red, the other diagonal).
  for (const [id, colour, angle] of [
    [`${p}-hatch`, '#aa3377', 45],
    [`${p}-hatch-need`, '#cc3311', -45],
  ] as const) {
    defs
      .append('pattern')
      .attr('id', id)
      .attr('patternUnits', 'userSpaceOnUse')
      .attr('width', 6)
      .attr('height', 6)
      .attr('patternTransform', `rotate(${angle})`)
      .call((pat) => {
        pat.append('rect').attr('width', 6).attr('height', 6).attr('fill', '#ffffff').attr('fill-opacity', 0.75);
        pat
          .append('line')
          .attr('x1', 0)
          .attr('y1', 0)
          .attr('x2', 0)
          .attr('y2', 6)
          .attr('stroke', colour)
          .attr('stroke-width', 2.5);
      });
  }
  defs
    .append('pattern')
    .attr('id', `${p}-hatch-gap`)
    .attr('patternUnits', 'userSpaceOnUse')
    .attr('width', 4)
    .attr('height', 4)
    .call((pat) => pat.append('rect').attr('width', 2).attr('height', 2).attr('fill', '#d8d8d8'));
  const clip = defs.append('clipPath').attr('id', `${p}-clip`).append('rect');
  const labelsG = svg.append('g').attr('class', 'track-labels');
  const plotG = svg.append('g').attr('class', 'plot').attr('clip-path', `url(#${p}-clip)`);
  const axisG = svg.append('g').attr('class', 'axis');
  const minimapG = svg.append('g').attr('class', 'minimap');
  const legendG = svg.append('g').attr('class', 'legend');
  const overlay = svg.append('rect').attr('class', 'hover-overlay');

  function drawFrame() {
    const h = layout.legendY + legend.rows * LEGEND_ROW + (legend.rows ? 4 : 0);
    const height = Math.max(o.height, Math.ceil(h));
    svg.attr('width', o.width).attr('height', height).attr('viewBox', `0 0 ${o.width} ${height}`);
    style.text(mapStylesheet(ROOT_CLASS, `${p}-hatch`));
    clip
      .attr('x', layout.x0)
      .attr('y', 0)
      .attr('width', fmt(layout.x1 - layout.x0))
      .attr('height', fmt(layout.plotBottom + 1));
    labelsG.selectAll('*').remove();
    for (const t of layout.tracks) {
      labelsG
        .append('text')
        .attr('class', 'track-label')
        .attr('x', 6)
        .attr('y', fmt(t.y + t.h / 2 + 4))
        .text(t.label);
    }
    overlay
      .attr('x', layout.x0)
      .attr('y', layout.plotTop)
      .attr('width', fmt(layout.x1 - layout.x0))
      .attr('height', fmt(layout.plotBottom - layout.plotTop));
    drawLegend();
  }

  function drawLegend() {
    legendG.selectAll('*').remove();
    if (o.legend === false) return;
    for (const e of legend.entries) {
      const y = layout.legendY + e.row * LEGEND_ROW;
      legendG
        .append('rect')
        .attr('class', swatchClasses(e.classes))
        .attr('x', e.x)
        .attr('y', y)
        .attr('width', 16)
        .attr('height', 11);
      legendG
        .append('text')
        .attr('class', 'legend-label')
        .attr('x', e.x + 21)
        .attr('y', y + 9.5)
        .text(e.label);
    }
  }

  function drawPlot() {
    plotG.selectAll('*').remove();
    const [d0, d1] = scale.domain;
    // Compressed holes in view: a light band so nobody mistakes the squeezed gap for scale.
    const breaksG = plotG.append('g').attr('class', 'breaks');
    for (const [a, b] of scale.breakpoints.breaks) {
      if (b <= d0 || a >= d1) continue;
      const xa = Math.max(scale.x(a), layout.x0);
      const xb = Math.min(scale.x(b), layout.x1);
      if (xb - xa < 2) continue;
      breaksG
        .append('rect')
        .attr('class', 'hole-break')
        .attr('x', fmt(xa))
        .attr('y', layout.plotTop)
        .attr('width', fmt(xb - xa))
        .attr('height', fmt(layout.plotBottom - layout.plotTop))
        .append('title')
        .text(`empty ${humanSize(b - a)} [${hex(a)}, ${hex(b)}), drawn compressed`);
    }
    const ticks = addressTicks(scale);
    const gridG = plotG.append('g').attr('class', 'grid');
    for (const t of ticks) {
      gridG
        .append('line')
        .attr('class', 'tick-line')
        .attr('x1', fmt(t.x))
        .attr('x2', fmt(t.x))
        .attr('y1', layout.plotTop)
        .attr('y2', fmt(layout.plotBottom));
    }
    for (const lt of layout.tracks) {
      const track = model.tracks.find((t) => t.id === lt.id)!;
      const tg = plotG
        .append('g')
        .attr('class', `track track-${lt.id}`)
        .attr('data-track', lt.id)
        .attr('transform', `translate(0,${fmt(lt.y)})`);
      tg.append('rect')
        .attr('class', 'track-bg')
        .attr('x', layout.x0)
        .attr('y', 0)
        .attr('width', fmt(layout.x1 - layout.x0))
        .attr('height', lt.h);
      const labels: Array<{ x: number; y: number; text: string }> = [];
      for (const layer of layersOf(track)) {
        const items = layoutLayer(layer, scale, layout.x0, layout.x1, o.detail === 'full');
        // Reserved areas sit inside the TDMR row, slightly inset so the TDMR outline stays visible.
        const inset = layer.kind === 'reserved-area' || layer.kind === 'needed-area' ? Math.max(2, lt.h * 0.22) : 0;
        let drawn = 0;
        let aggregated = 0;
        const lg = tg
          .append('g')
          .attr('class', `layer layer-${layer.kind}`)
          .attr('data-kind', layer.kind)
          .attr('data-count', layer.shapes.length);
        for (const it of items) {
          const r = lg
            .append('rect')
            .attr('x', fmt(it.x0))
            .attr('y', fmt(inset))
            .attr('width', fmt(it.x1 - it.x0))
            .attr('height', fmt(lt.h - 2 * inset));
          if (it.shape) {
            const s = it.shape;
            const cls = [s.kind, ...s.classes];
            // A white outline would swallow a shape this thin.
            if (it.x1 - it.x0 < 3) cls.push('thin');
            if (s.id === selectedId) cls.push('selected');
            if (highlightIds.has(s.id)) cls.push('highlighted');
            r.attr('class', cls.join(' ')).attr('data-id', s.id);
            r.append('title').text(shapeTitle(s));
            drawn++;
            const w = it.x1 - it.x0;
            if (layer.kind !== 'reserved-area' && layer.kind !== 'needed-area' && w > s.label.length * 6 + 10) {
              labels.push({
                x: (Math.max(it.x0, layout.x0) + Math.min(it.x1, layout.x1)) / 2,
                y: lt.h / 2 + 3.5,
                text: s.label,
              });
            }
          } else {
            const a = it.agg!;
            const extra =
              a.first.kind === 'numa-node'
                ? ` ${a.first.classes[0]}`
                : a.first.kind === 'mem-block'
                  ? ` ${a.worst.classes[0]}`
                  : '';
            r.attr('class', `lod-aggregate agg-${layer.kind}${extra}${it.x1 - it.x0 < 3 ? ' thin' : ''}`)
              .attr('data-count', a.count)
              .attr('data-first-id', a.first.id)
              .append('title')
              .text(`${a.count} ${layer.kind} shapes [${hex(a.start)}, ${hex(a.end)}) (zoom in for detail)`);
            aggregated += a.count;
          }
        }
        lg.attr('data-drawn', drawn).attr('data-aggregated', aggregated);
      }
      const lab = tg.append('g').attr('class', 'labels');
      for (const l of labels)
        lab
          .append('text')
          .attr('class', 'shape-label')
          .attr('x', fmt(l.x))
          .attr('y', fmt(l.y))
          .attr('text-anchor', 'middle')
          .text(l.text);
    }
    drawAxis(ticks);
    drawMinimap();
  }

  function drawAxis(ticks: ReturnType<typeof addressTicks>) {
    axisG.selectAll('*').remove();
    const y = layout.axisY;
    axisG
      .append('line')
      .attr('class', 'axis-line')
      .attr('x1', layout.x0)
      .attr('x2', fmt(layout.x1))
      .attr('y1', y)
      .attr('y2', y);
    // Label boxes (monospace hex, ~6.2 px a character): the window ends first, then
    // the rest in order, dropping any label that would touch one already placed.
    const placed: Array<[number, number]> = [];
    const labelled = new Set<(typeof ticks)[number]>();
    const inView = ticks.filter((t) => t.x >= layout.x0 - 0.5 && t.x <= layout.x1 + 0.5);
    const ends = [inView[0], inView[inView.length - 1]].filter((t) => t);
    const anchorOf = (x: number) => (x - layout.x0 < 30 ? 'start' : layout.x1 - x < 30 ? 'end' : 'middle');
    for (const t of [...ends, ...inView]) {
      if (labelled.has(t)) continue;
      const w = t.hex.length * 6.2;
      const a = anchorOf(t.x);
      const box: [number, number] =
        a === 'start' ? [t.x, t.x + w] : a === 'end' ? [t.x - w, t.x] : [t.x - w / 2, t.x + w / 2];
      if (placed.some(([p0, p1]) => box[0] < p1 + 8 && p0 < box[1] + 8)) continue;
      placed.push(box);
      labelled.add(t);
    }
    for (const t of inView) {
      if (!labelled.has(t)) continue;
      // Keep the outermost labels inside the drawing.
      const anchor = anchorOf(t.x);
      const g = axisG
        .append('g')
        .attr('class', t.edge ? 'tick edge' : 'tick')
        .attr('data-addr', t.hex);
      g.append('line')
        .attr('class', 'tick-mark')
        .attr('x1', fmt(t.x))
        .attr('x2', fmt(t.x))
        .attr('y1', y)
        .attr('y2', y + 4);
      g.append('text')
        .attr('class', 'tick-hex')
        .attr('x', fmt(t.x))
        .attr('y', y + 15)
        .attr('text-anchor', anchor)
        .text(t.hex);
      g.append('text')
        .attr('class', 'tick-size')
        .attr('x', fmt(t.x))
        .attr('y', y + 27)
        .attr('text-anchor', anchor)
        .text(t.size);
    }
    for (const [a, b] of scale.breakpoints.breaks) {
      // Only the visible part of the hole, so the mark never lands outside the plot.
      const xa = Math.max(scale.x(a), layout.x0);
      const xb = Math.min(scale.x(b), layout.x1);
      if (xb - xa < 12) continue;
      const xm = (xa + xb) / 2;
      axisG
        .append('path')
        .attr('class', 'break-mark')
        .attr('d', `M${fmt(xm - 5)},${y + 4}L${fmt(xm - 1)},${y - 4}M${fmt(xm + 1)},${y + 4}L${fmt(xm + 5)},${y - 4}`);
    }
  }

  let brushBusy = false;
  function drawMinimap() {
    if (o.minimap === false) return;
    minimapG.selectChildren(':not(.brush)').remove();
    const y = layout.minimapY;
    const mini = fullScale();
    minimapG.attr('data-role', 'minimap');
    minimapG
      .append('rect')
      .attr('class', 'minimap-bg')
      .attr('x', layout.x0)
      .attr('y', y)
      .attr('width', fmt(layout.x1 - layout.x0))
      .attr('height', MINIMAP_H);
    const rows: Array<[TrackId, number, number]> = [
      ['numa', 2, 8],
      ['tdmr', 11, 9],
    ];
    for (const [id, dy, h] of rows) {
      const track = model.tracks.find((t) => t.id === id);
      if (!track) continue;
      for (const layer of layersOf(track)) {
        if (layer.kind === 'reserved-area' || layer.kind === 'needed-area') continue;
        for (const it of layoutLayer(layer, mini, layout.x0, layout.x1, false)) {
          const first = it.shape ?? it.agg!.first;
          const cls =
            first.kind === 'numa-node'
              ? `mini agg-numa-node ${first.classes[0]}`
              : first.classes.includes('failed')
                ? 'mini agg-tdmr mini-failed'
                : 'mini agg-tdmr';
          minimapG
            .append('rect')
            .attr('class', cls)
            .attr('x', fmt(it.x0))
            .attr('y', y + dy)
            .attr('width', fmt(it.x1 - it.x0))
            .attr('height', h);
        }
      }
    }
    const [d0, d1] = scale.domain;
    const wx0 = mini.x(d0);
    const wx1 = mini.x(d1);
    if (!o.interactive) {
      minimapG
        .append('rect')
        .attr('class', 'minimap-window')
        .attr('x', fmt(wx0))
        .attr('y', y)
        .attr('width', fmt(Math.max(2, wx1 - wx0)))
        .attr('height', MINIMAP_H);
    } else if (brush) {
      minimapG.select<SVGGElement>('g.brush').raise();
      brushBusy = true;
      minimapG.select<SVGGElement>('g.brush').call(brush.move, [wx0, Math.max(wx0 + 2, wx1)]);
      brushBusy = false;
    }
  }

  function render() {
    drawFrame();
    drawPlot();
  }

  // ---- interactivity (browser only) ----
  let zoom: d3.ZoomBehavior<SVGSVGElement, unknown> | undefined;
  let brush: d3.BrushBehavior<unknown> | undefined;
  let zoomBusy = false;

  // User gestures (wheel, drag, keys, brush) can fire faster than a redraw of a
  // huge model (~40 ms at 100,000 regions): coalesce them into one draw per frame.
  let frame: number | undefined;
  function scheduleDraw() {
    if (typeof requestAnimationFrame !== 'function') return drawPlot();
    if (frame !== undefined) return;
    frame = requestAnimationFrame(() => {
      frame = undefined;
      drawPlot();
    });
  }

  function applyDomain(d: [number, number], fromUser: boolean) {
    scale = fullScale().withDomain(clampDomain(d));
    if (fromUser) scheduleDraw();
    else {
      if (frame !== undefined) cancelAnimationFrame(frame);
      frame = undefined;
      drawPlot();
    }
    if (zoom && !fromUser) syncZoom();
    if (fromUser) o.onDomainChange?.(scale.domain);
  }

  function syncZoom() {
    if (!zoom) return;
    const W = layout.x1 - layout.x0;
    const u0 = scale.unit(scale.domain[0]);
    const u1 = scale.unit(scale.domain[1]);
    const k = 1 / (u1 - u0);
    const tx = layout.x0 - k * (layout.x0 + u0 * W);
    zoomBusy = true;
    svg.call(zoom.transform, d3.zoomIdentity.translate(tx, 0).scale(k));
    zoomBusy = false;
  }

  function domainFromTransform(t: d3.ZoomTransform): [number, number] {
    const W = layout.x1 - layout.x0;
    const base = fullScale();
    const u0 = (t.invertX(layout.x0) - layout.x0) / W;
    const u1 = (t.invertX(layout.x1) - layout.x0) / W;
    return [base.addrAtUnit(Math.max(0, u0)), base.addrAtUnit(Math.min(1, u1))];
  }

  function pointerAddr(ev: Event): { addr: number; track?: TrackId } {
    const [px, py] = d3.pointer(ev, svgEl);
    const addr = scale.invert(px);
    const t = layout.tracks.find((tr) => py >= tr.y && py < tr.y + tr.h);
    return { addr, track: t?.id };
  }

  function topShape(addr: number, track?: TrackId): MapShape | null {
    if (!track) return null;
    const hit = findShapesAt(model, addr).find((h) => h.track === track);
    if (!hit) return null;
    // The innermost (reserved area over TDMR): the last, shortest one.
    return [...hit.shapes].sort((a, b) => a.end - a.start - (b.end - b.start))[0];
  }

  function attachInteraction() {
    zoom = d3
      .zoom<SVGSVGElement, unknown>()
      .scaleExtent([1, 2 ** 44])
      .extent(() => [
        [layout.x0, 0],
        [layout.x1, layout.plotBottom],
      ])
      .translateExtent([
        [layout.x0, -Infinity],
        [layout.x1, Infinity],
      ])
      .filter((ev: Event) => !(ev.target as Element)?.closest?.('.minimap'))
      .on('zoom', (ev: d3.D3ZoomEvent<SVGSVGElement, unknown>) => {
        if (zoomBusy) return;
        applyDomain(domainFromTransform(ev.transform), true);
      });
    svg.call(zoom).on('dblclick.zoom', null);
    svg.attr('tabindex', 0).attr('focusable', 'true');
    svg.on('keydown.tdxmap', (ev: KeyboardEvent) => {
      const [d0, d1] = scale.domain;
      const u0 = scale.unit(d0);
      const u1 = scale.unit(d1);
      const span = u1 - u0;
      // New window in unit space: [start offset, end offset] relative to the current one.
      const moves: Record<string, [number, number]> = {
        '+': [span / 4, -span / 4],
        '=': [span / 4, -span / 4],
        '-': [-span / 2, span / 2],
        _: [-span / 2, span / 2],
        ArrowLeft: [-span / 10, -span / 10],
        ArrowRight: [span / 10, span / 10],
      };
      let n0: number;
      let n1: number;
      if (ev.key === 'Home' || ev.key === '0') [n0, n1] = [0, 1];
      else if (moves[ev.key]) [n0, n1] = [u0 + moves[ev.key][0], u1 + moves[ev.key][1]];
      else return;
      ev.preventDefault();
      const shift = n0 < 0 ? -n0 : n1 > 1 ? 1 - n1 : 0;
      n0 = Math.max(0, n0 + shift);
      n1 = Math.min(1, n1 + shift);
      applyDomain([scale.addrAtUnit(n0), scale.addrAtUnit(n1)], true);
      syncZoom();
    });
    overlay
      .on('pointermove.tdxmap', (ev: PointerEvent) => {
        const { addr, track } = pointerAddr(ev);
        o.onHover?.(topShape(addr, track), addr);
      })
      .on('pointerleave.tdxmap', () => o.onHover?.(null, null))
      .on('click.tdxmap', (ev: MouseEvent) => {
        const { addr, track } = pointerAddr(ev);
        const s = topShape(addr, track);
        handle.select(s?.id ?? null);
        o.onSelect?.(s);
      });
    if (o.minimap !== false) {
      brush = d3
        .brushX<unknown>()
        .extent([
          [layout.x0, layout.minimapY],
          [layout.x1, layout.minimapY + MINIMAP_H],
        ])
        .on('brush end', (ev: d3.D3BrushEvent<unknown>) => {
          if (brushBusy || !ev.sourceEvent || !ev.selection) return;
          const [a, b] = ev.selection as [number, number];
          const mini = fullScale();
          applyDomain([mini.invert(a), mini.invert(b)], true);
          syncZoom();
        });
      minimapG
        .append('g')
        .attr('class', 'brush')
        .call(brush as unknown as (g: Sel<SVGGElement>) => void);
    }
  }

  render();
  if (o.interactive) {
    attachInteraction();
    syncZoom();
    drawMinimap();
  }

  const handle: MapHandle = {
    setDomain(d) {
      applyDomain(d, false);
    },
    getDomain() {
      return [scale.domain[0], scale.domain[1]];
    },
    select(id) {
      selectedId = id;
      plotG.selectAll<SVGRectElement, unknown>('rect[data-id]').classed('selected', function () {
        return this.getAttribute('data-id') === id;
      });
    },
    highlight(ids) {
      highlightIds = new Set(ids);
      plotG.selectAll<SVGRectElement, unknown>('rect[data-id]').classed('highlighted', function () {
        return highlightIds.has(this.getAttribute('data-id') ?? '');
      });
    },
    update(next) {
      model = next;
      stampFacts(svg, model);
      legend = legendPositions(model, o.width);
      layout = computeLayout(model, o, legend.rows);
      scale = fullScale().withDomain(clampDomain(scale.domain));
      render();
      if (zoom) syncZoom();
    },
    shapesAt(addr) {
      return findShapesAt(model, addr);
    },
    destroy() {
      if (frame !== undefined) cancelAnimationFrame(frame);
      frame = undefined;
      svg.on('.zoom', null).on('keydown.tdxmap', null);
      overlay.on('.tdxmap', null);
      svg.selectAll('*').remove();
    },
  };
  return handle;
}
