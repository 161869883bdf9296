/**
 * /proc/iomem: "START-END : name", nesting shown by two spaces per level.
 * Top-level "System RAM" is the RAM the kernel manages; "Kernel code/data/bss"
 * (children of it) are reserved for the PAMT model; "Soft Reserved" and
 * "CXL Window" ranges are device memory outside boot RAM.
 */
import { ArtifactError, type ArtifactFacts, hexNumber } from './facts.js';

export const IOMEM_LINE = /^(\s*)([0-9a-fA-F]+)-([0-9a-fA-F]+) : (.+)$/;

export class IomemParser {
  private prevTopEnd = -1;
  private prevTopLine = 0;
  constructor(private readonly facts: ArtifactFacts) {}

  line(raw: string, lineNo: number): void {
    if (raw.trim() === '') return;
    const m = IOMEM_LINE.exec(raw);
    if (!m)
      throw new ArtifactError(
        lineNo,
        `not a /proc/iomem line (expected "START-END : name"): "${raw.trim().slice(0, 60)}"`,
      );
    const start = hexNumber(m[2]);
    const last = hexNumber(m[3]);
    if (start === undefined || last === undefined) throw new ArtifactError(lineNo, 'address past 2^53');
    if (last < start) throw new ArtifactError(lineNo, `range ends (0x${m[3]}) before it starts (0x${m[2]})`);
    // Without root the kernel shows every range as 00000000-00000000.
    if (start === 0 && last === 0)
      throw new ArtifactError(
        lineNo,
        'address range 00000000-00000000: /proc/iomem was read without root (read it with sudo)',
      );
    const depth = m[1].length / 2;
    const name = m[4].trim();
    const range = { start, end: last + 1 };
    if (depth === 0) {
      if (start < this.prevTopEnd) {
        throw new ArtifactError(
          lineNo,
          `range 0x${m[2]}-0x${m[3]} overlaps the top-level range on line ${this.prevTopLine}`,
        );
      }
      this.prevTopEnd = range.end;
      this.prevTopLine = lineNo;
      if (name === 'System RAM') this.facts.iomemRam.push(range);
      else if (/^(Soft Reserved|CXL Window)/.test(name)) this.facts.iomemDevice.push({ ...range, what: name });
    } else if (/^Kernel (code|data|rodata|bss)$/.test(name)) {
      this.facts.iomemKernel.push({ ...range, what: name.toLowerCase() });
    } else if (/^(Soft Reserved|CXL Window|region\d+|dax\d+\.\d+)/.test(name)) {
      this.facts.iomemDevice.push({ ...range, what: name });
    }
  }

  finish(): void {
    // Adjacent System RAM entries are one range for our purposes.
    const merged: { start: number; end: number }[] = [];
    for (const r of this.facts.iomemRam) {
      const last = merged[merged.length - 1];
      if (last && last.end === r.start) last.end = r.end;
      else merged.push({ ...r });
    }
    this.facts.iomemRam = merged;
  }
}
