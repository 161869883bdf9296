/**
 * The address axis. Addresses map first to a unit position u in [0, 1]
 * over the whole space, then the visible window [domain) in u maps linearly
 * to pixels. Zooming only changes the window, so the layout stays put while
 * panning. Addresses are below 2^53: exact numbers.
 *
 * Compress holes collapses long empty stretches ("gaps") to a fixed share of
 * the width each, drawn as labelled break glyphs (like JBrowse's collapsed
 * introns); everything else keeps its true proportion, so a width on the map
 * is a size, except across a break. The layout needs only the gaps and the
 * top of the space, never the millions of regions between them.
 */
import { hex, humanSize } from '../../engine/format/hex.js';

export interface Breakpoints {
  /** Strictly increasing addresses, from 0 to top. */
  addrs: number[];
  /** Their unit positions, increasing from 0 to 1. */
  u: number[];
  /** Empty stretches drawn shorter than they are: [start, end). */
  breaks: Array<[number, number]>;
}

/** A hole is collapsible when it is longer than this share of the occupied bytes... */
const GAP_MIN_SHARE = 0.02;
/** ...and each collapsed gap takes this share of the linear width (less when there are many). */
const GAP_SHARE = 0.06;
const GAPS_TOTAL_SHARE = 0.3;
/** The longest gaps are collapsed, at most this many: the layout stays small whatever the host. */
export const MAX_GAPS = 256;

/**
 * The holes compress-holes collapses, from the sorted, merged occupied
 * ranges (memory, CMRs, devices): those longer than 2 % of the occupied
 * bytes, the longest MAX_GAPS of them, in address order.
 */
export function collapsibleGaps(
  occupied: ReadonlyArray<readonly [number, number]>,
  top: number,
): Array<[number, number]> {
  let filled = 0;
  for (const [a, b] of occupied) filled += Math.max(0, Math.min(b, top) - a);
  if (filled === 0) return [];
  const min = filled * GAP_MIN_SHARE;
  const holes: Array<[number, number]> = [];
  let at = 0;
  for (const [s0, e0] of occupied) {
    const s = Math.max(s0, at);
    const e = Math.min(e0, top);
    if (e <= s) continue;
    if (s - at > min) holes.push([at, s]);
    at = e;
  }
  if (top - at > min) holes.push([at, top]);
  if (holes.length > MAX_GAPS) {
    holes.sort((p, q) => q[1] - q[0] - (p[1] - p[0]) || p[0] - q[0]);
    holes.length = MAX_GAPS;
    holes.sort((p, q) => p[0] - q[0]);
  }
  return holes;
}

/**
 * Breakpoints of the compressed layout from its gaps (collapsibleGaps):
 * linear between gaps, each gap a fixed share of the width; a gap that is
 * already shorter than that share keeps its true length.
 */
export function gapBreakpoints(gaps: ReadonlyArray<readonly [number, number]>, top: number): Breakpoints {
  let gapBytes = 0;
  for (const [a, b] of gaps) gapBytes += b - a;
  const linear = Math.max(1, top - gapBytes);
  const share = Math.min(GAP_SHARE, GAPS_TOTAL_SHARE / Math.max(1, gaps.length));
  const each = linear * share;
  const addrs = [0];
  const u = [0];
  const breaks: Array<[number, number]> = [];
  let acc = 0;
  let at = 0;
  const push = (addr: number, weight: number) => {
    if (addr <= addrs[addrs.length - 1]) return;
    acc += weight;
    addrs.push(addr);
    u.push(acc);
  };
  for (const [a, b] of gaps) {
    if (a < at || b <= a) continue;
    push(a, a - at);
    const len = b - a;
    if (len > each) {
      breaks.push([a, b]);
      push(b, each);
    } else push(b, len);
    at = b;
  }
  push(top, top - at);
  const total = acc || 1;
  return { addrs, u: u.map((v, i) => (i === u.length - 1 ? 1 : v / total)), breaks };
}

/** Breakpoints of the compressed layout straight from occupied ranges (collapsibleGaps, then gapBreakpoints). */
export function compressedBreakpoints(occupied: ReadonlyArray<readonly [number, number]>, top: number): Breakpoints {
  return gapBreakpoints(collapsibleGaps(occupied, top), top);
}

function linearBreakpoints(top: number): Breakpoints {
  return { addrs: [0, top], u: [0, 1], breaks: [] };
}

/** Piecewise-linear interpolation from xs to ys (both increasing) by binary search. */
function interpolate(xs: readonly number[], ys: readonly number[], v: number): number {
  const n = xs.length;
  if (v <= xs[0]) return ys[0] + ((v - xs[0]) * (ys[1] - ys[0])) / (xs[1] - xs[0]);
  if (v >= xs[n - 1]) return ys[n - 1] + ((v - xs[n - 1]) * (ys[n - 1] - ys[n - 2])) / (xs[n - 1] - xs[n - 2]);
  let lo = 0;
  let hi = n - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >>> 1;
    if (xs[mid] <= v) lo = mid;
    else hi = mid;
  }
  return ys[lo] + ((v - xs[lo]) * (ys[hi] - ys[lo])) / (xs[hi] - xs[lo]);
}

export interface AddressScale {
  readonly top: number;
  readonly compressed: boolean;
  /** Visible address window [start, end). */
  readonly domain: [number, number];
  /** Pixel range the window maps to. */
  readonly range: [number, number];
  readonly breakpoints: Breakpoints;
  /** Pixel position of an address. */
  x(addr: number): number;
  /** Address at a pixel position, rounded to a whole byte and clamped to [0, top]. */
  invert(px: number): number;
  /** Unit position of an address over the whole space (what zoom transforms act on). */
  unit(addr: number): number;
  /** Address at a unit position. */
  addrAtUnit(u: number): number;
  /** The same layout showing another window. */
  withDomain(domain: [number, number]): AddressScale;
}

export interface ScaleOptions {
  top: number;
  /** The collapsible gaps (MapModel.gaps); or occupied ranges, from which they are found. */
  gaps?: ReadonlyArray<readonly [number, number]>;
  occupied?: ReadonlyArray<readonly [number, number]>;
  compressHoles?: boolean;
  domain?: [number, number];
  range: [number, number];
}

export function makeAddressScale(o: ScaleOptions): AddressScale {
  const gaps = o.gaps ?? (o.occupied && o.occupied.length > 0 ? collapsibleGaps(o.occupied, o.top) : []);
  const compressed = !!o.compressHoles && gaps.length > 0;
  const bp = compressed ? gapBreakpoints(gaps, o.top) : linearBreakpoints(o.top);
  return scaleFrom(o.top, compressed, bp, o.domain ?? [0, o.top], o.range);
}

function scaleFrom(
  top: number,
  compressed: boolean,
  bp: Breakpoints,
  domain: [number, number],
  range: [number, number],
): AddressScale {
  const unit = (a: number) => interpolate(bp.addrs, bp.u, a);
  const addrAtUnit = (u: number) => interpolate(bp.u, bp.addrs, u);
  const u0 = unit(domain[0]);
  const u1 = unit(domain[1]);
  const k = (range[1] - range[0]) / (u1 - u0 || 1);
  return {
    top,
    compressed,
    domain,
    range,
    breakpoints: bp,
    unit,
    addrAtUnit,
    x: (a) => range[0] + (unit(a) - u0) * k,
    invert: (px) => Math.min(top, Math.max(0, Math.round(addrAtUnit(u0 + (px - range[0]) / k)))),
    withDomain: (d) => scaleFrom(top, compressed, bp, d, range),
  };
}

export interface AddressTick {
  addr: number;
  x: number;
  /** Exact hex, e.g. `0x100000000`. */
  hex: string;
  /** Human size of the address, e.g. `4 GiB`. */
  size: string;
  /** What the axis prints: the hex, or at deep zoom the offset from the base (`+0x1a00000`). */
  label: string;
  /** The line under it: the human size, or the offset's (`+26 MiB`). */
  sub: string;
  /** A compressed hole starts or ends here. */
  edge: boolean;
}

/**
 * At deep zoom the hex of every tick shares its leading digits and every
 * size reads the same ("3.04 TiB"): the axis then labels a base once and
 * each tick by its offset from it. The base is the window start rounded
 * down to the power of two just above the window's span, so offsets stay
 * short and exact. Null when the window is wide enough to read plainly.
 */
export function tickBase(scale: AddressScale): number | null {
  const [d0, d1] = scale.domain;
  const span = d1 - d0;
  if (span <= 0 || d1 < 0x10000000 || span * 256 >= d1) return null;
  let p = 1;
  while (p < span && p < 2 ** 52) p *= 2;
  return Math.floor(d0 / p) * p;
}

/**
 * Ticks at power-of-two multiples (so hex labels are exact and short),
 * chosen per linear piece of the window, plus the edges of compressed
 * holes; then thinned so labels are at least minSpacing pixels apart.
 */
export function addressTicks(scale: AddressScale, minSpacing = 96): AddressTick[] {
  const [d0, d1] = scale.domain;
  const { addrs } = scale.breakpoints;
  const base = tickBase(scale);
  const edges = new Set<number>();
  for (const [a, b] of scale.breakpoints.breaks) edges.add(a).add(b);
  const candidates: Array<{ addr: number; edge: boolean }> = [];
  // Linear pieces of the visible window.
  const cuts = [d0, ...addrs.filter((a) => a > d0 && a < d1), d1];
  for (let i = 0; i + 1 < cuts.length; i++) {
    const a = cuts[i];
    const b = cuts[i + 1];
    const px = Math.abs(scale.x(b) - scale.x(a));
    if (px < 1) continue;
    const want = ((b - a) * minSpacing) / px;
    let step = 1;
    while (step < want && step < 2 ** 52) step *= 2;
    for (let t = Math.ceil(a / step) * step; t <= b; t += step) candidates.push({ addr: t, edge: edges.has(t) });
  }
  for (const e of edges) if (e >= d0 && e <= d1) candidates.push({ addr: e, edge: true });
  // The window's own ends always get a label when there is room: they frame the view.
  const ends = new Set([d0, d1]);
  // Edges first, then coarser alignment (more trailing zero bits) first.
  const rank = (a: number) => (a === 0 ? 64 : trailingZeros(a));
  candidates.push({ addr: d0, edge: edges.has(d0) }, { addr: d1, edge: edges.has(d1) });
  candidates.sort(
    (p, q) =>
      Number(ends.has(q.addr)) - Number(ends.has(p.addr)) ||
      Number(q.edge) - Number(p.edge) ||
      rank(q.addr) - rank(p.addr) ||
      p.addr - q.addr,
  );
  const taken: AddressTick[] = [];
  const seen = new Set<number>();
  for (const c of candidates) {
    if (seen.has(c.addr)) continue;
    seen.add(c.addr);
    const x = scale.x(c.addr);
    if (taken.some((t) => Math.abs(t.x - x) < minSpacing)) continue;
    const h = hex(c.addr);
    const size = humanSize(c.addr);
    const off = base === null ? 0 : c.addr - base;
    taken.push({
      addr: c.addr,
      x,
      hex: h,
      size,
      label: base === null ? h : `+${hex(off)}`,
      sub: base === null ? size : `+${humanSize(off)}`,
      edge: c.edge,
    });
  }
  return taken.sort((p, q) => p.addr - q.addr);
}

/** Trailing zero bits of a positive integer below 2^53 (bitwise ops only see 32 bits). */
function trailingZeros(a: number): number {
  let n = 0;
  while (a > 0 && a % 2 === 0) {
    a /= 2;
    n++;
  }
  return n;
}
