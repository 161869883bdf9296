/**
 * A recorded host document (tdx-lab record / import): the canonical host
 * (when the artifacts had a memory layout) plus what each boot printed.
 */
import { parseObserved } from '../../engine/import/observed-schema.js';
import type { RecordedHost } from '../../engine/outcome/analyze.js';
import { hostFromJson } from './host-file.js';
import { InputError, problemsMessage } from './input-file.js';

type Json = Record<string, unknown>;

/** A host document with `observed` boots or a `layout_missing` reason is a recorded host. */
export function isRecordedHostJson(json: unknown): boolean {
  return (
    typeof json === 'object' &&
    json !== null &&
    !Array.isArray(json) &&
    ('observed' in json || 'layout_missing' in json)
  );
}

export function recordedHostFromJson(file: string, json: unknown): RecordedHost {
  const d = json as Json;
  // The same check `tdx-lab check` makes: a damaged boot never reaches the evidence as "printed: lots KB".
  const parsed = d.observed === undefined ? { ok: true as const, value: [] } : parseObserved(d.observed);
  if (!parsed.ok) throw new InputError(problemsMessage(file, parsed.problems));
  const observed = parsed.value;
  const assumptions = Array.isArray(d.assumptions)
    ? d.assumptions.filter((a): a is string => typeof a === 'string')
    : [];
  const name = typeof d.name === 'string' && d.name ? d.name : 'recorded-host';
  const layoutMissing = typeof d.layout_missing === 'string' ? d.layout_missing : undefined;
  const host = 'memblock' in d ? hostFromJson(file, json) : null;
  const out: RecordedHost = { name, host, observed, assumptions };
  if (!host) out.layoutMissing = layoutMissing ?? 'the recorded host has no memory layout';
  return out;
}
