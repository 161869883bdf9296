/**
 * /proc/iomem: "START-END : name", nesting shown by two spaces per level.
 *
 * Top-level "System RAM" is the RAM the kernel booted with. Device memory is
 * not: "Soft Reserved" (EFI specific-purpose memory), "CXL Window N", and
 * "Persistent Memory (legacy)" / "Persistent Memory", with what lies under
 * them (regionN, daxX.Y, namespaceX.Y, and "System RAM (kmem)" once kmem
 * onlines a dax device), become hot-add candidates. "Kernel code/data/bss"
 * are reserved for the PAMT model.
 *
 * Pasted copies lose things: the indentation (a range inside the previous
 * top-level range is its child, since top-level siblings never overlap),
 * lines cut out ("..." is a gap, recorded in facts.gaps), or every address
 * (a read without root shows 00000000-00000000 everywhere; a single zero
 * line among real ones is a real zero-size entry such as "PCI Bus").
 */
import { ArtifactError, type ArtifactFacts, type DeviceKind, type DeviceRange, MAX_PHYS, hexNumber } from './facts.js';

export const IOMEM_LINE = /^(\s*)([0-9a-fA-F]+)-([0-9a-fA-F]+) : (.+)$/;

/** Top-level entries that hold device memory, with the kind their name states. */
const DEVICE_ROOT: { re: RegExp; kind?: DeviceKind }[] = [
  { re: /^CXL Window \d+/, kind: 'cxl' },
  { re: /^Persistent Memory(?: \(legacy\))?/, kind: 'nvdimm' },
  { re: /^Soft Reserved/ },
];
/** Names of the devices inside them, as the kernel spells them (the rest of a line may be a poster's remark). */
const REGION = /^region\d+/;
const DAX = /^dax\d+\.\d+/;
const NAMESPACE = /^(?:namespace\d+\.\d+|pmem\d+|btt\d+\.\d+|pfn\d+\.\d+)/;
/** Memory a driver hot-added as RAM ("System RAM (kmem)", "System RAM (virtio_mem)"), never boot RAM. */
const DRIVER_RAM = /^System RAM \(([\w.-]+)\)/;
const BOOT_RAM = /^System RAM(?!\s*\()/;

interface Open {
  depth: number;
  start: number;
  end: number;
  /** The device unit this line belongs to, if any. */
  unit?: Unit;
  /** The top-level device entry above it. */
  root?: Root;
}

interface Root {
  name: string;
  kind?: DeviceKind;
  start: number;
  end: number;
  line: number;
  units: Unit[];
}

interface Unit {
  name: string;
  level: 'region' | 'dax' | 'namespace' | 'driver';
  kind?: DeviceKind;
  start: number;
  end: number;
  line: number;
  online?: boolean;
  dax?: string;
}

/** The part of a name the kernel printed: a known device name, or the entry name without a trailing remark. */
function token(re: RegExp, name: string): string | undefined {
  const m = re.exec(name);
  return m ? m[0] : undefined;
}

export class IomemParser {
  private stack: Open[] = [];
  private baseIndent: number | undefined;
  private prevTop: { start: number; end: number; line: number } | undefined;
  private zeroLines = 0;
  private firstZeroLine = 0;
  private realLines = 0;
  private gapFrom: { start: number; line: number } | undefined;
  private roots: Root[] = [];
  constructor(private readonly facts: ArtifactFacts) {}

  /** An elision mark between lines: the top-level ranges from the last one seen to the next are unknown. */
  elision(lineNo: number): void {
    this.gapFrom ??= { start: this.prevTop?.end ?? 0, line: lineNo };
  }

  /** Reads one line; returns why it is not an iomem line (the caller decides whether that is an error), or undefined. */
  line(raw: string, lineNo: number): string | undefined {
    if (raw.trim() === '') return undefined;
    const m = IOMEM_LINE.exec(raw);
    if (!m) return `not a /proc/iomem line (expected "START-END : name"): "${raw.trim().slice(0, 60)}"`;
    const start = hexNumber(m[2]);
    const last = hexNumber(m[3]);
    if (start === undefined || last === undefined || last >= MAX_PHYS)
      throw new ArtifactError(lineNo, 'address past 2^52 (the x86 physical-address limit)');
    if (last < start) throw new ArtifactError(lineNo, `range ends (0x${m[3]}) before it starts (0x${m[2]})`);
    // A read without root shows every range as 00000000-00000000; with root such a line is a real zero-size entry.
    if (start === 0 && last === 0) {
      if (this.zeroLines++ === 0) this.firstZeroLine = lineNo;
      return undefined;
    }
    this.realLines++;
    const indent = m[1].length;
    this.baseIndent ??= indent;
    let depth = Math.max(0, Math.floor((indent - this.baseIndent) / 2));
    const name = m[4].trim();
    const range = { start, end: last + 1 };

    if (depth === 0 && this.prevTop && start < this.prevTop.end) {
      // Top-level siblings never overlap: inside the previous top-level range it is a child whose indentation was lost.
      if (range.end <= this.prevTop.end && start >= this.prevTop.start) {
        let parent = this.stack.length - 1;
        while (parent > 0 && !(this.stack[parent].start <= start && range.end <= this.stack[parent].end)) parent--;
        depth = this.stack[parent].depth + 1;
      } else {
        throw new ArtifactError(
          lineNo,
          `range 0x${m[2]}-0x${m[3]} overlaps the top-level range on line ${this.prevTop.line}`,
        );
      }
    }
    while (this.stack.length && this.stack[this.stack.length - 1].depth >= depth) this.stack.pop();
    const parent = this.stack[this.stack.length - 1];
    const open: Open = { depth, start, end: range.end, root: parent?.root, unit: parent?.unit };

    if (depth === 0) {
      if (this.gapFrom) {
        const g = this.gapFrom;
        this.facts.gaps.push({ table: 'iomem', start: g.start, end: Math.max(g.start, start), line: g.line });
        this.gapFrom = undefined;
      }
      this.prevTop = { start, end: range.end, line: lineNo };
    }

    const rootKind = DEVICE_ROOT.find((r) => r.re.test(name));
    const driver = DRIVER_RAM.exec(name);
    if (depth === 0 && BOOT_RAM.test(name)) {
      this.facts.iomemRam.push(range);
    } else if (/^Kernel (code|data|rodata|bss)/.test(name)) {
      this.facts.iomemKernel.push({ ...range, what: token(/^Kernel \w+/, name)!.toLowerCase() });
    } else if (rootKind && !open.root) {
      open.root = { name: token(rootKind.re, name)!, kind: rootKind.kind, ...range, line: lineNo, units: [] };
      this.roots.push(open.root);
    } else {
      this.device(open, name, range, lineNo, driver);
    }
    this.stack.push(open);
    return undefined;
  }

  /** A line inside device memory (or a device line whose parents were not pasted, as `grep kmem /proc/iomem` prints it). */
  private device(
    open: Open,
    name: string,
    range: { start: number; end: number },
    lineNo: number,
    driver: RegExpExecArray | null,
  ): void {
    const region = token(REGION, name);
    const dax = token(DAX, name);
    const ns = token(NAMESPACE, name);
    const inherited = open.root?.kind ?? open.unit?.kind;
    if (region || dax || ns) {
      const level = region ? 'region' : dax ? 'dax' : 'namespace';
      // The outermost device level names the unit: a region (or namespace) holds its dax device.
      if (open.unit && open.unit.level !== 'driver') {
        if (dax) open.unit.dax ??= dax;
        return;
      }
      open.unit = {
        name: (region ?? dax ?? ns)!,
        level,
        kind: ns ? 'nvdimm' : inherited,
        ...range,
        line: lineNo,
        dax,
      };
      if (open.root) open.root.units.push(open.unit);
      else this.orphan(open.unit);
      return;
    }
    const ram = driver !== null || (BOOT_RAM.test(name) && (open.root !== undefined || open.unit !== undefined));
    if (!ram) return;
    if (open.unit) {
      open.unit.online = true;
      return;
    }
    // Driver-managed RAM with no device line above it in the paste (grep output, or virtio-mem in a VM).
    const unit: Unit = {
      name: open.root ? open.root.name : `System RAM (${driver ? driver[1] : 'kmem'})`,
      level: 'driver',
      kind: inherited ?? (driver && driver[1] !== 'kmem' ? 'dimm' : undefined),
      ...range,
      line: lineNo,
      online: true,
    };
    open.unit = unit;
    if (open.root) open.root.units.push(unit);
    else this.orphan(unit);
  }

  private orphans: Unit[] = [];
  private orphan(u: Unit): void {
    this.orphans.push(u);
  }

  finish(): void {
    if (this.realLines === 0 && this.zeroLines > 0)
      throw new ArtifactError(
        this.firstZeroLine,
        'address range 00000000-00000000: /proc/iomem was read without root (read it with sudo)',
      );
    if (this.gapFrom) {
      const g = this.gapFrom;
      this.facts.gaps.push({ table: 'iomem', start: g.start, end: MAX_PHYS, line: g.line });
      this.gapFrom = undefined;
    }
    const out: DeviceRange[] = this.facts.iomemDevice;
    const emit = (u: Unit | Root, what: string, kind: DeviceKind | undefined) => {
      const d: DeviceRange = { name: u.name, what, start: u.start, end: u.end, line: u.line };
      if (kind) d.kind = kind;
      if ('online' in u && u.online) d.online = true;
      if ('dax' in u && u.dax) d.dax = u.dax;
      out.push(d);
    };
    for (const r of this.roots) {
      if (!r.units.length) emit(r, r.name, r.kind);
      for (const u of r.units) emit(u, r.name, u.kind ?? r.kind);
    }
    for (const u of this.orphans) emit(u, u.name, u.kind);
    this.roots = [];
    this.orphans = [];
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
