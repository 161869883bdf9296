/**
 * `lsmem` (any column set, e.g. `lsmem -o+ZONES,NODE`) and `lsmem -J`:
 * memory ranges with their state, zones and NUMA node, and the memory
 * block size. Ranges are inclusive "0xSTART-0xEND".
 */
import { ArtifactError, type ArtifactFacts, hexNumber } from './facts.js';
import { parseUnitSize } from './sizes.js';

function parseRange(s: string): { start: number; end: number } | undefined {
  const m = /^(0x[0-9a-fA-F]+)-(0x[0-9a-fA-F]+)$/.exec(s);
  if (!m) return undefined;
  const start = hexNumber(m[1]);
  const last = hexNumber(m[2]);
  if (start === undefined || last === undefined || last < start) return undefined;
  return { start, end: last + 1 };
}

export class LsmemParser {
  private columns: string[] | undefined;
  constructor(private readonly facts: ArtifactFacts) {}

  line(raw: string, lineNo: number): void {
    const s = raw.trim();
    if (s === '') return;
    if (/^RANGE\s/.test(s)) {
      this.columns = s.split(/\s+/);
      return;
    }
    const bs = /^Memory block size:\s*(\S+)/.exec(s);
    if (bs) {
      const n = parseUnitSize(bs[1]);
      if (n === undefined) throw new ArtifactError(lineNo, `memory block size "${bs[1]}" is not a size`);
      this.facts.memoryBlockSize = n;
      return;
    }
    if (/^Total (online|offline) memory:/.test(s)) return;
    if (!this.columns) throw new ArtifactError(lineNo, 'lsmem row before the RANGE header');
    const cells = s.split(/\s+/);
    if (cells.length !== this.columns.length) {
      throw new ArtifactError(lineNo, `lsmem row has ${cells.length} columns, the header has ${this.columns.length}`);
    }
    const row = Object.fromEntries(this.columns.map((c, i) => [c, cells[i]]));
    const range = parseRange(row.RANGE);
    if (!range) throw new ArtifactError(lineNo, `lsmem range "${row.RANGE}" is not "0xSTART-0xEND"`);
    const nid = row.NODE !== undefined ? Number(row.NODE) : undefined;
    if (nid !== undefined && !Number.isInteger(nid))
      throw new ArtifactError(lineNo, `lsmem node "${row.NODE}" is not a number`);
    this.facts.nodeRanges.push({
      ...range,
      nid: nid ?? -1,
      zone: row.ZONES,
      online: row.STATE ? row.STATE === 'online' : undefined,
    });
  }

  finish(): void {}
}

/** `lsmem -J` output (the "memory" array). */
export function lsmemJson(json: unknown, facts: ArtifactFacts): void {
  const mem = (json as { memory?: unknown }).memory;
  if (!Array.isArray(mem)) throw new ArtifactError(undefined, 'lsmem JSON without a "memory" array');
  mem.forEach((e: Record<string, unknown>, i) => {
    const range = typeof e.range === 'string' ? parseRange(e.range) : undefined;
    if (!range) throw new ArtifactError(undefined, `lsmem JSON memory[${i}].range is not "0xSTART-0xEND"`);
    const node = e.node === undefined ? -1 : Number(e.node);
    facts.nodeRanges.push({
      ...range,
      nid: Number.isInteger(node) ? node : -1,
      zone: typeof e.zones === 'string' ? e.zones : undefined,
      online: typeof e.state === 'string' ? e.state === 'online' : undefined,
    });
  });
}
