/**
 * The firmware memory map: "BIOS-e820: [mem 0x...-0x...] usable" lines as the
 * kernel prints them, and dumps of /sys/firmware/memmap (one entry per
 * line as "START END TYPE", or `grep . /sys/firmware/memmap/N/{start,end,type}`).
 * End addresses are inclusive in every source; entries here are [start, end).
 */
import { ArtifactError, type ArtifactFacts, type E820Entry, MAX_PHYS, hexNumber } from './facts.js';

/** One "BIOS-e820:" (or "e820:"/"user:") line, or undefined if the line is not one. */
export function parseE820Line(msg: string): E820Entry | undefined {
  const m = /(?:BIOS-e820|^e820|user): \[mem (0x[0-9a-fA-F]+)-(0x[0-9a-fA-F]+)\] (.+)$/.exec(msg);
  if (!m) return undefined;
  const start = hexNumber(m[1]);
  const last = hexNumber(m[2]);
  if (start === undefined || last === undefined || last < start) return undefined;
  return { start, end: last + 1, type: normalizeType(m[3].trim()) };
}

/** e820 and sysfs memmap name the same types differently; use the e820 words. */
export function normalizeType(t: string): string {
  if (t === 'System RAM') return 'usable';
  if (t === 'Reserved') return 'reserved';
  return t;
}

/** `START END TYPE` lines or `.../memmap/N/{start,end,type}:VALUE` lines. */
export class MemmapParser {
  private partial = new Map<string, { start?: number; end?: number; type?: string; line: number }>();
  private lastEnd = 0;
  /** An elision mark was seen: entries are missing from here to the next entry. */
  private gapFrom: { start: number; line: number } | undefined;
  constructor(private readonly facts: ArtifactFacts) {}

  /** An elision ("...") between entries. */
  elision(lineNo: number): void {
    this.facts.e820Partial = true;
    this.gapFrom ??= { start: this.lastEnd, line: lineNo };
  }

  private push(e: E820Entry): void {
    if (this.gapFrom) {
      const { start, line } = this.gapFrom;
      this.facts.gaps.push({ table: 'e820', start, end: Math.max(start, e.start), line });
      this.gapFrom = undefined;
    }
    this.facts.e820.push(e);
    this.lastEnd = Math.max(this.lastEnd, e.end);
  }

  /** Reads one line; returns why it is not a memmap entry (the caller decides whether that is an error), or undefined. */
  line(raw: string, lineNo: number): string | undefined {
    const s = raw.trim();
    if (s === '' || s.startsWith('#')) return undefined;
    const e = parseE820Line(s);
    if (e) {
      this.push(e);
      return undefined;
    }
    const grep = /memmap\/(\d+)\/(start|end|type):(.*)$/.exec(s);
    if (grep) {
      const entry = this.partial.get(grep[1]) ?? { line: lineNo };
      if (grep[2] === 'type') entry.type = grep[3].trim();
      else {
        const v = hexNumber(grep[3].trim());
        if (v === undefined)
          throw new ArtifactError(lineNo, `memmap ${grep[2]} is not a hex address: "${grep[3].trim()}"`);
        entry[grep[2] as 'start' | 'end'] = v;
      }
      this.partial.set(grep[1], entry);
      return undefined;
    }
    const m = /^(0x[0-9a-fA-F]+)\s+(0x[0-9a-fA-F]+)\s+(.+)$/.exec(s);
    if (!m) return `not a memmap entry (expected "START END TYPE"): "${s.slice(0, 60)}"`;
    const start = hexNumber(m[1]);
    const last = hexNumber(m[2]);
    if (start === undefined || last === undefined || last < start || last >= MAX_PHYS)
      throw new ArtifactError(lineNo, 'memmap entry with an unusable range');
    this.push({ start, end: last + 1, type: normalizeType(m[3].trim()) });
    return undefined;
  }

  finish(): void {
    for (const [idx, e] of this.partial) {
      if (e.start === undefined || e.end === undefined || e.type === undefined) {
        throw new ArtifactError(e.line, `memmap entry ${idx} lacks its start, end or type`);
      }
      this.facts.e820.push({ start: e.start, end: e.end + 1, type: normalizeType(e.type) });
    }
    this.partial.clear();
    if (this.gapFrom) {
      const { start, line } = this.gapFrom;
      this.facts.gaps.push({ table: 'e820', start, end: MAX_PHYS, line });
      this.gapFrom = undefined;
    }
    this.facts.e820.sort((a, b) => a.start - b.start);
  }
}
