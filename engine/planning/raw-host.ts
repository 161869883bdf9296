/**
 * The host editor's raw table: a host as its canonical JSON rows (memblock
 * regions, reserved ranges, CMRs, devices), edited cell by cell. Every edit
 * returns a new document that shares the untouched rows with the old one, so
 * an undo history of a large host stays small. Validation is the host
 * parser's (engine/host/validate.ts); its problems are grouped by row here.
 * Pure.
 */
import type { HostJson } from '../format/host-json.js';
import { hostToJson } from '../format/host-json.js';
import { SZ_1G, SZ_4G, alignUp, hex, parseHex } from '../format/hex.js';
import type { Device, Host, MemblockRegion, ReservedRange } from '../host/types.js';
import { parseHost, type HostProblem } from '../host/validate.js';
import type { HostSpec } from './host-builder.js';

export type RawSection = 'memblock' | 'reserved' | 'cmrs' | 'devices';
export const RAW_SECTIONS: readonly RawSection[] = ['memblock', 'reserved', 'cmrs', 'devices'];

export type CellKind = 'hex' | 'int' | 'text' | 'choice';

export interface RawColumn {
  field: string;
  kind: CellKind;
  /** A choice column's values ('' = absent). */
  choices?: readonly string[];
}

/** The columns of each section, named as the host format names its fields. */
export const RAW_COLUMNS: Record<RawSection, readonly RawColumn[]> = {
  memblock: [
    { field: 'start', kind: 'hex' },
    { field: 'end', kind: 'hex' },
    { field: 'nid', kind: 'int' },
    { field: 'zone', kind: 'choice', choices: ['', 'movable'] },
  ],
  reserved: [
    { field: 'start', kind: 'hex' },
    { field: 'end', kind: 'hex' },
    { field: 'what', kind: 'text' },
  ],
  cmrs: [
    { field: 'base', kind: 'hex' },
    { field: 'size', kind: 'hex' },
  ],
  devices: [
    { field: 'name', kind: 'text' },
    { field: 'kind', kind: 'choice', choices: ['cxl', 'nvdimm', 'dimm'] },
    { field: 'start', kind: 'hex' },
    { field: 'end', kind: 'hex' },
    { field: 'nid', kind: 'int' },
    { field: 'zone', kind: 'choice', choices: ['', 'normal', 'movable'] },
  ],
};

export type RawRow = Record<string, unknown>;

/** The rows of one section (devices may be absent from the document). */
export function rowsOf(raw: HostJson, section: RawSection): readonly RawRow[] {
  return ((section === 'devices' ? raw.devices : raw[section]) ?? []) as RawRow[];
}

function withRows(raw: HostJson, section: RawSection, rows: RawRow[]): HostJson {
  const next = { ...raw, [section]: rows } as HostJson;
  if (section === 'devices' && rows.length === 0) delete next.devices;
  return next;
}

export function rawFromHost(host: Host): HostJson {
  return hostToJson(host);
}

/**
 * Sets one cell from what was typed. Whole numbers become numbers; anything
 * else is kept as typed so the parser names the cell ("$.memblock[3].nid:
 * expected number"). An empty optional field is removed. Same value: same document.
 */
export function setCell(raw: HostJson, section: RawSection, index: number, field: string, text: string): HostJson {
  const rows = rowsOf(raw, section);
  const row = rows[index];
  if (!row) return raw;
  const col = RAW_COLUMNS[section].find((c) => c.field === field);
  if (!col) return raw;
  let value: unknown = text;
  if (col.kind === 'int') value = /^\s*\d+\s*$/.test(text) ? Number(text) : text;
  else if (col.kind === 'hex') value = text.trim();
  const optional = col.kind === 'choice' ? col.choices?.includes('') : col.field === 'what';
  if (row[field] === value || (optional && text === '' && row[field] === undefined)) return raw;
  const next: RawRow = { ...row };
  if (optional && text === '') delete next[field];
  else next[field] = value;
  const copy = rows.slice();
  copy[index] = next;
  return withRows(raw, section, copy);
}

export function deleteRow(raw: HostJson, section: RawSection, index: number): HostJson {
  const rows = rowsOf(raw, section);
  if (index < 0 || index >= rows.length) return raw;
  return withRows(raw, section, [...rows.slice(0, index), ...rows.slice(index + 1)]);
}

/** The highest end of any memory in the document (for placing a new row above it). */
function topOf(raw: HostJson): number {
  let top = 0;
  const end = (s: unknown) => (typeof s === 'string' ? (parseHex(s) ?? 0) : 0);
  for (const m of raw.memblock) top = Math.max(top, end(m.end));
  for (const c of raw.cmrs) top = Math.max(top, end(c.base) + end(c.size));
  for (const d of raw.devices ?? []) top = Math.max(top, end(d.end));
  return top;
}

/**
 * Appends a row that is valid where it lands: memory and CMRs continue
 * above the last one (1 GiB), a reserved range is 2 MiB inside the first
 * memory above 4 GiB, a device sits in a 64 GiB-aligned window above all
 * memory on a node of its own (as CXL memory appears). Returns the new index.
 */
export function addRow(raw: HostJson, section: RawSection): { raw: HostJson; index: number } {
  const rows = rowsOf(raw, section);
  const last = rows[rows.length - 1];
  const lastEnd = (f: string) => (last && typeof last[f] === 'string' ? (parseHex(last[f] as string) ?? 0) : 0);
  let row: RawRow;
  if (section === 'memblock') {
    const start = Math.max(alignUp(lastEnd('end'), SZ_1G), SZ_4G);
    row = { start: hex(start), end: hex(start + SZ_1G), nid: typeof last?.nid === 'number' ? last.nid : 0 };
  } else if (section === 'cmrs') {
    const base = last ? alignUp(lastEnd('base') + lastEnd('size'), SZ_1G) : SZ_4G;
    row = { base: hex(base), size: hex(SZ_1G) };
  } else if (section === 'reserved') {
    const inHigh = raw.memblock.find((m) => (parseHex(String(m.start)) ?? 0) >= SZ_4G) ?? raw.memblock[0];
    const start = inHigh ? (parseHex(String(inHigh.start)) ?? SZ_4G) : SZ_4G;
    row = { start: hex(start), end: hex(start + 2 * 1024 * 1024), what: 'reserved' };
  } else {
    const start = alignUp(topOf(raw), 64 * SZ_1G);
    const nids = [...raw.memblock, ...(raw.devices ?? [])].map((m) => (typeof m.nid === 'number' ? m.nid : 0));
    const n = rows.filter((d) => d.kind === 'cxl').length;
    row = {
      name: `cxl${n}`,
      kind: 'cxl',
      start: hex(start),
      end: hex(start + 64 * SZ_1G),
      nid: Math.max(0, ...nids) + 1,
      zone: 'movable',
    };
  }
  return { raw: withRows(raw, section, [...rows, row]), index: rows.length };
}

/** Rows pasted from /proc/iomem (engine/import/iomem-paste.ts), in host-format numbers. */
export interface PastedRows {
  memblock: MemblockRegion[];
  reserved: ReservedRange[];
  devices: Device[];
}

const byStart = (a: RawRow, b: RawRow) => (parseHex(String(a.start)) ?? 0) - (parseHex(String(b.start)) ?? 0);

/**
 * Puts pasted rows into the document. 'add' merges them into each section
 * (memblock and devices kept in address order); 'replace' makes them the
 * memblock, reserved and device rows (CMRs, module and platform stay).
 */
export function pasteRows(raw: HostJson, rows: PastedRows, mode: 'add' | 'replace'): HostJson {
  const pm: RawRow[] = rows.memblock.map((m) => ({
    start: hex(m.start),
    end: hex(m.end),
    nid: m.nid,
    ...(m.zone && { zone: m.zone }),
  }));
  const pr: RawRow[] = rows.reserved.map((r) => ({
    start: hex(r.start),
    end: hex(r.end),
    ...(r.what !== undefined && { what: r.what }),
  }));
  const pd: RawRow[] = rows.devices.map((d) => ({
    name: d.name,
    kind: d.kind,
    start: hex(d.start),
    end: hex(d.end),
    nid: d.nid,
    ...(d.zone && { zone: d.zone }),
  }));
  let next = raw;
  if (mode === 'replace') {
    next = withRows(withRows(withRows(raw, 'memblock', pm), 'reserved', pr), 'devices', pd);
  } else {
    next = withRows(raw, 'memblock', [...rowsOf(raw, 'memblock'), ...pm].sort(byStart));
    next = withRows(next, 'reserved', [...rowsOf(raw, 'reserved'), ...pr]);
    next = withRows(next, 'devices', [...rowsOf(raw, 'devices'), ...pd].sort(byStart));
  }
  return next;
}

/** The name and module limits the builder's parts set, applied to a raw document (the raw rows stay). */
export function withSpecLimits(raw: HostJson, spec: HostSpec): HostJson {
  const module: Record<string, unknown> = {
    ...raw.module,
    max_tdmrs: spec.module.max_tdmrs,
    max_reserved_per_tdmr: spec.module.max_reserved_per_tdmr,
  };
  if (spec.module.version === undefined) delete module.version;
  else module.version = spec.module.version;
  return { ...raw, name: spec.name, module };
}

export interface RawProblems {
  /** Problems of a row, by "section[index]". */
  byRow: Map<string, HostProblem[]>;
  /** Every problem, in the parser's order (bounded by the parser). */
  all: HostProblem[];
}

const ROW_PATH = /^\$\.(memblock|reserved|cmrs|devices)\[(\d+)\]/;

/** Parses the document with the host parser; its problems grouped by row. */
export function rawProblems(raw: HostJson): RawProblems {
  const r = parseHost(raw);
  const byRow = new Map<string, HostProblem[]>();
  if (r.ok) return { byRow, all: [] };
  for (const p of r.problems) {
    const m = ROW_PATH.exec(p.path);
    if (!m) continue;
    const key = `${m[1]}[${m[2]}]`;
    byRow.set(key, [...(byRow.get(key) ?? []), p]);
  }
  return { byRow, all: r.problems };
}

/** Which row a problem's path points at, or null (a document-level problem). */
export function problemRow(path: string): { section: RawSection; index: number } | null {
  const m = ROW_PATH.exec(path);
  return m ? { section: m[1] as RawSection, index: Number(m[2]) } : null;
}

/** Rows in the document (the editor's undo history keeps fewer steps for big hosts). */
export function rawRowCount(raw: HostJson): number {
  return RAW_SECTIONS.reduce((n, s) => n + rowsOf(raw, s).length, 0);
}
