/**
 * Builds a canonical host from what the artifacts said, and lists every
 * assumption it had to make (golden README: memblock is the usable RAM the
 * kernel saw; reserved is what the PAMT allocation cannot take).
 *
 * Memory, in order of preference: the e820 "usable" entries (memblock is
 * built from them), /proc/iomem "System RAM", lsmem's online ranges, and
 * last the CMRs. NUMA nodes from lsmem's NODE column or SRAT lines.
 */
import type { Cmr, Device, Host, MemblockRegion, ReservedRange } from '../host/types.js';
import { SZ_1M, SZ_4K, alignDown, alignUp, hex, humanSize } from '../format/hex.js';
import { hasTdxLines, type NodeRange, type Range, type TdxBoot } from './facts.js';
import { type ObservedBoot, observedBoot } from './observed.js';
import type { SourcedFacts } from './same-host.js';
import { type ListedDevice, collectDevices, kmemNodes, lsmemRanges, subtract } from './devices.js';
import { type MemorySource, chooseMemory, memorySource } from './memory-sources.js';

/** TDX 1.5 modules report these limits; the kernel does not print them. */
export const ASSUMED_MODULE = {
  max_tdmrs: 64,
  max_reserved_per_tdmr: 16,
  pamt_entry_size: { '4k': 16, '2m': 16, '1g': 16 },
};

/** What the importer says when it found no CMRs, and when it assumed the module limits (the host editor's paste keeps its own). */
export const NO_CMRS_ASSUMED =
  "no CMR lines (this kernel does not print them): no CMRs in the host; the cmr-holes variant and the module's CMR check cannot be modelled";
export const MODULE_LIMITS_ASSUMED =
  'TDX module limits are not printed: assumed max_tdmrs 64, 16 reserved areas per TDMR, 16-byte PAMT entries (TDX 1.5 values)';

export interface ImportResult {
  /** Undefined when no artifact gave the memory layout. */
  host?: Host;
  observed: ObservedBoot[];
  assumptions: string[];
  hostname?: string;
  kernel?: string;
  cpuModel?: string;
  /** Why no host could be built. */
  noHostReason?: string;
  /** Every device the artifacts list, modelled or not (a cxl list of memdevs only adds these facts). */
  devicesListed: ListedDevice[];
}

function range(r: Range): string {
  return `[${hex(r.start)}, ${hex(r.end)}) ${humanSize(r.end - r.start)}`;
}

/** Page-aligns and merges adjacent ranges (memblock merges neighbours of one node). */
function normalize(rs: readonly Range[]): Range[] {
  const out: Range[] = [];
  for (const r of [...rs].sort((a, b) => a.start - b.start)) {
    const start = alignUp(r.start, SZ_4K);
    const end = alignDown(r.end, SZ_4K);
    if (end <= start) continue;
    const last = out[out.length - 1];
    if (last && start <= last.end) last.end = Math.max(last.end, end);
    else out.push({ start, end });
  }
  return out;
}

/** Node ranges as disjoint pieces, sorted: where two overlap, the one starting lower owns the overlap. */
function disjointNodes(nodes: readonly NodeRange[]): NodeRange[] {
  const sorted = nodes.filter((n) => n.nid >= 0).sort((a, b) => a.start - b.start);
  const out: NodeRange[] = [];
  let covered = -1;
  for (const n of sorted) {
    const start = Math.max(n.start, covered);
    if (n.end > start) out.push({ start, end: n.end, nid: n.nid });
    covered = Math.max(covered, n.end);
  }
  return out;
}

/** Splits memory at node boundaries; memory outside every known node range goes to the nearest node below. */
function assignNodes(mem: readonly Range[], nodes: readonly NodeRange[]): MemblockRegion[] {
  const known = disjointNodes(nodes);
  if (!known.length) return mem.map((r) => ({ start: r.start, end: r.end, nid: 0 }));
  const out: MemblockRegion[] = [];
  // mem and known are sorted: one pass over both.
  let j = 0;
  for (const r of mem) {
    let cur = r.start;
    while (cur < r.end) {
      while (j < known.length && known[j].end <= cur) j++;
      const n = known[j];
      if (n && n.start <= cur) {
        const end = Math.min(r.end, n.end);
        out.push({ start: cur, end, nid: n.nid });
        cur = end;
        continue;
      }
      const end = Math.min(r.end, n ? n.start : r.end);
      out.push({ start: cur, end, nid: (known[j - 1] ?? n ?? known[0]).nid });
      cur = end;
    }
  }
  // Merge neighbours on the same node.
  const merged: MemblockRegion[] = [];
  for (const m of out) {
    const last = merged[merged.length - 1];
    if (last && last.end === m.start && last.nid === m.nid) last.end = m.end;
    else merged.push({ ...m });
  }
  return merged;
}

export function buildHost(list: readonly SourcedFacts[], name?: string): ImportResult {
  const assumptions: string[] = [];
  const all = list.map((l) => l.facts);
  const hostnames = [...new Set(all.flatMap((f) => f.hostnames))];
  const kernels = [...new Set(all.flatMap((f) => f.kernels))];

  const observed: ObservedBoot[] = [];
  const boots: { boot: TdxBoot; source: string }[] = [];
  for (const { source, facts } of list) {
    const fallbackKernel =
      facts.kernels.length === 1 ? facts.kernels[0] : kernels.length === 1 ? kernels[0] : undefined;
    for (const b of facts.boots) {
      if (!hasTdxLines(b)) continue; // a boot whose kernel said nothing about TDX
      boots.push({ boot: b, source });
      observed.push(observedBoot(b, source, fallbackKernel));
    }
  }
  const cpuModel = all.find((f) => f.cpuModel)?.cpuModel;

  // CMRs: the last boot that printed a complete list; a cut list if that is all there is.
  const withCmrs = boots.filter((b) => b.boot.cmrs.length);
  const complete = [...withCmrs].reverse().find((b) => !b.boot.cmrsPartial);
  const chosen = complete ?? withCmrs[withCmrs.length - 1];
  let cmrRanges: Range[] = chosen ? chosen.boot.cmrs : [];
  if (chosen?.boot.cmrsPartial) {
    assumptions.push(
      `${chosen.source}: the CMR list is cut after ${range(cmrRanges[cmrRanges.length - 1])}: memory above it is unknown and left out`,
    );
  }

  // Device memory first: lsmem shows kmem-onlined blocks as online memory, and they are not boot memblock.
  const dev = collectDevices(list);
  const devices: Device[] = dev.devices;
  const daxNodes = kmemNodes(list);

  // Memory the kernel put in memblock.
  const sources: MemorySource[] = [];
  const e820 = list.find((l) => l.facts.e820.some((e) => e.type === 'usable'));
  if (e820)
    sources.push(
      memorySource(
        'e820',
        e820.source,
        e820.facts.e820.filter((e) => e.type === 'usable'),
        e820.facts.gaps,
        'memblock = the e820 "usable" entries, page-aligned (the kernel builds memblock from them)',
      ),
    );
  const iomem = list.find((l) => l.facts.iomemRam.length);
  if (iomem)
    sources.push(
      memorySource(
        'iomem',
        iomem.source,
        iomem.facts.iomemRam,
        iomem.facts.gaps,
        'memblock = /proc/iomem "System RAM" (close to the e820 usable map)',
      ),
    );
  const lsmem = lsmemRanges(list);
  if (lsmem) {
    const boot = normalize(lsmem.ranges.filter((n) => !daxNodes.has(n.nid)));
    sources.push(
      memorySource(
        'lsmem',
        lsmem.source,
        subtract(boot, normalize(devices)),
        lsmem.facts.gaps,
        'memblock = lsmem online ranges (memory-block granular: firmware holes inside a block are not visible)',
        lsmem.facts.listsCut.find((c) => c.what === 'lsmem-json')?.line,
      ),
    );
  }
  let mem: Range[] = [];
  if (sources.length) {
    const m = chooseMemory(sources, cmrRanges);
    mem = normalize(m.ranges);
    assumptions.push(...m.assumptions);
  } else if (cmrRanges.length) {
    mem = normalize(cmrRanges);
    assumptions.push(
      'no e820, /proc/iomem or lsmem: memblock assumed = the CMRs (firmware holes inside CMRs are unknown)',
    );
  }
  if (mem.length) for (const a of dev.assumptions) assumptions.push(a);
  const memdevs = all.reduce((n, f) => n + f.cxlMemdevs.length, 0);
  if (memdevs && !all.some((f) => f.cxlRegions.length))
    assumptions.push(
      `${memdevs} CXL memdev${memdevs === 1 ? '' : 's'} listed without a region: no host physical address, so no device memory is modelled for ${memdevs === 1 ? 'it' : 'them'} (see devices_listed)`,
    );
  for (const { source, facts } of list)
    for (const c of facts.listsCut)
      assumptions.push(`${source}:${c.line}: the ${c.what} list is cut ("..."): what it leaves out is unknown`);

  const result: ImportResult = { observed, assumptions, cpuModel, devicesListed: dev.listed };
  if (hostnames.length) result.hostname = hostnames[0];
  if (kernels.length) result.kernel = kernels[kernels.length - 1];
  if (!mem.length) {
    result.noHostReason =
      'no memory layout in these artifacts (no CMR lines, e820 table, /proc/iomem or lsmem): add one to build a host the emulator can run';
    return result;
  }
  if (!mem.some((r) => r.end > SZ_1M)) {
    // build_tdx_memlist() skips the first 1 MiB (kernel-flow.md §3 step 4): with nothing above it the paste is cut, not a host.
    result.noHostReason = `no usable memory layout: the artifacts show memory only below 1 MiB (${mem.map(range).join(', ')}), so there is no TDX memory to emulate; the table is probably cut: add the whole e820 table, /proc/iomem or lsmem`;
    return result;
  }

  const nodeRanges = all.flatMap((f) => f.nodeRanges).filter((n) => n.nid >= 0 && !daxNodes.has(n.nid));
  const memblock = assignNodes(mem, nodeRanges);
  if (!nodeRanges.length)
    assumptions.push('no NUMA information (lsmem NODE column or SRAT lines): all memory assumed on node 0');

  const reserved: ReservedRange[] = [];
  for (const f of all)
    for (const k of f.iomemKernel)
      reserved.push({ start: alignDown(k.start, SZ_4K), end: alignUp(k.end, SZ_4K), what: k.what });
  if (!reserved.length)
    assumptions.push(
      'reserved memory (kernel image, crash kernel...) unknown: none assumed; it moves PAMT placement only, never the PAMT size',
    );

  if (!cmrRanges.length) {
    assumptions.push(NO_CMRS_ASSUMED);
    cmrRanges = [];
  }
  const cmrs: Cmr[] = normalize(cmrRanges).map((c) => ({ base: c.start, size: c.end - c.start }));

  const lastBoot = boots[boots.length - 1]?.boot;
  const host: Host = {
    name: name ?? hostnames[0] ?? 'imported-host',
    description: `Imported from ${list.map((l) => l.source).join(', ')}${cpuModel ? ` (${cpuModel})` : ''}`,
    memblock,
    reserved,
    module: { ...ASSUMED_MODULE, pamt_entry_size: { ...ASSUMED_MODULE.pamt_entry_size } },
    cmrs,
  };
  assumptions.push(MODULE_LIMITS_ASSUMED);
  const version = [...boots].reverse().find((b) => b.boot.moduleVersion)?.boot.moduleVersion;
  if (version) host.module.version = version;
  // Only the printed version decides: deriving it from an observed TDH.SYS.RD failure would make `check` circular.
  if (version !== undefined && /^1\.0(\.|$)/.test(version)) {
    host.module.sys_rd_supported = false;
    assumptions.push(`module ${version} is TDX 1.0: assumed to implement TDH.SYS.INFO only (no TDH.SYS.RD)`);
  }

  const platform: NonNullable<Host['platform']> = {};
  const keyids = [...boots].reverse().find((b) => b.boot.keyidRange)?.boot.keyidRange;
  if (keyids) {
    // The kernel prints [nr_mktme + 1, nr_mktme + 1 + nr_tdx).
    platform.mktme_keyids = keyids[0] - 1;
    platform.tdx_keyids = keyids[1] - keyids[0];
  }
  if (lastBoot?.acpiS3Disabled) platform.acpi_s3 = true;
  // Init at boot refused a missing CPU feature: keep that fact so `check` reproduces the refusal.
  const missing = lastBoot?.preconditionFailed;
  if (missing && missing !== 'platform') {
    platform[missing] = false;
    assumptions.push(`the boot printed "${lastBoot!.failure}": platform.${missing} = false`);
  }
  if (lastBoot?.cmdline !== undefined) {
    if (/(^|\s)nohibernate(\s|$)/.test(lastBoot.cmdline)) platform.nohibernate = true;
    else if (
      boots.some((b) => b.boot.moduleVersion !== undefined || b.boot.pamtKb !== undefined || b.boot.cmrs.length > 0)
    ) {
      // The kernel got past its hibernation check, so hibernation was off (published command lines are often cut).
      assumptions.push(
        'the command line shows no "nohibernate" but the kernel went on to initialize the module: hibernation assumed off',
      );
    } else platform.nohibernate = false;
  }
  const blockSize = all.find((f) => f.memoryBlockSize)?.memoryBlockSize;
  if (blockSize && (blockSize & (blockSize - 1)) === 0) platform.memory_block_size = blockSize;
  const cpuNodes = all.find((f) => f.nodeCpus.size)?.nodeCpus;
  if (cpuNodes) {
    const withCpus = [...cpuNodes.values()].filter((c) => c.length > 0).length;
    if (withCpus > 0) platform.packages = withCpus;
  }
  if (Object.keys(platform).length) host.platform = platform;
  if (devices.length) host.devices = devices;
  result.host = host;
  return result;
}
