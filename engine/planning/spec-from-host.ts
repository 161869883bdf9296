/**
 * Reads a recorded host (a sample or a saved run) back into the parts the
 * host editor edits. Regular servers (one DRAM range per node above 4 GiB,
 * equal nodes, the usual holes below 2 GiB) come back exactly; anything the
 * parts cannot express is listed in `lost` so the editor can say so.
 */
import type { Host } from '../host/types.js';
import { SZ_1G, SZ_4G } from '../format/hex.js';
import {
  DIMM_SIZES_GIB,
  TYPICAL_LOW_MEMORY,
  defaultHostSpec,
  type HostSpec,
  type PlannedDevice,
} from './host-builder.js';

export interface SpecFromHost {
  spec: HostSpec;
  /** Facts of the host the spec does not reproduce (empty: buildHost(spec) gives the host's layout back). */
  lost: string[];
}

/** DIMM count and size giving `gib` per socket with the usual capacities: the fewest DIMMs of a usual size, 8 or more when possible. */
export function dimmPopulation(gibPerSocket: number): { dimms: number; sizeGiB: number } {
  for (const dimms of [8, 16, 12, 4, 2, 1, 24, 32]) {
    const size = gibPerSocket / dimms;
    if (DIMM_SIZES_GIB.includes(size)) return { dimms, sizeGiB: size };
  }
  return { dimms: 1, sizeGiB: gibPerSocket };
}

export function specFromHost(host: Host): SpecFromHost {
  const lost: string[] = [];
  const spec = defaultHostSpec();
  spec.name = host.name;
  if (host.description) spec.description = host.description;
  const cmrCovers = (s: number, e: number) => host.cmrs.some((c) => c.base <= s && e <= c.base + c.size);
  const deviceNames = new Set((host.devices ?? []).map((d) => `${d.start}-${d.end}`));
  // DRAM: memblock regions that are convertible and not hot-added device memory.
  const dram = host.memblock.filter(
    (m) => !deviceNames.has(`${m.start}-${m.end}`) && (cmrCovers(m.start, m.end) || m.start < 0x100000),
  );
  const low = dram.filter((m) => m.end <= 2 * SZ_1G);
  const typical =
    low.length === TYPICAL_LOW_MEMORY.length &&
    low.every((m, i) => m.start === TYPICAL_LOW_MEMORY[i].start && m.end === TYPICAL_LOW_MEMORY[i].end);
  spec.lowMemory = typical ? 'typical' : 'none';
  if (!typical && !(low.length === 1 && low[0].start === 0x100000 && low[0].end === 0x80000000))
    lost.push('the low-memory layout below 2 GiB (replaced by the typical firmware holes)');
  if (!typical) spec.lowMemory = 'typical';
  const high = dram.filter((m) => m.start >= SZ_4G);
  const perNode = new Map<number, number>();
  for (const m of high) perNode.set(m.nid, (perNode.get(m.nid) ?? 0) + (m.end - m.start));
  const nodes = perNode.size || 1;
  const node0 = ((perNode.get(0) ?? 0) + 2 * SZ_1G) / SZ_1G;
  const packages = host.platform?.packages ?? nodes;
  const snc = (nodes / packages) as 1 | 2 | 4;
  if (![1, 2, 4].includes(snc))
    lost.push(`${nodes} NUMA nodes on ${packages} sockets (not 1, 2 or 4 clusters per socket)`);
  spec.sockets = packages;
  spec.snc = [1, 2, 4].includes(snc) ? snc : 1;
  const pop = dimmPopulation(node0 * spec.snc);
  spec.dimmsPerSocket = pop.dimms;
  spec.dimmSizeGiB = pop.sizeGiB;
  for (const [nid, bytes] of perNode)
    if (nid !== 0 && bytes / SZ_1G !== node0)
      lost.push(`node ${nid} has ${bytes / SZ_1G} GiB, node 0 ${node0} GiB (nodes are built equal)`);
  // Devices: named ones, plus memblock memory outside every CMR (memory hot-added before init).
  const devices: PlannedDevice[] = [];
  for (const d of host.devices ?? []) {
    const inMemblock = host.memblock.some((m) => m.start === d.start && m.end === d.end);
    devices.push({
      name: d.name,
      kind: d.kind === 'nvdimm' ? 'nvdimm' : 'cxl',
      sizeGiB: (d.end - d.start) / SZ_1G,
      hotAdd: inMemblock ? 'before-init' : 'after-init',
      convertible: cmrCovers(d.start, d.end) || undefined,
    });
  }
  host.memblock
    .filter((m) => m.start >= SZ_4G && !dram.includes(m) && !deviceNames.has(`${m.start}-${m.end}`))
    .forEach((m, i) =>
      devices.push({ name: `cxl${i}`, kind: 'cxl', sizeGiB: (m.end - m.start) / SZ_1G, hotAdd: 'before-init' }),
    );
  spec.devices = devices.map((d) =>
    d.convertible ? d : { name: d.name, kind: d.kind, sizeGiB: d.sizeGiB, hotAdd: d.hotAdd },
  );
  spec.module = { ...host.module, pamt_entry_size: { ...host.module.pamt_entry_size } };
  if (host.platform) spec.platform = { ...host.platform };
  if (host.reserved.length) spec.reserved = host.reserved.map((r) => ({ ...r }));
  return { spec, lost };
}
