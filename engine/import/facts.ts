/**
 * What the importers read off raw artifacts, before a host is built.
 * Every parser (one per artifact kind) fills a part of ArtifactFacts; the
 * host builder (build-host.ts) merges them and says what it had to assume.
 * Pure: no node imports, so the app can parse pasted text too.
 */

/** A half-open physical range [start, end). */
export interface Range {
  start: number;
  end: number;
}

/** One e820 / firmware memmap entry ("usable", "reserved", "ACPI data"...). */
export interface E820Entry extends Range {
  type: string;
}

/** A memory range with a known NUMA node (lsmem NODE column, sysfs memoryN). */
export interface NodeRange extends Range {
  nid: number;
  /** Zone as lsmem/valid_zones print it ("Normal", "Movable", "None"...). */
  zone?: string;
  online?: boolean;
}

/** What one boot's kernel printed about TDX (spec kernel-flow.md §6). */
export interface TdxBoot {
  /** 1-based line of the first line that belongs to this boot. */
  firstLine: number;
  kernel?: string;
  cmdline?: string;
  /** [start, end) of the private KeyIDs ("BIOS enabled: private KeyID range"). */
  keyidRange?: [number, number];
  acpiS3Disabled?: boolean;
  moduleVersion?: string;
  /** Build number and date as printed. */
  moduleBuild?: string;
  moduleLine?: number;
  cmrs: Range[];
  /** The CMR list is known to be cut (an elision after the CMR lines). */
  cmrsPartial?: boolean;
  pamtKb?: number;
  pamtLine?: number;
  /** initialized | failed | not-enabled-by-bios | no-init (only the boot-time lines) */
  outcome: 'initialized' | 'failed' | 'not-enabled-by-bios' | 'no-init';
  /** The "initialization failed: ..." reason, or a precondition line of init at boot, if printed. */
  failure?: string;
  /** `Enable Dynamic PAMT` was printed (a Dynamic PAMT kernel with a module that offers it). */
  dpamtEnabled?: boolean;
  /** How the init lines were worded: `TDX-Module ...` (init at boot) or `module ...` (init at KVM load). */
  initWording?: 'boot' | 'kvm-load';
  /** The failure was a precondition of init at boot (XSAVE, MOVDIR64B, self-snoop, host platform). */
  preconditionFailed?: 'platform' | 'xsave' | 'movdir64b' | 'self_snoop';
  /** The version line was mainline's `Module version: x.y.zz`. */
  moduleVersionLine?: boolean;
  failureLine?: number;
  /** The failing TDMR if the reason names one. */
  failedTdmr?: Range;
  errno?: number;
  /** SEAMCALL failure lines; `rdx` from the register dump that follows, when printed. */
  seamcallFailures: { leaf: number; status: string; line: number; rdx?: string }[];
  /** Lines cut mid-way (a published excerpt or a truncated file). */
  truncated: { line: number; text: string }[];
  /** The boot's TDX lines as printed (the message, without its time stamp), at most MAX_PRINTED_LINES. */
  printed?: { line: number; text: string }[];
  /** TDX lines past MAX_PRINTED_LINES, counted. */
  printedOmitted?: number;
  hostname?: string;
  cpuModel?: string;
  family?: number;
  model?: number;
}

/** What the artifact says a device's memory is (the host format's device kinds). */
export type DeviceKind = 'cxl' | 'nvdimm' | 'dimm';

/** Device memory read off /proc/iomem: one unit that can be hot-added (a CXL region, a dax device, a namespace, a window). */
export interface DeviceRange extends Range {
  /** The device's name as the artifact prints it: regionN, daxX.Y, namespaceX.Y, or the top-level entry ("CXL Window 0"). */
  name: string;
  /** The top-level iomem entry it lies in ("CXL Window 0", "Soft Reserved", "Persistent Memory (legacy)"). */
  what: string;
  /** From the artifact's own words (CXL Window: cxl; Persistent Memory, namespace: nvdimm); undefined when it does not say. */
  kind?: DeviceKind;
  /** Its memory is online as "System RAM (kmem)" (or another driver's "System RAM (...)"). */
  online?: boolean;
  /** The dax device inside it, which names it in daxctl (and so gives its node). */
  dax?: string;
  line?: number;
}

/** A range a table leaves out: lines elided ("...") between two entries, or after the last. */
export interface Gap extends Range {
  table: 'e820' | 'iomem' | 'lsmem';
  /** Line of the elision mark. */
  line: number;
}

export interface ArtifactWarning {
  line?: number;
  message: string;
}

/** Everything one artifact told us. Absent fields: the artifact did not say. */
export interface ArtifactFacts {
  /** The first kind recognised; `kinds` lists every kind met (a pasted transcript holds several). */
  kind: ArtifactKind;
  kinds: ArtifactKind[];
  hostnames: string[];
  kernels: string[];
  /** First line where each identity was seen: "host:NAME", "kernel:RELEASE", "cmrs". */
  seenAt: Map<string, number>;
  boots: TdxBoot[];
  e820: E820Entry[];
  /** The e820 table is known to be cut (e.g. "......"). */
  e820Partial?: boolean;
  /** Address ranges a pasted table leaves out ("..." lines), per table kind. */
  gaps: Gap[];
  /** Lists without addresses that a paste cut ("..." inside a cxl/daxctl/lsmem JSON list): what and the line. */
  listsCut: { what: ArtifactKind; line: number }[];
  /** /proc/iomem top-level "System RAM" ranges. */
  iomemRam: Range[];
  /** /proc/iomem device memory (Soft Reserved, CXL windows and regions, dax/kmem, persistent memory): not boot RAM. */
  iomemDevice: DeviceRange[];
  /** Kernel code/data/bss from /proc/iomem (reserved for the PAMT model). */
  iomemKernel: (Range & { what: string })[];
  nodeRanges: NodeRange[];
  memoryBlockSize?: number;
  /** numactl -H: MB per node. */
  nodeSizesMb: Map<number, number>;
  nodeCpus: Map<number, number[]>;
  cxlRegions: (Range & { name: string; nid?: number })[];
  /** dax devices (daxctl list, cxl list -X): the node their memory joins once onlined as system-ram. */
  daxDevices: { name: string; size: number; nid?: number; mode?: string; kind?: DeviceKind }[];
  /** CXL memory devices (cxl list -M): capacity only, no host physical address until a region maps them. */
  cxlMemdevs: { name: string; ramSize?: number; pmemSize?: number; host?: string; nid?: number }[];
  /** Other objects a cxl/daxctl/ndctl list holds (buses, ports, decoders, endpoints, dax regions, ndctl regions): counted, not modelled. */
  otherListed: number;
  cpuModel?: string;
  warnings: ArtifactWarning[];
  /** MSR bits and CPU support as system-report.sh printed them (no raw MSR values). */
  reported?: ReportedPlatform;
  /** A recorded host (JSON) if the artifact was one. */
  hostJson?: unknown;
}

export interface ReportedPlatform {
  /** IA32_TME_ACTIVATE (0x982) bit 1. */
  tmeEnable?: number;
  /** IA32_SEAMRR_PHYS_MASK (0x1401) bit 11. */
  seamrrEnabled?: number;
  /** IA32_MKTME_KEYID_PARTITIONING (0x87) bits 63:32. */
  tdxKeyids?: number;
  /** MSR 0xA0. */
  mcheckStatus?: number;
  /** "CPU supports TDX according to /proc/cpuinfo". */
  cpuTdx?: boolean;
}

export type ArtifactKind =
  'system-report' | 'dmesg' | 'iomem' | 'e820' | 'lsmem' | 'lsmem-json' | 'numactl' | 'cxl-list' | 'host-json';

export function emptyFacts(kind: ArtifactKind): ArtifactFacts {
  return {
    kind,
    kinds: [kind],
    hostnames: [],
    kernels: [],
    seenAt: new Map(),
    boots: [],
    e820: [],
    gaps: [],
    listsCut: [],
    iomemRam: [],
    iomemDevice: [],
    iomemKernel: [],
    nodeRanges: [],
    nodeSizesMb: new Map(),
    nodeCpus: new Map(),
    cxlRegions: [],
    daxDevices: [],
    cxlMemdevs: [],
    otherListed: 0,
    warnings: [],
  };
}

/** An artifact that cannot be used: the message names the line. */
export class ArtifactError extends Error {
  constructor(
    readonly line: number | undefined,
    message: string,
  ) {
    super(message);
    this.name = 'ArtifactError';
  }
}

/** Parses "0x..." or bare hex (as iomem prints it) exactly; undefined past 2^53. */
export function hexNumber(s: string): number | undefined {
  const digits = s.replace(/^0x/i, '');
  if (!/^[0-9a-fA-F]+$/.test(digits)) return undefined;
  const n = parseInt(digits, 16);
  return Number.isSafeInteger(n) ? n : undefined;
}

/** The boot printed something about TDX (not just its command line). */
export function hasTdxLines(b: TdxBoot): boolean {
  return (
    b.keyidRange !== undefined ||
    b.moduleVersion !== undefined ||
    b.cmrs.length > 0 ||
    b.pamtKb !== undefined ||
    b.failure !== undefined ||
    b.errno !== undefined ||
    b.outcome !== 'no-init' ||
    b.dpamtEnabled === true ||
    b.seamcallFailures.length > 0 ||
    b.truncated.length > 0 ||
    b.acpiS3Disabled === true
  );
}

/** Records a hostname or kernel release the artifact names, and the first line naming it. */
export function noteIdentity(facts: ArtifactFacts, what: 'host' | 'kernel', value: string, line?: number): void {
  const list = what === 'host' ? facts.hostnames : facts.kernels;
  // seenAt doubles as the set of names seen: a log repeating a name a million times stays linear.
  if (!value || facts.seenAt.has(`${what}:${value}`) || list.includes(value)) return;
  list.push(value);
  facts.seenAt.set(`${what}:${value}`, line ?? 0);
}

/** Warnings kept per artifact; past this a count stands for the rest (a million bad lines must not become a million messages). */
export const MAX_WARNINGS = 50;

export function addWarning(facts: ArtifactFacts, w: ArtifactWarning): void {
  if (facts.warnings.length < MAX_WARNINGS) facts.warnings.push(w);
  else if (facts.warnings.length === MAX_WARNINGS)
    facts.warnings.push({ message: 'more warnings follow; only the first 50 are listed' });
}

/** TDX lines kept per boot as printed (a CMR list is at most 32 lines; a log repeating a line a million times must stay small). */
export const MAX_PRINTED_LINES = 120;

/** Highest physical address x86 can have (52 bits); a range past it is not a real host's. */
export const MAX_PHYS = 2 ** 52;
