/**
 * The recorded-host document: the canonical host (hostToJson) plus new
 * top-level keys parseHost ignores: `observed` (what each boot printed),
 * `assumptions`, `provenance`, and for `record` the raw `artifacts`.
 * Without a memory layout only the extra keys are written.
 */
import { hostToJson } from '../format/host-json.js';
import { hex, parseHex } from '../format/hex.js';
import type { ImportResult } from './build-host.js';
import type { ListedDevice } from './devices.js';
import type { ObservedBoot } from './observed.js';
import type { HostFact } from './host-facts.js';

export interface Provenance {
  tool: string;
  /** record | import */
  how: 'record' | 'import';
  hostname?: string;
  kernel?: string;
  cpu_model?: string;
  time?: string;
  sources_read: { source: string; kinds?: string[]; lines?: number }[];
  sources_failed: { source: string; why: string }[];
}

export interface RecordedHostDoc {
  name: string;
  [key: string]: unknown;
  observed: ObservedBoot[];
  assumptions: string[];
  provenance: Provenance;
  artifacts?: Record<string, unknown>;
  layout_missing?: string;
  devices_listed?: Record<string, unknown>[];
  /** The host's facts, each observed (with its artifact) or assumed (with why). */
  facts?: HostFact[];
}

/** A listed device as JSON: addresses and sizes in hex like the rest of the host. */
function listedToJson(d: ListedDevice): Record<string, unknown> {
  const o: Record<string, unknown> = { name: d.name, what: d.what };
  if (d.kind) o.kind = d.kind;
  if (d.start !== undefined && d.end !== undefined) {
    o.start = hex(d.start);
    o.end = hex(d.end);
  }
  if (d.size !== undefined) o.size = hex(d.size);
  if (d.nid !== undefined) o.nid = d.nid;
  if (d.mode) o.mode = d.mode;
  o.source = d.source;
  o.in_host = d.in_host;
  if (d.why_not) o.why_not = d.why_not;
  return o;
}

/** Reads `devices_listed` back from a recorded host (entries that are not objects with a name are dropped). */
export function listedFromJson(list: readonly unknown[]): ListedDevice[] {
  const out: ListedDevice[] = [];
  for (const x of list) {
    if (typeof x !== 'object' || x === null) continue;
    const o = x as Record<string, unknown>;
    if (typeof o.name !== 'string' || typeof o.what !== 'string') continue;
    const d: ListedDevice = {
      name: o.name,
      what: o.what,
      source: typeof o.source === 'string' ? o.source : '',
      in_host: o.in_host === true,
    };
    if (o.kind === 'cxl' || o.kind === 'nvdimm' || o.kind === 'dimm') d.kind = o.kind;
    const start = typeof o.start === 'string' ? parseHex(o.start) : undefined;
    const end = typeof o.end === 'string' ? parseHex(o.end) : undefined;
    if (start !== undefined && end !== undefined) {
      d.start = start;
      d.end = end;
    }
    const size = typeof o.size === 'string' ? parseHex(o.size) : undefined;
    if (size !== undefined) d.size = size;
    if (typeof o.nid === 'number' && Number.isInteger(o.nid)) d.nid = o.nid;
    if (typeof o.mode === 'string') d.mode = o.mode;
    if (typeof o.why_not === 'string') d.why_not = o.why_not;
    out.push(d);
  }
  return out;
}

export function recordedHostDoc(
  result: ImportResult,
  provenance: Provenance,
  artifacts?: Record<string, unknown>,
): RecordedHostDoc {
  const base = result.host ? hostToJson(result.host) : { name: result.name ?? result.hostname ?? 'imported-host' };
  const doc: RecordedHostDoc = { ...base, observed: result.observed, assumptions: result.assumptions, provenance };
  if (!result.host) doc.layout_missing = result.noHostReason ?? 'no memory layout';
  if (result.facts.length) doc.facts = result.facts;
  if (result.devicesListed.length) doc.devices_listed = result.devicesListed.map(listedToJson);
  if (artifacts) doc.artifacts = artifacts;
  return doc;
}
