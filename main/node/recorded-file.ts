/**
 * A recorded host document (tdx-lab record / import): the canonical host
 * (when the artifacts had a memory layout) plus what each boot printed.
 */
import { parseObserved } from '../../engine/import/observed-schema.js';
import type { RecordedHost } from '../../engine/outcome/analyze.js';
import { factsFromJson } from '../../engine/import/host-facts.js';
import type { RecordedPlatform } from '../../engine/readiness/recorded.js';
import type { ReportedPlatform } from '../../engine/import/facts.js';
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
  if (Array.isArray(d.facts)) out.facts = factsFromJson(d.facts);
  const platform = platformOf(d);
  if (platform) out.platform = platform;
  return out;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const obj = (v: unknown): Json | undefined =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : undefined;

/** The readiness inputs a recorded host keeps: `probe` (record) and `reported` (a system-report.sh); wrong shapes are left out. */
function platformOf(d: Json): RecordedPlatform | undefined {
  const out: RecordedPlatform = {};
  const probe = obj(d.probe);
  if (probe) {
    if (Array.isArray(probe.msrs))
      out.msrs = probe.msrs
        .map(obj)
        .filter((m): m is Json => m !== undefined && typeof m.index === 'string')
        .map((m) => ({ index: m.index as string, value: str(m.value), why: str(m.why) }));
    const c = obj(probe.cpuid);
    if (c && typeof c.vendor === 'string' && typeof c.family === 'number' && typeof c.model === 'number')
      out.cpuid = {
        vendor: c.vendor,
        family: c.family,
        model: c.model,
        vmx: c.vmx === true,
        ...(typeof c.sgx === 'boolean' && { sgx: c.sgx }),
        ...(typeof c.tme === 'boolean' && { tme: c.tme }),
      };
    if (Array.isArray(probe.cpu_flags))
      out.cpuFlags = probe.cpu_flags.filter((x): x is string => typeof x === 'string');
    if (str(probe.cmdline)) out.cmdline = str(probe.cmdline);
    if (str(probe.kvm_intel_tdx)) out.kvmTdxParam = str(probe.kvm_intel_tdx);
  }
  const rep = obj(d.reported);
  if (rep) {
    const r: ReportedPlatform = {};
    for (const k of ['tmeEnable', 'seamrrEnabled', 'tdxKeyids', 'mcheckStatus'] as const)
      if (typeof rep[k] === 'number') r[k] = rep[k] as number;
    if (typeof rep.cpuTdx === 'boolean') r.cpuTdx = rep.cpuTdx;
    out.reported = r;
  }
  return Object.keys(out).length ? out : undefined;
}
