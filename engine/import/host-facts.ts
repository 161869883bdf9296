/**
 * The facts a recorded host rests on, each marked observed (with the
 * artifact and line it was read from) or assumed (with why), so no face
 * ever shows an assumption as a fact: "NUMA nodes: 1 (assumed: the
 * artifacts have no node lines)". The importer (build-host.ts) and the
 * probe write them; the outcome renders them.
 */

/** observed: read off an artifact; assumed: the lab had to assume it; recorded: in a recorded host that does not say where it came from. */
export type FactBasis = 'observed' | 'assumed' | 'recorded';

export type HostFactId =
  | 'hostname'
  | 'kernel'
  | 'cpu'
  | 'cmdline'
  | 'memory'
  | 'numa'
  | 'cmrs'
  | 'reserved'
  | 'module-limits'
  | 'module-version'
  | 'keyids'
  | 'acpi-s3'
  | 'hibernation'
  | 'memory-blocks'
  | 'devices';

export interface HostFact {
  id: HostFactId;
  label: string;
  value: string;
  basis: FactBasis;
  /** The artifact it was read from ("dmesg.txt:12", "/proc/iomem"), when observed. */
  source?: string;
  /** Why it was assumed, or what is not known about it. */
  why?: string;
}

export const HOST_FACT_IDS: readonly HostFactId[] = [
  'hostname',
  'kernel',
  'cpu',
  'cmdline',
  'memory',
  'numa',
  'cmrs',
  'reserved',
  'module-limits',
  'module-version',
  'keyids',
  'acpi-s3',
  'hibernation',
  'memory-blocks',
  'devices',
];

export function observedFact(id: HostFactId, label: string, value: string, source: string, why?: string): HostFact {
  const f: HostFact = { id, label, value, basis: 'observed', source };
  if (why) f.why = why;
  return f;
}

export function assumedFact(id: HostFactId, label: string, value: string, why: string): HostFact {
  return { id, label, value, basis: 'assumed', why };
}

/** Reads `facts` back from a recorded host document (entries of the wrong shape are dropped). */
export function factsFromJson(list: readonly unknown[]): HostFact[] {
  const out: HostFact[] = [];
  for (const x of list) {
    if (typeof x !== 'object' || x === null) continue;
    const o = x as Record<string, unknown>;
    if (!(HOST_FACT_IDS as readonly unknown[]).includes(o.id)) continue;
    if (typeof o.label !== 'string' || typeof o.value !== 'string') continue;
    if (o.basis !== 'observed' && o.basis !== 'assumed' && o.basis !== 'recorded') continue;
    const f: HostFact = { id: o.id as HostFactId, label: o.label, value: o.value, basis: o.basis };
    if (typeof o.source === 'string') f.source = o.source;
    if (typeof o.why === 'string') f.why = o.why;
    out.push(f);
  }
  return out;
}
