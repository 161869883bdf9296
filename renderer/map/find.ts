/**
 * Resolves an omnibox query (main/common/omnibox-query.ts) against a map
 * index: the shape to select, the window to show, the range to mark and the
 * log and SEAMCALL rows it names. Pure: the renderer runs it on a small
 * host's index, the document worker on a big one, with the same answer.
 */
import { hex, humanSize } from '../../engine/format/hex.js';
import type { ShapeLinks } from '../../engine/outcome/links.js';
import { ref } from '../../engine/outcome/refs.js';
import type { OmniboxQuery } from '../../main/common/omnibox-query.js';
import { layerFirstReaching, type MapIndex, type MapLayer } from './layers.js';
import type { MapShape, ShapeKind } from './types.js';

export interface Resolution {
  ok: boolean;
  /** What the query found, in words: "TDMR 3 [0x…, 0x…) 256 GiB", "no TDMR 9: this host has 4". */
  message: string;
  shape: MapShape | null;
  /** The window to show. */
  focus: [number, number] | null;
  /** A queried range or address that is no shape of its own, marked on the map. */
  mark: [number, number] | null;
  /** Rows of the tables the query names. */
  seamcalls: number[];
  log: number[];
}

export interface FindContext {
  log: readonly string[];
  seamcalls: ReadonlyArray<{ name: string; statusName: string }>;
  links: ShapeLinks;
  memoryBlockSize: number;
}

const nothing = (message: string): Resolution => ({
  ok: false,
  message,
  shape: null,
  focus: null,
  mark: null,
  seamcalls: [],
  log: [],
});

/**
 * A window around [a, b): about 10 % of its size each side, as a power of
 * two (at least 4 KiB) with the ends on multiples of it, so the axis ends
 * read as round hex.
 */
export function around(a: number, b: number, top: number): [number, number] {
  const pad = Math.max(0x1000, 2 ** Math.floor(Math.log2(Math.max(1, (b - a) * 0.1))));
  return [Math.max(0, Math.floor((a - pad) / pad) * pad), Math.min(top, Math.ceil((b + pad) / pad) * pad)];
}

function layer(index: MapIndex, kind: ShapeKind): MapLayer | undefined {
  for (const t of index.tracks) for (const l of t.layers) if (l.kind === kind) return l;
  return undefined;
}

function found(index: MapIndex, s: MapShape, what?: string): Resolution {
  return {
    ok: true,
    message: `${what ?? s.label} ${s.details.range} ${s.details.size}`,
    shape: s,
    focus: around(s.start, s.end, index.top),
    mark: null,
    seamcalls: [],
    log: [],
  };
}

function byId(index: MapIndex, id: string): MapShape | null {
  const at = index.locate(id);
  return at ? at.layer.shape(at.index) : null;
}

/** The shape of a layer covering addr (the innermost when several do), or null. */
function coveringIn(l: MapLayer | undefined, addr: number): MapShape | null {
  if (!l) return null;
  let best = -1;
  for (let i = layerFirstReaching(l, addr); i < l.n && l.start[i] <= addr; i++) {
    if (l.end[i] > addr && (best < 0 || l.end[i] - l.start[i] < l.end[best] - l.start[best])) best = i;
  }
  return best < 0 ? null : l.shape(best);
}

/** What is at an address, most specific first: a reserved area, a memblock region, a device, a TDMR, a CMR. */
export function shapeAt(index: MapIndex, addr: number): MapShape | null {
  for (const k of ['reserved-area', 'needed-area', 'pamt', 'memblock', 'device', 'tdmr', 'cmr'] as ShapeKind[]) {
    const s = coveringIn(layer(index, k), addr);
    if (s) return s;
  }
  return null;
}

/**
 * A device by one of its names: the kernel's names for a CXL region are
 * several ("cxl0 (region0, dax0.0)"), and any of them finds it.
 */
function deviceNamed(index: MapIndex, text: string): MapShape | null {
  const l = layer(index, 'device');
  const want = text.toLowerCase();
  for (let i = 0; l && i < l.n; i++) {
    const s = l.shape(i);
    const names = s.label
      .toLowerCase()
      .split(/[\s(),]+/)
      .filter(Boolean);
    if (names.includes(want)) return s;
  }
  return null;
}

export function resolveQuery(index: MapIndex, q: OmniboxQuery, ctx: FindContext): Resolution {
  const count = (k: ShapeKind) => index.counts[k];
  switch (q.kind) {
    case 'invalid':
      return nothing(q.message);
    case 'address': {
      if (q.addr >= index.top)
        return nothing(`${hex(q.addr)} is past the end of this host's address space (${hex(index.top)})`);
      const s = shapeAt(index, q.addr);
      const win = around(q.addr, q.addr + 1, index.top);
      if (!s)
        return {
          ...nothing(`${hex(q.addr)}: nothing is there (a hole: no memory, CMR or device)`),
          ok: true,
          focus: around(q.addr - 0x100000, q.addr + 0x100000, index.top),
          mark: [q.addr, q.addr + 1],
        };
      return {
        ...found(index, s, `${hex(q.addr)} is in ${s.label}`),
        mark: [q.addr, q.addr + 1],
        focus: s.end - s.start < 0x100000000 ? around(s.start, s.end, index.top) : win,
      };
    }
    case 'range': {
      const exact = (['tdmr', 'memblock', 'cmr', 'tdx-memory', 'device', 'reserved-area', 'needed-area'] as ShapeKind[])
        .map((k) => layer(index, k))
        .map((l) => {
          if (!l) return null;
          for (let i = layerFirstReaching(l, q.start); i < l.n && l.start[i] <= q.start; i++)
            if (l.start[i] === q.start && l.end[i] === q.end) return l.shape(i);
          return null;
        })
        .find((s) => s);
      const text = `[${hex(q.start)}, ${hex(q.end)}) ${humanSize(q.end - q.start)}`;
      if (exact) return { ...found(index, exact, `${text} is exactly ${exact.label}:`), mark: [q.start, q.end] };
      return { ...nothing(text), ok: true, focus: around(q.start, q.end, index.top), mark: [q.start, q.end] };
    }
    case 'tdmr': {
      const s = byId(index, ref.tdmr(q.index));
      return s
        ? found(index, s)
        : nothing(
            `no TDMR ${q.index}: this host has ${count('tdmr').toLocaleString('en-US')} TDMRs (0 to ${count('tdmr') - 1})`,
          );
    }
    case 'memblock': {
      const s = byId(index, ref.memblock(q.index));
      return s
        ? found(index, s)
        : nothing(
            `no memblock region ${q.index}: this host has ${count('memblock').toLocaleString('en-US')} (0 to ${count('memblock') - 1})`,
          );
    }
    case 'cmr': {
      const s = byId(index, ref.cmr(q.index));
      return s ? found(index, s) : nothing(`no CMR ${q.index}: this host has ${count('cmr')}`);
    }
    case 'node': {
      const s = byId(index, ref.node(q.nid));
      return s ? found(index, s, `node ${q.nid}`) : nothing(`no NUMA node ${q.nid} has memblock memory on this host`);
    }
    case 'memory-block': {
      const bs = ctx.memoryBlockSize;
      const start = q.block * bs;
      const run = coveringIn(layer(index, 'mem-block'), start);
      if (!run) return nothing(`memory${q.block} [${hex(start)}, ${hex(start + bs)}) is no memory block of this host`);
      return {
        ...found(index, run, `memory${q.block} [${hex(start)}, ${hex(start + bs)}) is ${run.details.state}, in`),
        mark: [start, start + bs],
        focus: around(start, start + bs, index.top),
      };
    }
    case 'status': {
      const rows = ctx.seamcalls.flatMap((s, i) => (s.statusName === q.name ? [i] : []));
      if (!rows.length) return nothing(`no SEAMCALL returned ${q.name} on this host`);
      const id = rows.map((i) => ctx.links.seamcalls[i] ?? []).find((ids) => ids.length)?.[0];
      const s = id ? byId(index, id) : null;
      const calls = [...new Set(rows.map((i) => ctx.seamcalls[i].name))].join(', ');
      const base: Resolution = {
        ...nothing(`${rows.length} SEAMCALL${rows.length > 1 ? 's' : ''} returned ${q.name} (${calls})`),
        ok: true,
        seamcalls: rows,
      };
      return s
        ? { ...base, message: `${base.message}: ${s.label}`, shape: s, focus: around(s.start, s.end, index.top) }
        : base;
    }
    case 'text': {
      const device = byId(index, ref.device(q.text)) ?? deviceNamed(index, q.text);
      if (device) return found(index, device);
      const needle = q.text.toLowerCase();
      const log = ctx.log.flatMap((l, i) => (l.toLowerCase().includes(needle) ? [i] : []));
      const seamcalls = ctx.seamcalls.flatMap((s, i) =>
        s.name.toLowerCase().includes(needle) || s.statusName.toLowerCase().includes(needle) ? [i] : [],
      );
      if (!log.length && !seamcalls.length)
        return nothing(
          `nothing matches "${q.text}": try an address, a range, TDMR 3, memblock 12, node 1, cxl0, memory5068 or a status name`,
        );
      const first = [
        ...(log.length ? ctx.links.log[log[0]] : []),
        ...(seamcalls.length ? ctx.links.seamcalls[seamcalls[0]] : []),
      ][0];
      const s = first ? byId(index, first) : null;
      return {
        ok: true,
        message: `"${q.text}": ${log.length} log line${log.length === 1 ? '' : 's'}, ${seamcalls.length} SEAMCALL${seamcalls.length === 1 ? '' : 's'}`,
        shape: s,
        focus: s ? around(s.start, s.end, index.top) : null,
        mark: null,
        seamcalls,
        log,
      };
    }
  }
}
