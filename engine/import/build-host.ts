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
import { type HostFact, assumedFact, observedFact } from './host-facts.js';
import { DEFAULT_MEMORY_BLOCK_SIZE } from '../hotplug/memory.js';

const NOHIBERNATE = /(^|\s)nohibernate(\s|$)/;

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
  /** The host's name (also when there is no layout): given, from the artifacts, or from the first file. */
  name?: string;
  observed: ObservedBoot[];
  assumptions: string[];
  hostname?: string;
  kernel?: string;
  cpuModel?: string;
  /** Why no host could be built. */
  noHostReason?: string;
  /** Every device the artifacts list, modelled or not (a cxl list of memdevs only adds these facts). */
  devicesListed: ListedDevice[];
  /** The host's facts, each observed (with its artifact and line) or assumed (with why). */
  facts: HostFact[];
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

/** Where a name was first seen: "file:line" of the artifact that names it. */
function seenIn(list: readonly SourcedFacts[], key: string): string | undefined {
  for (const l of list) {
    const line = l.facts.seenAt.get(key);
    if (line !== undefined) return line ? `${l.source}:${line}` : l.source;
  }
  return undefined;
}

/** What the boots' own lines tell about the platform and module: the KeyIDs, the module version, ACPI S3. */
function bootFacts(boots: readonly { boot: TdxBoot; source: string }[]): HostFact[] {
  const out: HostFact[] = [];
  const at = (x: { boot: TdxBoot; source: string }, line?: number) => `${x.source}:${line ?? x.boot.firstLine}`;
  // The line a fact was printed on, from the boot's printed lines.
  const lineOf = (x: { boot: TdxBoot }, re: RegExp) => x.boot.printed?.find((p) => re.test(p.text))?.line;
  const key = [...boots].reverse().find((b) => b.boot.keyidRange);
  if (key) {
    const [a, b] = key.boot.keyidRange!;
    out.push(
      observedFact(
        'keyids',
        'TDX private KeyIDs',
        `[${a}, ${b}): ${b - a}`,
        at(key, lineOf(key, /private KeyID range/)),
      ),
    );
  } else
    out.push(
      assumedFact('keyids', 'TDX private KeyIDs', '64', 'no KeyID line: the emulated platform has 64 (the default)'),
    );
  const ver = [...boots].reverse().find((b) => b.boot.moduleVersion);
  if (ver)
    out.push(observedFact('module-version', 'module version', ver.boot.moduleVersion!, at(ver, ver.boot.moduleLine)));
  else
    out.push(
      assumedFact(
        'module-version',
        'module version',
        '1.5',
        'not printed: the emulated module is TDX 1.5 (the default)',
      ),
    );
  const last = boots[boots.length - 1];
  if (last?.boot.acpiS3Disabled)
    out.push(
      observedFact('acpi-s3', 'ACPI S3', 'disabled by the kernel for TDX', at(last, lineOf(last, /Disable ACPI S3/))),
    );
  return out;
}

/**
 * `name`: the host's name when the artifacts name none (or the user's
 * --name); `nameWhy` says where it came from, for the hostname fact.
 */
export function buildHost(list: readonly SourcedFacts[], name?: string, nameWhy?: string): ImportResult {
  const assumptions: string[] = [];
  const facts: HostFact[] = [];
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
  if (name !== undefined && nameWhy)
    facts.push({ id: 'hostname', label: 'host name', value: name, basis: 'recorded', why: nameWhy });
  else if (hostnames.length)
    facts.push(observedFact('hostname', 'host name', hostnames[0], seenIn(list, `host:${hostnames[0]}`) ?? ''));
  else if (name !== undefined) facts.push({ id: 'hostname', label: 'host name', value: name, basis: 'recorded' });
  if (kernels.length) {
    const k = kernels[kernels.length - 1];
    facts.push(observedFact('kernel', 'kernel release', k, seenIn(list, `kernel:${k}`) ?? ''));
  } else
    facts.push(
      assumedFact(
        'kernel',
        'kernel release',
        'unknown',
        'no "Linux version", uname or BOOT_IMAGE line in the artifacts: each boot is assumed to run upstream',
      ),
    );
  if (cpuModel) {
    const src = list.find((l) => l.facts.cpuModel === cpuModel)?.source ?? '';
    facts.push(observedFact('cpu', 'CPU', cpuModel, src));
  }
  const cmdBoot = [...boots].reverse().find((b) => b.boot.cmdline !== undefined);
  if (cmdBoot)
    facts.push(
      observedFact(
        'cmdline',
        'kernel command line',
        cmdBoot.boot.cmdline!,
        `${cmdBoot.source}:${cmdBoot.boot.firstLine}`,
      ),
    );
  facts.push(...bootFacts(boots));

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
  if (chosen) {
    const total = cmrRanges.reduce((n, c) => n + c.end - c.start, 0);
    const at = list.find((l) => l.source === chosen.source)?.facts.seenAt.get('cmrs');
    facts.push(
      observedFact(
        'cmrs',
        'CMRs',
        `${cmrRanges.length} covering ${humanSize(total)}`,
        at ? `${chosen.source}:${at}` : chosen.source,
        chosen.boot.cmrsPartial
          ? `the list is cut after ${range(cmrRanges[cmrRanges.length - 1])}: memory above it is unknown`
          : undefined,
      ),
    );
  } else
    facts.push(
      assumedFact(
        'cmrs',
        'CMRs',
        'none',
        "no CMR lines (only Ubuntu 6.8 -intel and some older kernels print them): the module's CMR check and the cmr-holes kernel cannot be modelled",
      ),
    );

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
  let memFact: Omit<HostFact, 'value'> | undefined;
  if (sources.length) {
    const m = chooseMemory(sources, cmrRanges);
    mem = normalize(m.ranges);
    assumptions.push(...m.assumptions);
    if (m.chosen) {
      const filled = m.chosen.gaps.some((g) => g.end > g.start);
      memFact = {
        id: 'memory',
        label: 'memblock memory',
        basis: 'observed',
        source: m.chosen.source,
        why: `${m.chosen.meaning}${filled ? '; the table is cut ("..."): see the assumptions for how its gaps were filled' : ''}`,
      };
    }
  } else if (cmrRanges.length) {
    mem = normalize(cmrRanges);
    const why = 'no e820, /proc/iomem or lsmem: memblock assumed = the CMRs (firmware holes inside CMRs are unknown)';
    assumptions.push(why);
    memFact = { id: 'memory', label: 'memblock memory', basis: 'assumed', why };
  }
  if (memFact) {
    const total = mem.reduce((n, r) => n + r.end - r.start, 0);
    facts.push({ ...memFact, value: `${humanSize(total)} in ${mem.length} range${mem.length === 1 ? '' : 's'}` });
  } else
    facts.push(
      assumedFact(
        'memory',
        'memblock memory',
        'unknown',
        'no memory layout in the artifacts (no CMR lines, e820 table, /proc/iomem or lsmem)',
      ),
    );
  if (mem.length) for (const a of dev.assumptions) assumptions.push(a);
  const memdevs = all.reduce((n, f) => n + f.cxlMemdevs.length, 0);
  if (memdevs && !all.some((f) => f.cxlRegions.length))
    assumptions.push(
      `${memdevs} CXL memdev${memdevs === 1 ? '' : 's'} listed without a region: no host physical address, so no device memory is modelled for ${memdevs === 1 ? 'it' : 'them'} (see devices_listed)`,
    );
  for (const { source, facts } of list)
    for (const c of facts.listsCut)
      assumptions.push(`${source}:${c.line}: the ${c.what} list is cut ("..."): what it leaves out is unknown`);

  const result: ImportResult = { observed, assumptions, cpuModel, devicesListed: dev.listed, facts };
  const named = name ?? hostnames[0];
  if (named !== undefined) result.name = named;
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
  const nodeCount = new Set(memblock.map((m) => m.nid)).size;
  if (!nodeRanges.length) {
    assumptions.push('no NUMA information (lsmem NODE column or SRAT lines): all memory assumed on node 0');
    facts.push(
      assumedFact(
        'numa',
        'NUMA nodes',
        '1',
        'the artifacts have no node lines (lsmem NODE column or SRAT): all memory on node 0',
      ),
    );
  } else {
    const srcs = list.filter((l) => l.facts.nodeRanges.some((n) => n.nid >= 0)).map((l) => l.source);
    facts.push(observedFact('numa', 'NUMA nodes', String(nodeCount), srcs.join(', ')));
  }

  const reserved: ReservedRange[] = [];
  for (const f of all)
    for (const k of f.iomemKernel)
      reserved.push({ start: alignDown(k.start, SZ_4K), end: alignUp(k.end, SZ_4K), what: k.what });
  if (!reserved.length) {
    const why =
      'reserved memory (kernel image, crash kernel...) unknown: none assumed; it moves PAMT placement only, never the PAMT size';
    assumptions.push(why);
    facts.push(assumedFact('reserved', 'reserved memory', 'none', why));
  } else {
    const srcs = list.filter((l) => l.facts.iomemKernel.length).map((l) => l.source);
    facts.push(
      observedFact(
        'reserved',
        'reserved memory',
        `${reserved.length} range${reserved.length === 1 ? '' : 's'} (kernel image)`,
        srcs.join(', '),
      ),
    );
  }

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
  facts.push(
    assumedFact(
      'module-limits',
      'module limits',
      '64 TDMRs, 16 reserved areas per TDMR, 16-byte PAMT entries',
      MODULE_LIMITS_ASSUMED,
    ),
  );
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
  const lastSource = boots[boots.length - 1]?.source ?? '';
  if (lastBoot?.cmdline !== undefined) {
    if (/(^|\s)nohibernate(\s|$)/.test(lastBoot.cmdline)) {
      platform.nohibernate = true;
      facts.push(
        observedFact('hibernation', 'hibernation', 'off (nohibernate)', `${lastSource}:${lastBoot.firstLine}`),
      );
    } else if (
      boots.some((b) => b.boot.moduleVersion !== undefined || b.boot.pamtKb !== undefined || b.boot.cmrs.length > 0)
    ) {
      // The kernel got past its hibernation check, so hibernation was off (published command lines are often cut).
      const why =
        'the command line shows no "nohibernate" but the kernel went on to initialize the module: hibernation assumed off';
      assumptions.push(why);
      facts.push(assumedFact('hibernation', 'hibernation', 'off', why));
    } else {
      platform.nohibernate = false;
      facts.push(
        observedFact(
          'hibernation',
          'hibernation',
          'on (no nohibernate on the command line)',
          `${lastSource}:${lastBoot.firstLine}`,
        ),
      );
    }
  } else if (cmdBoot && NOHIBERNATE.test(cmdBoot.boot.cmdline!))
    facts.push(
      observedFact('hibernation', 'hibernation', 'off (nohibernate)', `${cmdBoot.source}:${cmdBoot.boot.firstLine}`),
    );
  else
    facts.push(
      assumedFact(
        'hibernation',
        'hibernation',
        'off',
        'the command line is not in the artifacts: assumed off (nohibernate)',
      ),
    );
  const blockSize = all.find((f) => f.memoryBlockSize)?.memoryBlockSize;
  if (blockSize && (blockSize & (blockSize - 1)) === 0) {
    platform.memory_block_size = blockSize;
    const src = list.find((l) => l.facts.memoryBlockSize === blockSize)?.source ?? '';
    facts.push(observedFact('memory-blocks', 'memory block size', humanSize(blockSize), src));
  } else
    facts.push(
      assumedFact(
        'memory-blocks',
        'memory block size',
        humanSize(DEFAULT_MEMORY_BLOCK_SIZE),
        'not in the artifacts (lsmem or sysfs give it): the x86 default',
      ),
    );
  const cpuNodes = all.find((f) => f.nodeCpus.size)?.nodeCpus;
  if (cpuNodes) {
    const withCpus = [...cpuNodes.values()].filter((c) => c.length > 0).length;
    if (withCpus > 0) platform.packages = withCpus;
  }
  if (Object.keys(platform).length) host.platform = platform;
  if (devices.length) {
    host.devices = devices;
    facts.push(
      observedFact(
        'devices',
        'device memory',
        devices.map((d) => `${d.name} (${d.kind}, ${humanSize(d.end - d.start)})`).join(', '),
        [...new Set(dev.listed.filter((d) => d.in_host).map((d) => d.source))].join(', '),
      ),
    );
  }
  result.host = host;
  return result;
}
