/**
 * The map as SVG text, drawn by renderer/map under linkedom: the full
 * address space, and zoomed insets of the parts worth a closer look.
 */
import { parseHTML } from 'linkedom';
import { hex, humanSize, SZ_1G, SZ_4G } from '../../engine/format/hex.js';
import {
  buildMapModel,
  drawMap,
  mapInputFromOutcome,
  type DrawOptions,
  type MapModel,
} from '../../renderer/map/index.js';
import type { ReportSubject } from './subject.js';

export const MAP_WIDTH = 1060;
/**
 * The width maps are drawn at for print: A4 less the 12 mm side margins is
 * 186 mm, about 703 CSS px, so the map prints at scale ~1 and its 10 px
 * labels come out at 7.5 pt (drawn at 1060 px and shrunk to fit they were 5 pt).
 */
export const PRINT_MAP_WIDTH = 700;

/** Draws one map into a fresh linkedom document and returns the <svg> element's markup. */
export function mapSvg(
  model: MapModel,
  options: Omit<DrawOptions, 'width' | 'height'> & { width?: number; height?: number },
): string {
  const { document } = parseHTML(
    '<!doctype html><html><body><svg xmlns="http://www.w3.org/2000/svg"></svg></body></html>',
  );
  const svg = document.querySelector('svg') as unknown as SVGSVGElement;
  drawMap(svg, model, { width: MAP_WIDTH, height: 400, ...options, interactive: false });
  return (svg as unknown as Element).outerHTML;
}

/** A standalone SVG file: XML declaration, then the map. */
export function svgDocument(svg: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n${svg}\n`;
}

export interface Inset {
  title: string;
  caption: string;
  domain: [number, number];
}

/**
 * A window around [a, b) with a margin of about 1/16 of its size, both ends
 * on multiples of that (power-of-two) margin so the axis ends read cleanly.
 */
function around(a: number, b: number, top: number): [number, number] {
  let pad = 0x1000;
  while (pad * 16 < b - a) pad *= 2;
  return [Math.max(0, Math.floor(a / pad) * pad - pad), Math.min(top, Math.ceil(b / pad) * pad + pad)];
}

/** The insets a report shows: where it failed, low memory, the busiest TDMR, refused blocks, devices. */
export function chooseInsets(s: ReportSubject, model: MapModel): Inset[] {
  const o = s.outcome;
  const out: Inset[] = [];
  const { host, plan } = o;
  const low = host.memblock.filter((r) => r.start < SZ_4G);
  if (low.length && host.memblock.some((r) => r.end > SZ_4G)) {
    out.push({
      title: 'Below 4 GiB',
      caption: `${low.length} memblock region${low.length > 1 ? 's' : ''} and the holes between them, [0x0, ${hex(SZ_4G)})`,
      domain: [0, SZ_4G],
    });
  }
  const f = o.verdict.failedTdmr;
  if (f) {
    // Where it failed comes first: it wins over a wider inset that contains it.
    out.unshift({
      title: `TDMR ${f.index} (${f.by === 'module' ? 'rejected by the module' : 'failed'})`,
      caption: `[${hex(f.base)}, ${hex(f.end)}) ${humanSize(f.end - f.base)}: ${f.reason}`,
      domain: around(f.base, f.end, model.top),
    });
  }
  if (plan?.ok && plan.tdmrs.length > 1) {
    let best = -1;
    plan.tdmrs.forEach((t, i) => {
      if (t.reserved.length > 0 && (best < 0 || t.reserved.length > plan.tdmrs[best].reserved.length)) best = i;
    });
    if (best >= 0) {
      const t = plan.tdmrs[best];
      out.push({
        title: `TDMR ${best}: most reserved areas`,
        caption: `[${hex(t.base)}, ${hex(t.base + t.size)}) ${humanSize(t.size)} with ${t.reserved.length} of ${host.module.max_reserved_per_tdmr} reserved areas`,
        domain: around(t.base, t.base + t.size, model.top),
      });
    }
  }
  const refused = o.memoryBlocks.filter((b) => b.state === 'refused');
  if (refused.length) {
    const a = refused[0].start;
    const b = refused[refused.length - 1].end;
    out.push({
      title: 'Refused memory blocks',
      caption: `[${hex(a)}, ${hex(b)}) ${humanSize(b - a)}: onlining refused by the TDX memory notifier`,
      domain: around(a, b, model.top),
    });
  }
  for (const d of (host.devices ?? []).slice(0, 2)) {
    if (refused.some((r) => r.start < d.end && d.start < r.end)) continue;
    out.push({
      title: `${d.kind.toUpperCase()} ${d.name}`,
      caption: `[${hex(d.start)}, ${hex(d.end)}) ${humanSize(d.end - d.start)} on node ${d.nid}`,
      domain: around(d.start, d.end, model.top),
    });
  }
  // Skip an inset that mostly overlaps an earlier one (e.g. the busiest TDMR is below 4 GiB).
  const distinct: Inset[] = [];
  for (const i of out) {
    const dup = distinct.some((d) => {
      const overlap = Math.min(d.domain[1], i.domain[1]) - Math.max(d.domain[0], i.domain[0]);
      return overlap > 0.8 * Math.min(d.domain[1] - d.domain[0], i.domain[1] - i.domain[0]);
    });
    if (!dup) distinct.push(i);
  }
  // Tiny windows are hard to read against 1 GiB TDMRs: never narrower than 1 GiB unless the space is.
  return distinct.slice(0, 4).map((i) => {
    const [a, b] = i.domain;
    if (b - a >= SZ_1G || model.top < SZ_1G) return i;
    const mid = (a + b) / 2;
    const s0 = Math.max(0, Math.round(mid - SZ_1G / 2));
    return { ...i, domain: [s0, Math.min(model.top, s0 + SZ_1G)] as [number, number] };
  });
}

/** The map model of a report subject: the one map input builder, from the Outcome. */
export function subjectModel(s: ReportSubject): MapModel {
  return buildMapModel(mapInputFromOutcome(s.outcome));
}
