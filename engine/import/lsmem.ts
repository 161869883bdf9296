/**
 * `lsmem` (any column set, e.g. `lsmem -o+ZONES,NODE`) and `lsmem -J`:
 * memory ranges with their state, zones and NUMA node, and the memory
 * block size. Ranges are inclusive "0xSTART-0xEND".
 *
 * The table as util-linux versions print it: a cell may be empty (a block
 * with no ZONES, an offline block with no NODE), so a row can have fewer
 * cells than the header; the column a cell belongs to is then found from
 * where it stands under the header. Summary lines ("Memory block size:",
 * "Total online memory:", newer "Memmap on memory parameter:") follow the
 * table. A "..." line in a pasted table is a gap (facts.gaps).
 */
import { ArtifactError, type ArtifactFacts, MAX_PHYS, hexNumber } from './facts.js';
import { parseUnitSize } from './sizes.js';

function parseRange(s: string | undefined): { start: number; end: number } | undefined {
  const m = s === undefined ? null : /^(0x[0-9a-fA-F]+)-(0x[0-9a-fA-F]+)$/.exec(s);
  if (!m) return undefined;
  const start = hexNumber(m[1]);
  const last = hexNumber(m[2]);
  if (start === undefined || last === undefined || last < start || last >= MAX_PHYS) return undefined;
  return { start, end: last + 1 };
}

/** The columns lsmem can print (lsmem --help). */
const COLUMNS = new Set(['RANGE', 'SIZE', 'STATE', 'REMOVABLE', 'BLOCK', 'NODE', 'ZONES']);

/** A header line: RANGE and other lsmem column names only. */
export function isLsmemHeader(s: string): boolean {
  const cells = s.trim().split(/\s+/);
  return cells.length >= 2 && cells[0] === 'RANGE' && cells.every((c) => COLUMNS.has(c));
}

interface Cell {
  text: string;
  from: number;
  to: number;
}

function cellsOf(line: string): Cell[] {
  const out: Cell[] = [];
  const re = /\S+/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(line))) out.push({ text: m[0], from: m.index, to: m.index + m[0].length });
  return out;
}

/**
 * Which header column each cell of a short row stands under, or undefined
 * when the positions do not say (alignment lost in the paste). A cell is
 * left- or right-aligned with its header and stays within its column, so
 * it overlaps its own header and no other.
 */
function placeCells(header: readonly Cell[], row: readonly Cell[]): (string | undefined)[] | undefined {
  const out: (string | undefined)[] = new Array(header.length).fill(undefined);
  let col = 0;
  for (const c of row) {
    while (col < header.length && !(c.from < header[col].to && header[col].from < c.to)) col++;
    if (col >= header.length) return undefined;
    out[col++] = c.text;
  }
  return out;
}

export class LsmemParser {
  private header: Cell[] | undefined;
  private lastEnd = 0;
  private gapFrom: { start: number; line: number } | undefined;
  constructor(private readonly facts: ArtifactFacts) {}

  /** An elision between rows: the blocks from the last row to the next are unknown. */
  elision(lineNo: number): void {
    this.gapFrom ??= { start: this.lastEnd, line: lineNo };
  }

  /** Reads one line; returns why it is not an lsmem line (the caller decides whether that is an error), or undefined. */
  line(raw: string, lineNo: number): string | undefined {
    const s = raw.trim();
    if (s === '') return undefined;
    if (isLsmemHeader(s)) {
      this.header = cellsOf(raw);
      return undefined;
    }
    const bs = /^Memory block size:\s*(\S+)/.exec(s);
    if (bs) {
      const n = parseUnitSize(bs[1]);
      if (n === undefined) throw new ArtifactError(lineNo, `memory block size "${bs[1]}" is not a size`);
      this.facts.memoryBlockSize = n;
      return undefined;
    }
    // Summary lines after the table: "Total online memory:", "Memmap on memory parameter:" (util-linux 2.39+), and any later ones.
    if (/^[A-Z][A-Za-z ]+:(?:\s|$)/.test(s)) return undefined;
    if (!this.header) return 'lsmem row before the RANGE header';
    const header = this.header;
    const cells = cellsOf(raw);
    let values: (string | undefined)[] | undefined;
    if (cells.length === header.length) values = cells.map((c) => c.text);
    else if (cells.length < header.length && cells.length >= 2) {
      values = placeCells(header, cells);
      // Positions lost (spaces collapsed): one missing cell is the last one, which lsmem leaves empty (ZONES, NODE).
      if (!values && cells.length === header.length - 1) values = [...cells.map((c) => c.text), undefined];
    }
    if (!values) return `lsmem row has ${cells.length} columns, the header has ${header.length}`;
    const row: Record<string, string | undefined> = {};
    header.forEach((h, i) => (row[h.text] = values[i]));
    const range = parseRange(row.RANGE);
    if (!range) return `lsmem range "${row.RANGE ?? ''}" is not "0xSTART-0xEND"`;
    const nid = row.NODE !== undefined ? Number(row.NODE) : undefined;
    if (nid !== undefined && !Number.isInteger(nid)) return `lsmem node "${row.NODE}" is not a number`;
    if (this.gapFrom) {
      const g = this.gapFrom;
      this.facts.gaps.push({ table: 'lsmem', start: g.start, end: Math.max(g.start, range.start), line: g.line });
      this.gapFrom = undefined;
    }
    this.lastEnd = range.end;
    this.facts.nodeRanges.push({
      ...range,
      nid: nid ?? -1,
      zone: row.ZONES,
      online: row.STATE ? row.STATE === 'online' : undefined,
    });
    return undefined;
  }

  finish(): void {
    if (this.gapFrom) {
      const g = this.gapFrom;
      this.facts.gaps.push({ table: 'lsmem', start: g.start, end: MAX_PHYS, line: g.line });
      this.gapFrom = undefined;
    }
  }
}

/** `lsmem -J` output (the "memory" array). */
export function lsmemJson(json: unknown, facts: ArtifactFacts): void {
  const mem = (json as { memory?: unknown }).memory;
  if (!Array.isArray(mem)) throw new ArtifactError(undefined, 'lsmem JSON without a "memory" array');
  mem.forEach((e: unknown, i) => {
    const o = (typeof e === 'object' && e !== null ? e : {}) as Record<string, unknown>;
    const range = typeof o.range === 'string' ? parseRange(o.range) : undefined;
    if (!range) throw new ArtifactError(undefined, `lsmem JSON memory[${i}].range is not "0xSTART-0xEND"`);
    const node = o.node === undefined || o.node === null ? -1 : Number(o.node);
    facts.nodeRanges.push({
      ...range,
      nid: Number.isInteger(node) ? node : -1,
      zone: typeof o.zones === 'string' && o.zones !== '' ? o.zones : undefined,
      online: typeof o.state === 'string' ? o.state === 'online' : undefined,
    });
  });
}
