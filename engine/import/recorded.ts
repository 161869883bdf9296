/**
 * The recorded-host document: the canonical host (hostToJson) plus new
 * top-level keys parseHost ignores: `observed` (what each boot printed),
 * `assumptions`, `provenance`, and for `record` the raw `artifacts`.
 * Without a memory layout only the extra keys are written.
 */
import { hostToJson } from '../format/host-json.js';
import type { ImportResult } from './build-host.js';
import type { ObservedBoot } from './observed.js';

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
}

export function recordedHostDoc(
  result: ImportResult,
  provenance: Provenance,
  artifacts?: Record<string, unknown>,
): RecordedHostDoc {
  const base = result.host ? hostToJson(result.host) : { name: result.hostname ?? 'imported-host' };
  const doc: RecordedHostDoc = { ...base, observed: result.observed, assumptions: result.assumptions, provenance };
  if (!result.host) doc.layout_missing = result.noHostReason ?? 'no memory layout';
  if (artifacts) doc.artifacts = artifacts;
  return doc;
}
