/**
 * A recorded host document (tdx-lab record / import): the canonical host
 * (when the artifacts had a memory layout) plus what each boot printed.
 */
import type { KernelVariant } from '../../engine/host/types.js';
import { KERNEL_VARIANTS } from '../../engine/host/types.js';
import type { ObservedBoot } from '../../engine/import/observed.js';
import type { RecordedHost } from '../../engine/outcome/analyze.js';
import { hostFromJson } from './host-file.js';
import { InputError } from './input-file.js';

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

export function isObservedBoot(v: unknown): v is ObservedBoot {
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof (v as ObservedBoot).outcome === 'string' &&
    (KERNEL_VARIANTS as readonly KernelVariant[]).includes((v as ObservedBoot).variant) &&
    Array.isArray((v as ObservedBoot).cmrs)
  );
}

export function recordedHostFromJson(file: string, json: unknown): RecordedHost {
  const d = json as Json;
  const observed = Array.isArray(d.observed) ? d.observed : [];
  observed.forEach((o, i) => {
    if (!isObservedBoot(o))
      throw new InputError(`${file}: $.observed[${i}]: not an observed boot (needs outcome, variant and cmrs)`);
  });
  const assumptions = Array.isArray(d.assumptions)
    ? d.assumptions.filter((a): a is string => typeof a === 'string')
    : [];
  const name = typeof d.name === 'string' && d.name ? d.name : 'recorded-host';
  const layoutMissing = typeof d.layout_missing === 'string' ? d.layout_missing : undefined;
  const host = 'memblock' in d ? hostFromJson(file, json) : null;
  const out: RecordedHost = { name, host, observed: observed as ObservedBoot[], assumptions };
  if (!host) out.layoutMissing = layoutMissing ?? 'the recorded host has no memory layout';
  return out;
}
