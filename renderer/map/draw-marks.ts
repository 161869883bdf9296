/**
 * Marks drawn over the tracks: the reserved areas a failed TDMR needs,
 * numbered, with "25 needed / 16 allowed"; the selection, never thinner
 * than a few pixels whatever the zoom; and (interactive only) the crosshair
 * with its exact address and the measure band with the distance it spans.
 */
import type * as d3 from 'd3';
import { hex, humanSize } from '../../engine/format/hex.js';
import { sizeText } from '../../engine/outcome/text.js';
import { fmt } from './draw-axis.js';
import type { AddressScale } from './scale.js';
import type { MapModel, MapShape, SelectedRange, TrackId } from './types.js';

type G = d3.Selection<SVGGElement, unknown, null, undefined>;

export interface TrackBox {
  id: TrackId;
  y: number;
  h: number;
}

export interface MarkFrame {
  x0: number;
  x1: number;
  plotTop: number;
  plotBottom: number;
  axisY: number;
  tracks: TrackBox[];
}

/** The needed areas of the model (every one, whatever the level of detail drew), in order. */
function neededAreas(model: MapModel): MapShape[] {
  const t = model.tracks.find((x) => x.id === 'tdmr');
  return (t?.shapes ?? []).filter((s) => s.kind === 'needed-area' && !s.agg);
}

/**
 * Numbers each needed area (1-based, as the details and the findings count
 * them) on a lane at the top of the TDMR row, red past the limit; labels
 * that would collide stack on a second lane or are left to the tooltip. And
 * the count against the limit once, on the failed TDMR.
 */
export function drawNeeded(g: G, model: MapModel, scale: AddressScale, f: MarkFrame): void {
  const areas = neededAreas(model);
  const need = model.reservedNeed;
  if (!need) return;
  const limit = need.limit;
  const box = f.tracks.find((t) => t.id === 'tdmr');
  if (!box) return;
  const needG = g.append('g').attr('class', 'needed-marks').attr('data-needed', need.needed).attr('data-limit', limit);
  const lanes: number[] = [-Infinity, -Infinity];
  const [d0, d1] = scale.domain;
  const visible = areas.filter((s) => s.end > d0 && s.start < d1);
  // Too crowded to number (the whole space at once): the ticks and the count say it; zoom in for the numbers.
  const spread = visible.length ? scale.x(visible[visible.length - 1].end) - scale.x(visible[0].start) : 0;
  const numbered = visible.length > 0 && spread / visible.length >= 6;
  needG.attr('data-numbered', String(numbered));
  for (const s of visible) {
    const n = Number(/-(\d+)$/.exec(s.id)?.[1] ?? 0) + 1;
    const over = s.classes.includes('over-limit');
    const xm = (Math.max(scale.x(s.start), f.x0) + Math.min(scale.x(s.end), f.x1)) / 2;
    const text = String(n);
    const w = text.length * 6 + 6;
    // The badge stays inside the plot (an area at its very edge would show half a number); the tick marks the spot.
    const xb = Math.min(Math.max(xm, f.x0 + w / 2), f.x1 - w / 2);
    const lane = lanes.findIndex((end) => xb - w / 2 > end + 1);
    const mark = needG
      .append('g')
      .attr('class', over ? 'need-mark over-limit' : 'need-mark')
      .attr('data-id', s.id)
      .attr('data-n', n);
    // A tick down to the area, always; the number only where it has room.
    mark
      .append('line')
      .attr('class', 'need-tick')
      .attr('x1', fmt(xm))
      .attr('x2', fmt(xm))
      .attr('y1', fmt(box.y + 1))
      .attr('y2', fmt(box.y + box.h * 0.22));
    if (lane < 0 || !numbered) continue;
    lanes[lane] = xb + w / 2;
    const y = box.y + 1 + lane * 13;
    mark
      .append('rect')
      .attr('class', 'need-badge')
      .attr('x', fmt(xb - w / 2))
      .attr('y', fmt(y))
      .attr('width', w)
      .attr('height', 12)
      .attr('rx', 3);
    mark
      .append('text')
      .attr('class', 'need-number')
      .attr('x', fmt(xb))
      .attr('y', fmt(y + 9.5))
      .attr('text-anchor', 'middle')
      .text(text);
  }
  // "25 needed / 16 allowed" on the failed TDMR's visible part (or the plot's left).
  const tdmr = model.tracks.find((t) => t.id === 'tdmr')?.shapes.find((s) => s.id === `tdmr-${need.tdmr}`);
  const a = tdmr ? Math.max(scale.x(tdmr.start), f.x0) : f.x0;
  const b = tdmr ? Math.min(scale.x(tdmr.end), f.x1) : f.x1;
  const label = `${need.needed} needed / ${limit} allowed`;
  const w = label.length * 6.4 + 10;
  const x = Math.min(Math.max(f.x0 + 2, (a + b) / 2 - w / 2), f.x1 - w - 2);
  const y = box.y + box.h - 16;
  const banner = needG.append('g').attr('class', 'need-banner');
  banner
    .append('rect')
    .attr('class', 'need-banner-bg')
    .attr('x', fmt(x))
    .attr('y', fmt(y))
    .attr('width', fmt(w))
    .attr('height', 14)
    .attr('rx', 3);
  banner
    .append('text')
    .attr('class', 'need-banner-text')
    .attr('x', fmt(x + w / 2))
    .attr('y', fmt(y + 10.5))
    .attr('text-anchor', 'middle')
    .text(label);
}

/** Narrowest the selection is drawn, in pixels: a 4 KiB region at full zoom-out is still seen. */
export const SELECTION_MIN_PX = 5;

/**
 * The selection's marker: an outline over its range on its track, at least
 * SELECTION_MIN_PX wide (centred on it when thinner), with a caret above
 * the track so it is found at a glance. Drawn whether or not the shape
 * itself is in the model (a big host's window may hold only a density bar).
 */
export function drawSelection(g: G, sel: SelectedRange | null, scale: AddressScale, f: MarkFrame): void {
  if (!sel) return;
  const box = f.tracks.find((t) => t.id === sel.track);
  if (!box) return;
  const [d0, d1] = scale.domain;
  const xs = scale.x(sel.start);
  const xe = scale.x(sel.end);
  let a = xs;
  let b = xe;
  if (b - a < SELECTION_MIN_PX) {
    const m = (a + b) / 2;
    a = m - SELECTION_MIN_PX / 2;
    b = m + SELECTION_MIN_PX / 2;
  }
  const visible = sel.end > d0 && sel.start < d1;
  const mark = g.append('g').attr('class', 'selection-mark').attr('data-visible', String(visible));
  if (!visible) {
    // Off screen: an arrow at the edge it lies beyond.
    const left = sel.end <= d0;
    const x = left ? f.x0 + 2 : f.x1 - 2;
    const y = box.y + box.h / 2;
    const d = left
      ? `M${x + 8},${y - 6}L${x},${y}L${x + 8},${y + 6}Z`
      : `M${x - 8},${y - 6}L${x},${y}L${x - 8},${y + 6}Z`;
    mark.append('path').attr('class', 'selection-offscreen').attr('d', d);
    return;
  }
  a = Math.max(a, f.x0 - 1);
  b = Math.min(b, f.x1 + 1);
  mark
    .append('rect')
    .attr('class', 'selection-box')
    .attr('x', fmt(a))
    .attr('y', fmt(box.y - 1))
    .attr('width', fmt(Math.max(1, b - a)))
    .attr('height', fmt(box.h + 2));
  const xm = (a + b) / 2;
  mark
    .append('path')
    .attr('class', 'selection-caret')
    .attr('d', `M${fmt(xm - 5)},${fmt(box.y - 7)}L${fmt(xm + 5)},${fmt(box.y - 7)}L${fmt(xm)},${fmt(box.y - 1)}Z`);
}

/** The crosshair at pointer x: a line over the tracks and its exact address on the axis. */
export function drawCrosshair(g: G, addr: number, x: number, f: MarkFrame): void {
  const label = hex(addr);
  const w = label.length * 6.2 + 8;
  const lx = Math.min(Math.max(x - w / 2, f.x0), f.x1 - w);
  const c = g.append('g').attr('class', 'crosshair').attr('data-addr', label);
  c.append('line')
    .attr('class', 'crosshair-line')
    .attr('x1', fmt(x))
    .attr('x2', fmt(x))
    .attr('y1', f.plotTop)
    .attr('y2', fmt(f.axisY));
  c.append('rect')
    .attr('class', 'crosshair-bg')
    .attr('x', fmt(lx))
    .attr('y', fmt(f.axisY + 3))
    .attr('width', fmt(w))
    .attr('height', 14)
    .attr('rx', 2);
  c.append('text')
    .attr('class', 'crosshair-text')
    .attr('x', fmt(lx + w / 2))
    .attr('y', fmt(f.axisY + 13.5))
    .attr('text-anchor', 'middle')
    .text(label);
}

/** What the measure tool says about [a, b): its exact length and the human size. */
export function measureText(a: number, b: number): string {
  const lo = Math.min(a, b);
  const hi = Math.max(a, b);
  return `${sizeText(hi - lo)} from ${hex(lo)} to ${hex(hi)}`;
}

/** The measure band between two addresses, labelled with the distance. */
export function drawMeasure(g: G, range: [number, number], scale: AddressScale, f: MarkFrame): void {
  const [a, b] = range[0] <= range[1] ? range : [range[1], range[0]];
  const xa = Math.max(scale.x(a), f.x0);
  const xb = Math.min(scale.x(b), f.x1);
  const m = g
    .append('g')
    .attr('class', 'measure')
    .attr('data-range', `${hex(a)},${hex(b)}`)
    .attr('data-length', hex(b - a));
  m.append('rect')
    .attr('class', 'measure-band')
    .attr('x', fmt(xa))
    .attr('y', f.plotTop)
    .attr('width', fmt(Math.max(1, xb - xa)))
    .attr('height', fmt(f.plotBottom - f.plotTop));
  for (const x of [xa, xb])
    m.append('line')
      .attr('class', 'measure-edge')
      .attr('x1', fmt(x))
      .attr('x2', fmt(x))
      .attr('y1', f.plotTop)
      .attr('y2', fmt(f.plotBottom));
  const text = `Δ ${hex(b - a)} · ${humanSize(b - a)}`;
  const w = text.length * 6.3 + 10;
  const x = Math.min(Math.max((xa + xb) / 2 - w / 2, f.x0), f.x1 - w);
  m.append('rect')
    .attr('class', 'measure-bg')
    .attr('x', fmt(x))
    .attr('y', fmt(f.plotTop + 1))
    .attr('width', fmt(w))
    .attr('height', 15)
    .attr('rx', 3);
  m.append('text')
    .attr('class', 'measure-text')
    .attr('x', fmt(x + w / 2))
    .attr('y', fmt(f.plotTop + 12))
    .attr('text-anchor', 'middle')
    .text(text);
}
