/**
 * Memory topology from sysfs: memory blocks (/sys/devices/system/memory:
 * block_size_bytes and memoryN/{phys_index,state,valid_zones,removable,nodeN}),
 * NUMA nodes (/sys/devices/system/node/nodeN/cpulist), the firmware memory
 * map (/sys/firmware/memmap/N/{start,end,type}), CXL regions
 * (/sys/bus/cxl/devices/regionN/{resource,size}) and DAX devices
 * (/sys/bus/dax/devices/daxX.Y/{target_node,size,driver}).
 */
import type { ArtifactFacts, NodeRange } from '../../engine/import/facts.js';
import { hexNumber } from '../../engine/import/facts.js';
import { normalizeType } from '../../engine/import/e820.js';
import { isMemoryBlockSize } from '../../engine/host/validate.js';
import { parseCpuList, type SysRoot } from './sysfs-read.js';

export interface MemoryBlock {
  index: number;
  start: number;
  end: number;
  state: string;
  nid: number;
  zones?: string;
  removable?: boolean;
}

export function readMemoryBlocks(
  sys: SysRoot,
  facts: ArtifactFacts,
  missing: { fact: string; why: string }[],
): MemoryBlock[] {
  const bs = sys.text('sys/devices/system/memory/block_size_bytes', 'memory block size');
  if (!bs.ok) {
    missing.push({ fact: 'memory blocks', why: `/sys/devices/system/memory/block_size_bytes: ${bs.why}` });
    return [];
  }
  const blockSize = hexNumber(bs.value.trim());
  if (!blockSize) {
    missing.push({ fact: 'memory blocks', why: `block_size_bytes "${bs.value.trim()}" is not hex` });
    return [];
  }
  if (!isMemoryBlockSize(blockSize)) {
    // Only this fact is lost: the rest of the record stands.
    missing.push({
      fact: 'memory blocks',
      why: `block_size_bytes "${bs.value.trim()}" is not a memory block size (a power of two from 128 KiB to 1 TiB)`,
    });
    return [];
  }
  facts.memoryBlockSize = blockSize;
  const list = sys.dir('sys/devices/system/memory');
  if (!list.ok) return [];
  const blocks: MemoryBlock[] = [];
  for (const name of list.value.filter((n) => /^memory\d+$/.test(n))) {
    const base = `sys/devices/system/memory/${name}`;
    const idx = sys.text(`${base}/phys_index`, `${name} phys_index`, { quiet: true });
    const phys = idx.ok ? hexNumber(idx.value.trim()) : undefined;
    if (phys === undefined) {
      sys.failed.push({ source: sys.name(`${base}/phys_index`), why: idx.ok ? 'not hex' : idx.why });
      continue;
    }
    const entries = sys.dir(base, { quiet: true });
    const nodeEntry = entries.ok ? entries.value.find((e) => /^node\d+$/.test(e)) : undefined;
    const state = sys.text(`${base}/state`, `${name} state`, { quiet: true });
    const zones = sys.text(`${base}/valid_zones`, `${name} valid_zones`, { quiet: true });
    const removable = sys.text(`${base}/removable`, `${name} removable`, { quiet: true });
    blocks.push({
      index: Number(name.slice(6)),
      start: phys * blockSize,
      end: (phys + 1) * blockSize,
      state: state.ok ? state.value.trim() : 'unknown',
      nid: nodeEntry ? Number(nodeEntry.slice(4)) : -1,
      zones: zones.ok ? zones.value.trim() : undefined,
      removable: removable.ok ? removable.value.trim() === '1' : undefined,
    });
  }
  blocks.sort((a, b) => a.start - b.start);
  // Contiguous blocks with one node, state and zone form one range (as lsmem shows them).
  const ranges: NodeRange[] = [];
  for (const b of blocks) {
    const online = b.state === 'online';
    const zone = b.zones?.split(/\s+/)[0];
    const last = ranges[ranges.length - 1];
    if (last && last.end === b.start && last.nid === b.nid && last.online === online && last.zone === zone)
      last.end = b.end;
    else ranges.push({ start: b.start, end: b.end, nid: b.nid, online, zone });
  }
  facts.nodeRanges.push(...ranges);
  return blocks;
}

export function readNodes(sys: SysRoot, facts: ArtifactFacts): number[] {
  const list = sys.dir('sys/devices/system/node');
  if (!list.ok) return [];
  const nodes: number[] = [];
  for (const name of list.value.filter((n) => /^node\d+$/.test(n))) {
    const nid = Number(name.slice(4));
    nodes.push(nid);
    const cpus = sys.text(`sys/devices/system/node/${name}/cpulist`, `${name} CPUs`, { quiet: true });
    facts.nodeCpus.set(nid, cpus.ok ? parseCpuList(cpus.value) : []);
    const meminfo = sys.text(`sys/devices/system/node/${name}/meminfo`, `${name} meminfo`, { quiet: true });
    const total = meminfo.ok ? /MemTotal:\s+(\d+) kB/.exec(meminfo.value) : null;
    if (total) facts.nodeSizesMb.set(nid, Math.round(Number(total[1]) / 1024));
  }
  return nodes;
}

export function readFirmwareMemmap(sys: SysRoot, facts: ArtifactFacts): boolean {
  const list = sys.dir('sys/firmware/memmap');
  if (!list.ok) return false;
  for (const n of list.value.filter((x) => /^\d+$/.test(x))) {
    const s = sys.text(`sys/firmware/memmap/${n}/start`, 'memmap', { quiet: true });
    const e = sys.text(`sys/firmware/memmap/${n}/end`, 'memmap', { quiet: true });
    const t = sys.text(`sys/firmware/memmap/${n}/type`, 'memmap', { quiet: true });
    const start = s.ok ? hexNumber(s.value.trim()) : undefined;
    const end = e.ok ? hexNumber(e.value.trim()) : undefined;
    if (start === undefined || end === undefined || !t.ok) {
      sys.failed.push({ source: `/sys/firmware/memmap/${n}`, why: 'start, end or type unreadable' });
      continue;
    }
    facts.e820.push({ start, end: end + 1, type: normalizeType(t.value.trim()) });
  }
  facts.e820.sort((a, b) => a.start - b.start);
  return facts.e820.length > 0;
}

export function readCxlAndDax(sys: SysRoot, facts: ArtifactFacts): void {
  const cxl = sys.dir('sys/bus/cxl/devices', { quiet: true });
  if (cxl.ok) {
    for (const r of cxl.value.filter((n) => /^region\d+$/.test(n))) {
      const res = sys.text(`sys/bus/cxl/devices/${r}/resource`, `CXL ${r}`, { quiet: true });
      const size = sys.text(`sys/bus/cxl/devices/${r}/size`, `CXL ${r}`, { quiet: true });
      const start = res.ok ? hexNumber(res.value.trim()) : undefined;
      const sz = size.ok ? hexNumber(size.value.trim()) : undefined;
      if (start !== undefined && sz) facts.cxlRegions.push({ name: r, start, end: start + sz });
    }
  }
  const dax = sys.dir('sys/bus/dax/devices', { quiet: true });
  if (dax.ok) {
    for (const d of dax.value.filter((n) => /^dax\d+\.\d+$/.test(n))) {
      const node = sys.text(`sys/bus/dax/devices/${d}/target_node`, `${d} target node`, { quiet: true });
      const size = sys.text(`sys/bus/dax/devices/${d}/size`, `${d} size`, { quiet: true });
      const driver = sys.link(`sys/bus/dax/devices/${d}/driver`);
      facts.daxDevices.push({
        name: d,
        size: size.ok ? Number(size.value.trim()) : 0,
        nid: node.ok ? Number(node.value.trim()) : undefined,
        mode: driver && /kmem$/.test(driver) ? 'system-ram' : 'devdax',
      });
    }
  }
}
