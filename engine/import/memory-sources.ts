/**
 * Which artifact says what memory the kernel put in memblock, and how the
 * parts a paste cut out are filled.
 *
 * In order of preference: the e820 "usable" entries (memblock is built from
 * them), /proc/iomem top-level "System RAM", lsmem's online ranges. A cut
 * table ("..." lines) never outranks a complete one describing the same
 * memory; when every table is cut, the preferred one is used and each gap
 * is filled from a table that covers it, else from the CMRs, else left out.
 * Every choice is said in the assumptions.
 */
import { hex } from '../format/hex.js';
import { MAX_PHYS, type Gap, type Range } from './facts.js';

export interface MemorySource {
  table: Gap['table'];
  /** How the assumptions name it: 'the e820 table', '/proc/iomem', 'lsmem'. */
  label: string;
  /** The file it came from. */
  source: string;
  ranges: Range[];
  gaps: Gap[];
  /** What memblock = this source means, for the assumptions. */
  meaning: string;
  /** Line of an elision whose place in the table is not known (a "..." in `lsmem -J`): the table is cut, but where is not. */
  cutAt?: number;
}

const LABEL: Record<Gap['table'], string> = { e820: 'the e820 table', iomem: '/proc/iomem', lsmem: 'lsmem' };

export function memorySource(
  table: Gap['table'],
  source: string,
  ranges: Range[],
  gaps: readonly Gap[],
  meaning: string,
  cutAt?: number,
): MemorySource {
  const s: MemorySource = {
    table,
    label: LABEL[table],
    source,
    ranges,
    gaps: gaps.filter((g) => g.table === table),
    meaning,
  };
  if (cutAt !== undefined) s.cutAt = cutAt;
  return s;
}

/** Gaps that may hide memory (an elision between two entries of one top-level range hides none). */
function realGaps(s: MemorySource): Gap[] {
  return s.gaps.filter((g) => g.end > g.start);
}

function clip(rs: readonly Range[], g: Range): Range[] {
  const out: Range[] = [];
  for (const r of rs) {
    const start = Math.max(r.start, g.start);
    const end = Math.min(r.end, g.end);
    if (end > start) out.push({ start, end });
  }
  return out;
}

function where(g: Gap): string {
  return g.end >= MAX_PHYS ? `is cut at ${hex(g.start)}` : `leaves out [${hex(g.start)}, ${hex(g.end)})`;
}

/** The memory ranges memblock is built from, and what was assumed to get them. */
export function chooseMemory(
  sources: readonly MemorySource[],
  cmrs: readonly Range[],
): { ranges: Range[]; assumptions: string[]; chosen?: MemorySource } {
  const assumptions: string[] = [];
  if (!sources.length) return { ranges: [], assumptions };
  const chosen = sources.find((s) => realGaps(s).length === 0 && s.cutAt === undefined) ?? sources[0];
  for (const s of sources) {
    if (s === chosen) continue;
    for (const g of realGaps(s))
      assumptions.push(
        `${s.label} (${s.source}:${g.line}) ${where(g)} ("..."): not used for memblock, ${chosen.label} (${chosen.source}) is ${realGaps(chosen).length ? 'preferred' : 'complete'}`,
      );
  }
  assumptions.push(chosen.meaning);
  const ranges = [...chosen.ranges];
  for (const g of chosen.gaps) {
    const at = `${chosen.label} (${chosen.source}:${g.line})`;
    if (g.end <= g.start) {
      assumptions.push(`${at}: lines elided ("...") inside one entry: no memory range is missing`);
      continue;
    }
    const above = g.end >= MAX_PHYS ? 'memory above it' : 'memory there';
    const filler = sources.find((s) => s !== chosen && !realGaps(s).some((x) => x.start < g.end && g.start < x.end));
    if (filler) {
      const add = clip(filler.ranges, g);
      for (const r of add) ranges.push(r);
      assumptions.push(
        `${at} ${where(g)} ("..."): ${above} is taken from ${filler.label} (${add.length} range${add.length === 1 ? '' : 's'})`,
      );
    } else if (cmrs.length) {
      const add = clip(cmrs, g);
      for (const r of add) ranges.push(r);
      assumptions.push(
        `${at} ${where(g)} ("..."): ${above} is taken from the CMRs (${add.length} range${add.length === 1 ? '' : 's'})`,
      );
    } else assumptions.push(`${at} ${where(g)} ("..."): ${above} is unknown and left out`);
  }
  return { ranges, assumptions, chosen };
}
