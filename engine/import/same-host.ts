/**
 * Refuses artifacts of two different machines imported together: differing
 * hostnames, kernels that share no release, different complete CMR lists,
 * or memory totals more than 10% apart.
 */
import { humanSize } from '../format/hex.js';
import type { ArtifactFacts, Range } from './facts.js';
import { subtract } from './devices.js';

export interface SourcedFacts {
  source: string;
  facts: ArtifactFacts;
}

function sum(rs: readonly Range[]): number {
  let t = 0;
  for (const r of rs) t += r.end - r.start;
  return t;
}

/** Memory known to be device memory onlined through kmem, across all the artifacts: not part of a boot RAM total. */
export interface DeviceMemory {
  nodes: ReadonlySet<number>;
  ranges: readonly Range[];
}

function cut(f: ArtifactFacts, table: 'iomem' | 'lsmem'): boolean {
  return (
    f.gaps.some((g) => g.table === table && g.end > g.start) ||
    (table === 'lsmem' && f.listsCut.some((c) => c.what === 'lsmem-json'))
  );
}

/** The boot RAM total an artifact vouches for (complete lists only), and where it came from. */
export function memoryTotal(
  f: ArtifactFacts,
  device: DeviceMemory = { nodes: new Set(), ranges: [] },
): { bytes: number; from: string } | undefined {
  const lastCmrs = [...f.boots].reverse().find((b) => b.cmrs.length && !b.cmrsPartial);
  if (lastCmrs) return { bytes: sum(lastCmrs.cmrs), from: 'CMRs' };
  const usable = f.e820.filter((e) => e.type === 'usable');
  if (usable.length && !f.e820Partial) return { bytes: sum(usable), from: 'e820 usable' };
  if (f.iomemRam.length && !cut(f, 'iomem')) return { bytes: sum(f.iomemRam), from: '/proc/iomem System RAM' };
  const online = f.nodeRanges
    .filter((n) => n.online !== false && (n.zone !== undefined || n.online !== undefined) && !device.nodes.has(n.nid))
    .sort((x, y) => x.start - y.start);
  if (online.length && !cut(f, 'lsmem')) return { bytes: sum(subtract(online, device.ranges)), from: 'lsmem' };
  if (f.nodeSizesMb.size) {
    let mb = 0;
    for (const [nid, v] of f.nodeSizesMb) if (!device.nodes.has(nid)) mb += v;
    return { bytes: mb * 2 ** 20, from: 'numactl' };
  }
  return undefined;
}

function cmrKey(f: ArtifactFacts): string | undefined {
  const b = [...f.boots].reverse().find((x) => x.cmrs.length && !x.cmrsPartial);
  return b?.cmrs.map((c) => `${c.start.toString(16)}-${c.end.toString(16)}`).join(',');
}

/** A message naming both files when b is not the host a is, else undefined. */
export function differentHost(a: SourcedFacts, b: SourcedFacts, device?: DeviceMemory): string | undefined {
  const A = a.facts;
  const B = b.facts;
  // file:line of where each side named the value.
  const at = (s: SourcedFacts, key: string) => {
    const line = s.facts.seenAt.get(key);
    return line === undefined || line <= 0 ? s.source : `${s.source}:${line}`;
  };
  if (A.hostnames.length && B.hostnames.length && !A.hostnames.some((h) => B.hostnames.includes(h))) {
    return `${at(b, `host:${B.hostnames[0]}`)}: not the same host as ${at(a, `host:${A.hostnames[0]}`)}: hostname ${B.hostnames.join('/')} vs ${A.hostnames.join('/')}`;
  }
  if (A.kernels.length && B.kernels.length && !A.kernels.some((k) => B.kernels.includes(k))) {
    return `${at(b, `kernel:${B.kernels[0]}`)}: not the same host as ${at(a, `kernel:${A.kernels[0]}`)}: kernel ${B.kernels.join('/')} vs ${A.kernels.join('/')} (import one boot's artifacts together)`;
  }
  const pre = `${b.source}: not the same host as ${a.source}`;
  const ka = cmrKey(A);
  const kb = cmrKey(B);
  if (ka && kb && ka !== kb)
    return `${at(b, 'cmrs')}: not the same host as ${at(a, 'cmrs')}: the kernels printed different CMR lists`;
  const ta = memoryTotal(A, device);
  const tb = memoryTotal(B, device);
  if (ta && tb && Math.abs(ta.bytes - tb.bytes) > 0.1 * Math.max(ta.bytes, tb.bytes)) {
    return `${pre}: memory total ${humanSize(tb.bytes)} (${tb.from}) vs ${humanSize(ta.bytes)} (${ta.from})`;
  }
  return undefined;
}

/** The first pair of artifacts that disagree about the host, as a message. */
export function mixedHosts(list: readonly SourcedFacts[]): string | undefined {
  const nodes = new Set<number>();
  const ranges: Range[] = [];
  for (const { facts } of list) {
    for (const d of facts.daxDevices) if (d.mode === 'system-ram' && d.nid !== undefined) nodes.add(d.nid);
    for (const d of facts.iomemDevice) if (d.online) ranges.push(d);
  }
  for (let i = 0; i < list.length; i++) {
    for (let j = i + 1; j < list.length; j++) {
      const m = differentHost(list[i], list[j], { nodes, ranges });
      if (m) return m;
    }
  }
  return undefined;
}
