/**
 * drawMap: renders a MapModel into an <svg> with d3. Works on any DOM that
 * implements createElementNS (browsers, linkedom): static drawing touches
 * only the given element's ownerDocument; interactivity (d3-zoom, brush,
 * keys, pointer, focus) is attached only when options.interactive is set.
 *
 * Level of detail (draw-layers.ts): only the visible window is visited and
 * runs of sub-pixel shapes become `lod-aggregate` rects, so the element
 * count is bounded by the pixel width. The ruler (draw-axis.ts) labels
 * collapsed gaps; the marks (draw-marks.ts) number the reserved areas a
 * failed TDMR needs and keep the selection visible at any zoom.
 */
import * as d3 from 'd3';
import type { DrawOptions, MapHandle, MapModel, MapShape, SelectedRange, TrackId } from './types.js';
import { findShapesAt } from './model.js';
import { addressTicks, makeAddressScale } from './scale.js';
import { LEGEND_ENTRIES, mapStylesheet, swatchClasses, labelInk } from './style.js';
import { hex, humanSize } from '../../engine/format/hex.js';
import { layersOf, layoutLayer } from './draw-layers.js';
import { drawAxis, drawBreaks, fmt } from './draw-axis.js';
import { drawCrosshair, drawMeasure, drawNeeded, drawSelection, measureText } from './draw-marks.js';

export { fmt };

type Sel<E extends Element> = d3.Selection<E, unknown, null, undefined>;

const ROOT_CLASS = 'tdx-map';
const LABEL_W = 104;
const MARGIN = { top: 10, right: 16 };
const TRACK_GAP = 5;
const AXIS_H = 44;
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

/** The shapes keyboard focus moves between on one track: real ones (density bars are zoomed into, not focused). */
function navigable(model: MapModel, track: TrackId): MapShape[] {
  return (model.tracks.find((t) => t.id === track)?.shapes ?? []).filter((s) => !s.agg);
}

export function drawMap(svgEl: SVGSVGElement, model0: MapModel, options: DrawOptions): MapHandle {
  let model = model0;
  const o = { ...options };
  const p = o.idPrefix ?? 'tdxmap';
  const svg = d3.select(svgEl) as unknown as Sel<SVGSVGElement>;
  let selectedId: string | null = o.selectedId ?? null;
  let selectedRange: SelectedRange | null = o.selectedRange ?? null;
  let highlightIds = new Set(o.highlightIds ?? []);
  let legend = legendPositions(model, o.width);
  let layout = computeLayout(model, o, legend.rows);
  const fullScale = () =>
    makeAddressScale({
      top: model.top,
      gaps: model.gaps,
      compressHoles: o.compressHoles !== false,
      range: [layout.x0, layout.x1],
    });
  let scale = fullScale().withDomain(clampDomain(o.domain ?? [0, model.top]));
  /** Roving focus: the shape that takes Tab into the map's shapes. */
  let activeId: string | null = selectedId;
  let pointer: { px: number; py: number } | null = null;
  let measure: [number, number] | null = null;
  let measuring = false;

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
    .attr('role', o.interactive ? 'application' : 'img')
    .attr('aria-roledescription', o.interactive ? 'memory map' : null)
    .attr('aria-label', `Physical memory map of ${model.hostName.replace(/[^\w .,:()+-]/g, '_')}`);
  stampFacts(svg, model);
  const style = svg.append('style');
  const defs = svg.append('defs');
  // Hatches: reserved areas (purple), areas needed beyond the limit (red, the other diagonal).
  for (const [id, colour, angle] of [
    [`${p}-hatch`, '#882255', 45],
    [`${p}-hatch-need`, '#b2182b', -45],
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
    .call((pat) => pat.append('rect').attr('width', 2).attr('height', 2).attr('fill', '#c8c8c8'));
  const clip = defs.append('clipPath').attr('id', `${p}-clip`).append('rect');
  const labelsG = svg.append('g').attr('class', 'track-labels');
  const plotG = svg.append('g').attr('class', 'plot').attr('clip-path', `url(#${p}-clip)`);
  const marksG = svg.append('g').attr('class', 'marks').attr('clip-path', `url(#${p}-clip)`);
  const axisG = svg.append('g').attr('class', 'axis');
  const minimapG = svg.append('g').attr('class', 'minimap');
  const legendG = svg.append('g').attr('class', 'legend');
  const overlay = svg.append('rect').attr('class', 'hover-overlay');
  const hudG = svg.append('g').attr('class', 'hud').attr('pointer-events', 'none');

  function drawFrame() {
    const h = layout.legendY + legend.rows * LEGEND_ROW + (legend.rows ? 4 : 0);
    const height = Math.max(o.height, Math.ceil(h));
    svg.attr('width', o.width).attr('height', height).attr('viewBox', `0 0 ${o.width} ${height}`);
    style.text(mapStylesheet(ROOT_CLASS, `${p}-hatch`));
    // The clip leaves room above the first track for the selection caret.
    clip
      .attr('x', layout.x0 - 3)
      .attr('y', 0)
      .attr('width', fmt(layout.x1 - layout.x0 + 6))
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

  function focusedShapeId(): string | null {
    const doc = svgEl.ownerDocument;
    const el = doc?.activeElement as Element | null | undefined;
    if (!el || el === svgEl || !svgEl.contains(el)) return null;
    return el.getAttribute('data-id');
  }

  function drawPlot() {
    const hadFocus = o.interactive ? focusedShapeId() : null;
    plotG.selectAll('*').remove();
    marksG.selectAll('*').remove();
    const frame = { ...layout };
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
    let firstFocusable: SVGRectElement | null = null;
    let activeDrawn = false;
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
      const labels: Array<{ x: number; y: number; text: string; ink: string }> = [];
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
          .attr('data-count', model.counts[layer.kind] ?? layer.shapes.length);
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
            if (o.interactive) {
              r.attr('tabindex', -1).attr('aria-label', `${s.label}: ${s.details.range}, ${s.details.size}`);
              if (s.id === activeId) activeDrawn = true;
              firstFocusable ??= r.node();
            }
            r.append('title').text(shapeTitle(s));
            drawn++;
            const w = it.x1 - it.x0;
            if (layer.kind !== 'reserved-area' && layer.kind !== 'needed-area' && w > s.label.length * 6 + 10) {
              labels.push({
                x: (Math.max(it.x0, layout.x0) + Math.min(it.x1, layout.x1)) / 2,
                y: lt.h / 2 + 3.5,
                text: s.label,
                ink: labelInk(s.kind, s.classes),
              });
            }
          } else {
            const a = it.agg!;
            const extra =
              a.worst.kind === 'numa-node' || a.worst.kind === 'mem-block' ? ` ${a.worst.classes[0] ?? ''}` : '';
            // A density bar: full colour where the shapes cover their span, fainter where they are sparse.
            const density = Math.min(1, a.covered / Math.max(1, a.end - a.start));
            r.attr('class', `lod-aggregate agg-${layer.kind}${extra}${it.x1 - it.x0 < 3 ? ' thin' : ''}`)
              .attr('data-count', a.count)
              .attr('data-first-id', a.firstId)
              .attr('data-density', fmt(density))
              .attr('fill-opacity', fmt(0.45 + 0.55 * density))
              .append('title')
              .text(
                `${a.count.toLocaleString('en-US')} ${layer.kind} shapes [${hex(a.start)}, ${hex(a.end)}) covering ${humanSize(a.covered)} (zoom in for detail)`,
              );
            aggregated += a.count;
          }
        }
        lg.attr('data-drawn', drawn).attr('data-aggregated', aggregated);
      }
      const lab = tg.append('g').attr('class', 'labels');
      for (const l of labels)
        lab
          .append('text')
          .attr('class', l.ink === 'light' ? 'shape-label on-dark' : 'shape-label')
          .attr('x', fmt(l.x))
          .attr('y', fmt(l.y))
          .attr('text-anchor', 'middle')
          .text(l.text);
    }
    // Gaps over the tracks (a TDMR may reach into one): the band is see-through, its label on top.
    drawBreaks(plotG.append('g').attr('class', 'breaks'), scale, frame);
    drawNeeded(marksG, model, scale, frame);
    drawSelection(marksG, selectedRange ?? rangeOf(selectedId), scale, frame);
    axisG.selectAll('*').remove();
    drawAxis(axisG, scale, frame, ticks);
    drawMinimap();
    if (o.interactive) {
      // Roving tabindex: exactly one shape is the map's tab stop.
      const stop = activeDrawn
        ? plotG.select<SVGRectElement>(`rect[data-id="${cssEscape(activeId!)}"]`).node()
        : firstFocusable;
      stop?.setAttribute('tabindex', '0');
      if (hadFocus) {
        const again = plotG.select<SVGRectElement>(`rect[data-id="${cssEscape(hadFocus)}"]`).node();
        (again ?? svgEl).focus({ preventScroll: true });
      }
      drawHud();
    }
  }

  /** The selected shape's range when it is in the model. */
  function rangeOf(id: string | null): SelectedRange | null {
    if (!id) return null;
    for (const t of model.tracks) {
      const s = t.shapes.find((x) => x.id === id);
      if (s) return { start: s.start, end: s.end, track: t.id };
    }
    return null;
  }

  /** Crosshair and measure band: redrawn on every pointer move, zoom and pan. */
  function drawHud() {
    hudG.selectAll('*').remove();
    const frame = { ...layout };
    if (measure) drawMeasure(hudG, measure, scale, frame);
    if (pointer && pointer.px >= layout.x0 && pointer.px <= layout.x1)
      drawCrosshair(hudG, scale.invert(pointer.px), pointer.px, frame);
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
          const first = it.shape ?? it.agg!.worst;
          const cls =
            first.kind === 'numa-node'
              ? `mini agg-numa-node ${first.classes[0] ?? ''}`
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
    const sel = selectedRange ?? rangeOf(selectedId);
    if (sel) {
      const sx = (mini.x(sel.start) + mini.x(sel.end)) / 2;
      minimapG
        .append('path')
        .attr('class', 'minimap-selection')
        .attr('d', `M${fmt(sx - 4)},${y - 6}L${fmt(sx + 4)},${y - 6}L${fmt(sx)},${y}Z`);
    }
    if (wx1 - wx0 < 3) {
      // A window thinner than a pixel here still shows where it is.
      const xm = (wx0 + wx1) / 2;
      minimapG
        .append('path')
        .attr('class', 'minimap-marker')
        .attr(
          'd',
          `M${fmt(xm - 4)},${y + MINIMAP_H + 6}L${fmt(xm + 4)},${y + MINIMAP_H + 6}L${fmt(xm)},${y + MINIMAP_H}Z`,
        );
    }
    const whole = d1 - d0 >= model.top * 0.98;
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
      // Showing everything: no brush window, so a drag anywhere on the minimap starts a new one.
      minimapG.select<SVGGElement>('g.brush').call(brush.move, whole ? null : [wx0, Math.max(wx0 + 2, wx1)]);
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
    if (typeof requestAnimationFrame !== 'function') return redraw();
    if (frame !== undefined) return;
    frame = requestAnimationFrame(() => {
      frame = undefined;
      redraw();
    });
  }

  /** A redraw after the window moved: the tooltip and crosshair follow it. */
  function redraw() {
    drawPlot();
    refreshHover();
  }

  function refreshHover() {
    if (!o.interactive || !pointer) return;
    const { addr, track } = at(pointer.px, pointer.py);
    o.onHover?.(topShape(addr, track), addr);
  }

  function applyDomain(d: [number, number], fromUser: boolean) {
    scale = fullScale().withDomain(clampDomain(d));
    if (fromUser) scheduleDraw();
    else {
      if (frame !== undefined) cancelAnimationFrame(frame);
      frame = undefined;
      redraw();
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

  function at(px: number, py: number): { addr: number; track?: TrackId } {
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

  /** Zooms in around [a, b) by `factor` (< 1 zooms in), in the layout's unit space. */
  function zoomAround(a: number, b: number, factor: number) {
    const [d0, d1] = scale.domain;
    const span = scale.unit(d1) - scale.unit(d0);
    const mid = (scale.unit(a) + scale.unit(b)) / 2;
    const half = (span * factor) / 2;
    let n0 = mid - half;
    let n1 = mid + half;
    const shift = n0 < 0 ? -n0 : n1 > 1 ? 1 - n1 : 0;
    n0 = Math.max(0, n0 + shift);
    n1 = Math.min(1, n1 + shift);
    applyDomain([scale.addrAtUnit(n0), scale.addrAtUnit(n1)], true);
    syncZoom();
  }

  /** Makes a shape visible as itself (at least 8 px wide), panning and zooming as little as needed. */
  function reveal(s: MapShape) {
    const W = layout.x1 - layout.x0;
    const [d0, d1] = scale.domain;
    const x0 = scale.x(s.start);
    const x1 = scale.x(s.end);
    const inView = s.start >= d0 && s.end <= d1;
    if (inView && x1 - x0 >= 8) return;
    const u0 = scale.unit(s.start);
    const u1 = scale.unit(s.end);
    const span = scale.unit(d1) - scale.unit(d0);
    const need = x1 - x0 >= 8 ? span : Math.max((u1 - u0) * (W / 8), 1e-15);
    zoomAround(s.start, s.end, Math.min(1, need / span));
  }

  /** Roving focus to a shape: reveal it, redraw now, focus its rect. */
  function moveFocus(s: MapShape) {
    activeId = s.id;
    reveal(s);
    if (frame !== undefined) {
      cancelAnimationFrame(frame);
      frame = undefined;
    }
    drawPlot();
    const el = plotG.select<SVGRectElement>(`rect[data-id="${cssEscape(s.id)}"]`).node();
    (el ?? svgEl).focus({ preventScroll: true });
  }

  function shapeById(id: string): MapShape | null {
    for (const t of model.tracks) {
      const s = t.shapes.find((x) => x.id === id);
      if (s) return s;
    }
    return null;
  }

  function onShapeKey(ev: KeyboardEvent, id: string): boolean {
    const s = shapeById(id);
    if (!s) return false;
    const track = s.track;
    const list = navigable(model, track);
    const i = list.findIndex((x) => x.id === id);
    if (ev.key === 'Enter' || ev.key === ' ') {
      handle.select(s.id);
      o.onSelect?.(s);
      return true;
    }
    if (ev.shiftKey) return false;
    if (ev.key === 'ArrowRight' || ev.key === 'ArrowLeft') {
      const next = list[i + (ev.key === 'ArrowRight' ? 1 : -1)];
      if (next) moveFocus(next);
      return true;
    }
    if (ev.key === 'Home' || ev.key === 'End') {
      const next = ev.key === 'Home' ? list[0] : list[list.length - 1];
      if (next) moveFocus(next);
      return true;
    }
    if (ev.key === 'ArrowUp' || ev.key === 'ArrowDown') {
      const order = layout.tracks.map((t) => t.id);
      const step = ev.key === 'ArrowDown' ? 1 : -1;
      const mid = (s.start + s.end) / 2;
      for (let k = order.indexOf(track) + step; k >= 0 && k < order.length; k += step) {
        const other = navigable(model, order[k]);
        if (!other.length) continue;
        const hit =
          other.find((x) => x.start <= mid && x.end > mid) ??
          other.reduce((best, x) =>
            Math.abs((x.start + x.end) / 2 - mid) < Math.abs((best.start + best.end) / 2 - mid) ? x : best,
          );
        moveFocus(hit);
        return true;
      }
      return true;
    }
    if (ev.key === '+' || ev.key === '=' || ev.key === '-' || ev.key === '_') {
      zoomAround(s.start, s.end, ev.key === '+' || ev.key === '=' ? 0.5 : 2);
      return true;
    }
    return false;
  }

  function onMapKey(ev: KeyboardEvent) {
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
    if (ev.key === 'Escape' && measure) {
      measure = null;
      o.onMeasure?.(null);
      drawHud();
      ev.preventDefault();
      return;
    }
    if (ev.key === 'Home' || ev.key === '0') [n0, n1] = [0, 1];
    else if (moves[ev.key]) [n0, n1] = [u0 + moves[ev.key][0], u1 + moves[ev.key][1]];
    else return;
    ev.preventDefault();
    const shift = n0 < 0 ? -n0 : n1 > 1 ? 1 - n1 : 0;
    n0 = Math.max(0, n0 + shift);
    n1 = Math.min(1, n1 + shift);
    applyDomain([scale.addrAtUnit(n0), scale.addrAtUnit(n1)], true);
    syncZoom();
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
      .filter((ev: MouseEvent & { target: Element | null }) => {
        if (ev.target?.closest?.('.minimap')) return false;
        // Shift+drag is the measure tool, not a pan.
        if (ev.shiftKey && ev.type !== 'wheel') return false;
        return (!ev.ctrlKey || ev.type === 'wheel') && !ev.button;
      })
      .on('zoom', (ev: d3.D3ZoomEvent<SVGSVGElement, unknown>) => {
        if (zoomBusy) return;
        applyDomain(domainFromTransform(ev.transform), true);
      });
    svg.call(zoom).on('dblclick.zoom', null);
    svg.attr('tabindex', 0).attr('focusable', 'true');
    svg.on('keydown.tdxmap', (ev: KeyboardEvent) => {
      const target = ev.target as Element | null;
      const id = target && target !== svgEl ? target.getAttribute('data-id') : null;
      if (id && onShapeKey(ev, id)) {
        ev.preventDefault();
        ev.stopPropagation();
        return;
      }
      onMapKey(ev);
    });
    svg.on('focusin.tdxmap', (ev: FocusEvent) => {
      const id = (ev.target as Element | null)?.getAttribute?.('data-id');
      if (!id || id === activeId) return;
      // The tab stop follows focus (roving tabindex).
      plotG.selectAll('rect[tabindex="0"]').attr('tabindex', -1);
      (ev.target as Element).setAttribute('tabindex', '0');
      activeId = id;
    });
    const pointerAt = (ev: PointerEvent) => {
      const [px, py] = d3.pointer(ev, svgEl);
      return { px, py };
    };
    overlay
      .on('pointermove.tdxmap', (ev: PointerEvent) => {
        pointer = pointerAt(ev);
        const { addr, track } = at(pointer.px, pointer.py);
        if (measuring && measure) {
          measure = [measure[0], addr];
          o.onMeasure?.(measure);
        }
        drawHud();
        o.onHover?.(topShape(addr, track), addr);
      })
      .on('pointerleave.tdxmap', () => {
        pointer = null;
        drawHud();
        o.onHover?.(null, null);
      })
      .on('pointerdown.tdxmap', (ev: PointerEvent) => {
        if (!ev.shiftKey || ev.button !== 0) return;
        const { px, py } = pointerAt(ev);
        measuring = true;
        const a = at(px, py).addr;
        measure = [a, a];
        (ev.target as Element).setPointerCapture?.(ev.pointerId);
        drawHud();
      })
      .on('pointerup.tdxmap', (ev: PointerEvent) => {
        if (!measuring) return;
        measuring = false;
        (ev.target as Element).releasePointerCapture?.(ev.pointerId);
        // A Shift+click without a drag clears the measure.
        if (measure && measure[0] === measure[1]) measure = null;
        o.onMeasure?.(measure);
        drawHud();
      })
      .on('click.tdxmap', (ev: MouseEvent) => {
        if (ev.shiftKey) return;
        const [px, py] = d3.pointer(ev, svgEl);
        const { addr, track } = at(px, py);
        const s = topShape(addr, track);
        if (s?.agg) {
          // A density bar stands for many shapes: clicking it zooms in to them.
          zoomAround(
            s.start,
            s.end,
            Math.min(
              1,
              ((scale.unit(s.end) - scale.unit(s.start)) /
                (scale.unit(scale.domain[1]) - scale.unit(scale.domain[0]))) *
                1.2,
            ),
          );
          return;
        }
        if (s) activeId = s.id;
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
          if (brushBusy || !ev.sourceEvent) return;
          const mini = fullScale();
          if (!ev.selection) {
            // A click without a drag: centre the window there, keeping its width.
            if (ev.type !== 'end') return;
            const [px] = d3.pointer(ev.sourceEvent as Event, svgEl);
            const span = scale.unit(scale.domain[1]) - scale.unit(scale.domain[0]);
            if (span >= 0.98) return drawMinimap();
            const c = mini.unit(mini.invert(px));
            let n0 = c - span / 2;
            let n1 = c + span / 2;
            const shift = n0 < 0 ? -n0 : n1 > 1 ? 1 - n1 : 0;
            n0 += shift;
            n1 += shift;
            applyDomain([mini.addrAtUnit(Math.max(0, n0)), mini.addrAtUnit(Math.min(1, n1))], true);
            syncZoom();
            return;
          }
          const [a, b] = ev.selection as [number, number];
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
    select(id, range) {
      selectedId = id;
      selectedRange = range ?? null;
      if (id) activeId = id;
      plotG.selectAll<SVGRectElement, unknown>('rect[data-id]').classed('selected', function () {
        return this.getAttribute('data-id') === id;
      });
      marksG.selectAll('.selection-mark').remove();
      drawSelection(marksG, selectedRange ?? rangeOf(selectedId), scale, { ...layout });
      drawMinimap();
    },
    highlight(ids) {
      highlightIds = new Set(ids);
      plotG.selectAll<SVGRectElement, unknown>('rect[data-id]').classed('highlighted', function () {
        return highlightIds.has(this.getAttribute('data-id') ?? '');
      });
    },
    focusShape(id) {
      const s = id ? shapeById(id) : null;
      if (s && !s.agg) moveFocus(s);
      else svgEl.focus({ preventScroll: true });
    },
    plotWidth() {
      return layout.x1 - layout.x0;
    },
    update(next) {
      model = next;
      stampFacts(svg, model);
      legend = legendPositions(model, o.width);
      layout = computeLayout(model, o, legend.rows);
      scale = fullScale().withDomain(clampDomain(scale.domain));
      render();
      if (zoom) syncZoom();
      // The tooltip follows the new model too (a big host's window arriving under the pointer).
      refreshHover();
    },
    shapesAt(addr) {
      return findShapesAt(model, addr);
    },
    destroy() {
      if (frame !== undefined) cancelAnimationFrame(frame);
      frame = undefined;
      svg.on('.zoom', null).on('keydown.tdxmap', null).on('focusin.tdxmap', null);
      overlay.on('.tdxmap', null);
      svg.selectAll('*').remove();
    },
  };
  return handle;
}

/** Ids are already attribute-safe (engine/outcome/refs.ts safeId); quotes and backslashes escaped anyway. */
function cssEscape(id: string): string {
  return id.replace(/["\\]/g, '\\$&');
}

export { measureText };
