/**
 * The honest ruler: ticks at exact hex addresses (offsets from a labelled
 * base at deep zoom), and every collapsed gap drawn as a break glyph across
 * the plot and the axis, labelled with the size it stands for. Static SVG
 * (reports) and the app draw the same.
 */
import type * as d3 from 'd3';
import { hex, humanSize } from '../../engine/format/hex.js';
import { addressTicks, tickBase, type AddressScale, type AddressTick } from './scale.js';

type G = d3.Selection<SVGGElement, unknown, null, undefined>;

/** Stable number text: 2 decimals at most, no `-0`, so output is byte-identical. */
export function fmt(n: number): string {
  const r = Math.round(n * 100) / 100;
  return String(r === 0 ? 0 : r);
}

export interface AxisFrame {
  x0: number;
  x1: number;
  plotTop: number;
  plotBottom: number;
  axisY: number;
}

/** A collapsed gap in view: its visible pixels (clipped to the plot) and what it stands for. */
export interface VisibleBreak {
  a: number;
  b: number;
  xa: number;
  xb: number;
}

export function visibleBreaks(scale: AddressScale, f: AxisFrame): VisibleBreak[] {
  const [d0, d1] = scale.domain;
  const out: VisibleBreak[] = [];
  for (const [a, b] of scale.breakpoints.breaks) {
    if (b <= d0 || a >= d1) continue;
    const xa = Math.max(scale.x(a), f.x0);
    const xb = Math.min(scale.x(b), f.x1);
    if (xb - xa >= 1) out.push({ a, b, xa, xb });
  }
  return out;
}

/**
 * Break glyphs in the plot: a light band the height of the tracks with a
 * zigzag at each edge, and the gap's size in the middle when it fits, so a
 * collapsed stretch is never mistaken for scale. Each carries its exact
 * range in a <title> and data-gap.
 */
export function drawBreaks(g: G, scale: AddressScale, f: AxisFrame): void {
  for (const br of visibleBreaks(scale, f)) {
    const w = br.xb - br.xa;
    const bg = g
      .append('g')
      .attr('class', 'hole-break')
      .attr('data-gap', `${hex(br.a)},${hex(br.b)}`)
      .attr('data-size', humanSize(br.b - br.a));
    bg.append('rect')
      .attr('class', 'break-band')
      .attr('x', fmt(br.xa))
      .attr('y', f.plotTop)
      .attr('width', fmt(w))
      .attr('height', fmt(f.plotBottom - f.plotTop));
    bg.append('title').text(`collapsed gap: ${humanSize(br.b - br.a)} empty, [${hex(br.a)}, ${hex(br.b)})`);
    if (w >= 6) {
      // Zigzag edges, like a torn page: the width here is not to scale.
      for (const x of [br.xa + 1.5, br.xb - 1.5]) {
        const pts: string[] = [];
        for (let y = f.plotTop, k = 0; y <= f.plotBottom; y += 6, k++)
          pts.push(`${fmt(x + (k % 2 ? 1.5 : -1.5))},${fmt(y)}`);
        bg.append('polyline').attr('class', 'break-edge').attr('points', pts.join(' '));
      }
    }
    const label = humanSize(br.b - br.a);
    if (w >= label.length * 5.6 + 8) {
      bg.append('rect')
        .attr('class', 'break-label-bg')
        .attr('x', fmt((br.xa + br.xb) / 2 - (label.length * 5.6 + 6) / 2))
        .attr('y', fmt((f.plotTop + f.plotBottom) / 2 - 8))
        .attr('width', fmt(label.length * 5.6 + 6))
        .attr('height', 15)
        .attr('rx', 3);
      bg.append('text')
        .attr('class', 'break-label')
        .attr('x', fmt((br.xa + br.xb) / 2))
        .attr('y', fmt((f.plotTop + f.plotBottom) / 2 + 3.5))
        .attr('text-anchor', 'middle')
        .text(label);
    }
  }
}

/** The axis: line, ticks (label boxes never touching), the base at deep zoom, and the break marks with sizes. */
export function drawAxis(g: G, scale: AddressScale, f: AxisFrame, ticks: AddressTick[]): void {
  const y = f.axisY;
  g.append('line').attr('class', 'axis-line').attr('x1', f.x0).attr('x2', fmt(f.x1)).attr('y1', y).attr('y2', y);
  const base = tickBase(scale);
  const breaks = visibleBreaks(scale, f);
  // Boxes already taken on the label row: the break marks first, so ticks never cover them.
  // Their boxes are the text's own, so an edge label may come right up to one.
  const placed: Array<[number, number, number]> = [];
  for (const b of breaks) {
    const w = humanSize(b.b - b.a).length * 5.6 + 8;
    if (b.xb - b.xa >= w) placed.push([(b.xa + b.xb) / 2 - w / 2 + 4, (b.xa + b.xb) / 2 + w / 2 - 4, 0]);
  }
  const labelled = new Set<AddressTick>();
  const inView = ticks.filter((t) => t.x >= f.x0 - 0.5 && t.x <= f.x1 + 0.5);
  const ends = [inView[0], inView[inView.length - 1]].filter((t) => t);
  // A gap's edges are labelled outside it: its start to the left, its end to the right.
  const gapStarts = new Set(scale.breakpoints.breaks.map(([a]) => a));
  const gapEnds = new Set(scale.breakpoints.breaks.map(([, b]) => b));
  const anchorAt = (t: AddressTick) =>
    t.edge && gapStarts.has(t.addr) && t.x - f.x0 > 30
      ? 'end'
      : t.edge && gapEnds.has(t.addr) && f.x1 - t.x > 30
        ? 'start'
        : t.x - f.x0 < 30
          ? 'start'
          : f.x1 - t.x < 30
            ? 'end'
            : 'middle';
  // Label boxes (monospace hex, ~6.2 px a character): the window ends first, then
  // the gaps' edges (the addresses a break hides), then the rest in order,
  // dropping any label that would touch one already placed.
  for (const t of [...ends, ...inView.filter((x) => x.edge), ...inView]) {
    if (labelled.has(t)) continue;
    const w = t.label.length * 6.2;
    const a = anchorAt(t);
    const box: [number, number] =
      a === 'start' ? [t.x, t.x + w] : a === 'end' ? [t.x - w, t.x] : [t.x - w / 2, t.x + w / 2];
    if (placed.some(([p0, p1, m]) => box[0] < p1 + m && p0 < box[1] + m)) continue;
    placed.push([box[0], box[1], 8]);
    labelled.add(t);
  }
  for (const t of inView) {
    if (!labelled.has(t)) continue;
    const anchor = anchorAt(t);
    const tg = g
      .append('g')
      .attr('class', t.edge ? 'tick edge' : 'tick')
      .attr('data-addr', t.hex);
    tg.append('line')
      .attr('class', 'tick-mark')
      .attr('x1', fmt(t.x))
      .attr('x2', fmt(t.x))
      .attr('y1', y)
      .attr('y2', y + 4);
    tg.append('text')
      .attr('class', 'tick-hex')
      .attr('x', fmt(t.x))
      .attr('y', y + 15)
      .attr('text-anchor', anchor)
      .text(t.label);
    tg.append('text')
      .attr('class', 'tick-size')
      .attr('x', fmt(t.x))
      .attr('y', y + 27)
      .attr('text-anchor', anchor)
      .text(t.sub);
  }
  if (base !== null) {
    // The base every offset is counted from, once, at the left under the labels.
    g.append('text')
      .attr('class', 'tick-base')
      .attr('data-base', hex(base))
      .attr('x', f.x0)
      .attr('y', y + 38)
      .text(`offsets from ${hex(base)} (${humanSize(base)})`);
  }
  for (const br of breaks) {
    if (br.xb - br.xa < 12) continue;
    const xm = (br.xa + br.xb) / 2;
    const mark = g
      .append('g')
      .attr('class', 'break')
      .attr('data-gap', `${hex(br.a)},${hex(br.b)}`);
    mark
      .append('path')
      .attr('class', 'break-mark')
      .attr('d', `M${fmt(xm - 5)},${y + 4}L${fmt(xm - 1)},${y - 4}M${fmt(xm + 1)},${y + 4}L${fmt(xm + 5)},${y - 4}`);
    const size = humanSize(br.b - br.a);
    if (br.xb - br.xa >= size.length * 5.6 + 8)
      mark
        .append('text')
        .attr('class', 'break-size')
        .attr('x', fmt(xm))
        .attr('y', y + 15)
        .attr('text-anchor', 'middle')
        .text(size);
  }
}

export { addressTicks };
