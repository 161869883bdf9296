/**
 * Builds a canonical Host from the parts a platform engineer plans with:
 * sockets and sub-NUMA clusters, DIMM population, the firmware holes below
 * 4 GiB, CXL/NVDIMM devices, CMRs, module limits and platform facts. Pure.
 *
 * Layout conventions (those of the golden "server" cases): low memory below
 * 2 GiB belongs to the first node, the 2-4 GiB MMIO hole has no memory,
 * node 0's share above 4 GiB is its capacity minus what it has below 2 GiB
 * (rounded to 1 GiB), and every later node follows back to back. Device
 * memory sits in a window above the top of DRAM, aligned to 64 GiB, as CXL
 * host bridges' fixed memory windows usually are.
 */
import type { Cmr, Device, Host, MemblockRegion, ModuleLimits, Platform, ReservedRange } from '../host/types.js';
import { SZ_1G, SZ_4G, alignUp } from '../format/hex.js';

export const DIMM_SIZES_GIB: readonly number[] = [16, 32, 48, 64, 96, 128, 256];

/** Usable ranges below 2 GiB on a typical server (golden server cases); [0x1000, 0x9f000) is dropped by the 1 MiB rule. */
export const TYPICAL_LOW_MEMORY: readonly { start: number; end: number }[] = [
  { start: 0x1000, end: 0x9f000 },
  { start: 0x100000, end: 0x5f0e0000 },
  { start: 0x5f400000, end: 0x6ca00000 },
  { start: 0x6f000000, end: 0x7ff00000 },
];

export interface PlannedDevice {
  name: string;
  kind: 'cxl' | 'nvdimm';
  sizeGiB: number;
  /**
   * When kmem brings the memory online: 'before-init' puts it into memblock
   * (and so into the TDMRs), 'after-init' and 'never' leave it a device only.
   */
  hotAdd: 'before-init' | 'after-init' | 'never';
  /** Whether the firmware reports it convertible (a CMR). First-generation TDX: never. */
  convertible?: boolean;
}

export interface HostSpec {
  name: string;
  description?: string;
  sockets: number;
  /** Sub-NUMA clusters per socket: 1 (off), 2 or 4. */
  snc: 1 | 2 | 4;
  dimmsPerSocket: number;
  dimmSizeGiB: number;
  /** 'typical': the firmware holes of a real server below 2 GiB; 'none': one clean range from 1 MiB to 2 GiB. */
  lowMemory: 'typical' | 'none';
  devices: PlannedDevice[];
  /** 'boot-dram': every boot memory range convertible (the usual BIOS); devices per their own flag. */
  cmrs: 'boot-dram';
  module: ModuleLimits;
  platform?: Platform;
  reserved?: ReservedRange[];
}

export const DEFAULT_MODULE: ModuleLimits = {
  max_tdmrs: 64,
  max_reserved_per_tdmr: 16,
  pamt_entry_size: { '4k': 16, '2m': 16, '1g': 16 },
  version: '1.5.06',
};

export function defaultHostSpec(): HostSpec {
  return {
    name: 'planned-host',
    sockets: 2,
    snc: 1,
    dimmsPerSocket: 8,
    dimmSizeGiB: 32,
    lowMemory: 'typical',
    devices: [],
    cmrs: 'boot-dram',
    module: { ...DEFAULT_MODULE, pamt_entry_size: { ...DEFAULT_MODULE.pamt_entry_size } },
  };
}

/** Problems with a spec, as [field, message] pairs; empty when it can be built. */
export function checkHostSpec(spec: HostSpec): [string, string][] {
  const p: [string, string][] = [];
  const int = (v: number, min: number, max: number) => Number.isInteger(v) && v >= min && v <= max;
  if (!int(spec.sockets, 1, 8)) p.push(['sockets', 'must be a whole number from 1 to 8']);
  if (![1, 2, 4].includes(spec.snc)) p.push(['snc', 'must be 1, 2 or 4']);
  if (!int(spec.dimmsPerSocket, 1, 32)) p.push(['dimmsPerSocket', 'must be a whole number from 1 to 32']);
  if (!(spec.dimmSizeGiB > 0) || !Number.isInteger(spec.dimmSizeGiB))
    p.push(['dimmSizeGiB', 'must be a whole number of GiB']);
  const perNode = (spec.dimmsPerSocket * spec.dimmSizeGiB) / spec.snc;
  if (p.length === 0 && (!Number.isInteger(perNode) || perNode < 4)) {
    p.push(['dimmsPerSocket', `gives ${perNode} GiB per NUMA node; each node needs a whole number of GiB, at least 4`]);
  }
  spec.devices.forEach((d, i) => {
    if (!(d.sizeGiB > 0) || !Number.isInteger(d.sizeGiB))
      p.push([`devices[${i}].sizeGiB`, 'must be a whole number of GiB']);
    if (!d.name) p.push([`devices[${i}].name`, 'must not be empty']);
  });
  if (!int(spec.module.max_tdmrs, 1, 1 << 20)) p.push(['module.max_tdmrs', 'must be a positive whole number']);
  if (!int(spec.module.max_reserved_per_tdmr, 1, 1 << 20))
    p.push(['module.max_reserved_per_tdmr', 'must be a positive whole number']);
  return p;
}

export function buildHost(spec: HostSpec): Host {
  const problems = checkHostSpec(spec);
  if (problems.length > 0) throw new Error(`host spec: ${problems[0][0]}: ${problems[0][1]}`);
  const nodes = spec.sockets * spec.snc;
  const perNode = ((spec.dimmsPerSocket * spec.dimmSizeGiB) / spec.snc) * SZ_1G;
  const low = spec.lowMemory === 'typical' ? TYPICAL_LOW_MEMORY : [{ start: 0x100000, end: 0x80000000 }];

  const memblock: MemblockRegion[] = low.map((r) => ({ start: r.start, end: r.end, nid: 0 }));
  const cmrs: Cmr[] = low.filter((r) => r.start >= 0x100000).map((r) => ({ base: r.start, size: r.end - r.start }));
  // Node 0 has its low memory below 2 GiB; the rest of its capacity starts at 4 GiB.
  let addr = SZ_4G;
  for (let nid = 0; nid < nodes; nid++) {
    const size = nid === 0 ? perNode - 2 * SZ_1G : perNode;
    memblock.push({ start: addr, end: addr + size, nid });
    addr += size;
  }
  cmrs.push({ base: SZ_4G, size: addr - SZ_4G });

  const devices: Device[] = [];
  let window = alignUp(addr, 64 * SZ_1G);
  spec.devices.forEach((d, i) => {
    const size = d.sizeGiB * SZ_1G;
    const nid = nodes + i; // CXL memory appears as a CPU-less NUMA node of its own.
    devices.push({ name: d.name, kind: d.kind, start: window, end: window + size, nid, zone: 'movable' });
    if (d.hotAdd === 'before-init') memblock.push({ start: window, end: window + size, nid, zone: 'movable' });
    if (d.convertible) cmrs.push({ base: window, size });
    window = alignUp(window + size, 64 * SZ_1G);
  });

  const host: Host = {
    name: spec.name,
    memblock,
    reserved: spec.reserved ? spec.reserved.map((r) => ({ ...r })) : [],
    module: { ...spec.module, pamt_entry_size: { ...spec.module.pamt_entry_size } },
    cmrs,
    platform: { packages: spec.sockets, ...spec.platform },
  };
  if (spec.description) host.description = spec.description;
  if (devices.length > 0) host.devices = devices;
  return host;
}
