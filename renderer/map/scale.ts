/**
 * The address axis. Addresses map first to a unit position u in [0, 1]
 * over the whole space (linear, or piecewise with long empty stretches
 * shrunk: "compress holes"), then the visible window [domain) in u maps
 * linearly to pixels. Zooming only changes the window, so the compressed
 * layout stays put while panning. Addresses are below 2^53: exact numbers.
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

/** Holes longer than this share of the occupied bytes are shrunk to it. */
const HOLE_SHARE = 0.02;
/** With few occupied pieces, each gets at least this share, so a small piece next to terabytes stays visible. */
const MIN_PIECE_SHARE = 0.03;
const MIN_PIECE_MAX_PIECES = 64;

/**
 * Breakpoints of the compressed layout. `occupied` is sorted and merged
 * (MapModel.occupied); everything else in [0, top) is a hole.
 */
export function compressedBreakpoints(occupied: ReadonlyArray<readonly [number, number]>, top: number): Breakpoints {
  const pieces: Array<{ a: number; b: number; filled: boolean }> = [];
  let at = 0;
  for (const [s0, e0] of occupied) {
    const s = Math.max(s0, at);
    const e = Math.min(e0, top);
    if (e <= s) continue;
    if (s > at) pieces.push({ a: at, b: s, filled: false });
    pieces.push({ a: s, b: e, filled: true });
    at = e;
  }
  if (at < top) pieces.push({ a: at, b: top, filled: false });
  let filledBytes = 0;
  let filledPieces = 0;
  for (const p of pieces) {
    if (!p.filled) continue;
    filledBytes += p.b - p.a;
    filledPieces++;
  }
  if (filledBytes === 0) filledBytes = top;
  const minPiece = filledPieces <= MIN_PIECE_MAX_PIECES ? filledBytes * MIN_PIECE_SHARE : 0;
  const maxHole = filledBytes * HOLE_SHARE;
  const breaks: Array<[number, number]> = [];
  const weights = pieces.map((p) => {
    const len = p.b - p.a;
    if (p.filled) return Math.max(len, minPiece);
    if (len > maxHole) {
      breaks.push([p.a, p.b]);
      return maxHole;
    }
    return len;
  });
  const total = weights.reduce((s, w) => s + w, 0);
  const addrs = [0];
  const u = [0];
  let acc = 0;
  pieces.forEach((p, i) => {
    acc += weights[i];
    addrs.push(p.b);
    u.push(i === pieces.length - 1 ? 1 : acc / total);
  });
  return { addrs, u, breaks };
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
  occupied?: ReadonlyArray<readonly [number, number]>;
  compressHoles?: boolean;
  domain?: [number, number];
  range: [number, number];
}

export function makeAddressScale(o: ScaleOptions): AddressScale {
  const compressed = !!o.compressHoles && !!o.occupied && o.occupied.length > 0;
  const bp = compressed ? compressedBreakpoints(o.occupied!, o.top) : linearBreakpoints(o.top);
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
  /** A compressed hole starts or ends here. */
  edge: boolean;
}

/**
 * Ticks at power-of-two multiples (so hex labels are exact and short),
 * chosen per linear piece of the window, plus the edges of compressed
 * holes; then thinned so labels are at least minSpacing pixels apart.
 */
export function addressTicks(scale: AddressScale, minSpacing = 96): AddressTick[] {
  const [d0, d1] = scale.domain;
  const { addrs } = scale.breakpoints;
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
    taken.push({ addr: c.addr, x, hex: hex(c.addr), size: humanSize(c.addr), edge: c.edge });
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
