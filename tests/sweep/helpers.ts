/** Shared by the sweep tests: golden hosts as bases, and sweeps built in memory. */
import type { Host, KernelVariant } from '../../engine/host/types.js';
import { parseHost } from '../../engine/host/validate.js';
import { parseSweep } from '../../engine/sweep/schema.js';
import { resolveSweep, type Sweep, type SweepMode } from '../../engine/sweep/expand.js';
import { loadGoldenCases, type GoldenCase } from '../helpers/golden.js';

export function goldenCase(name: string, variant: KernelVariant = 'upstream'): GoldenCase {
  const c = loadGoldenCases(variant).find((g) => g.name === name);
  if (!c) throw new Error(`no golden case ${name}`);
  return c;
}

export function goldenHost(name: string): Host {
  const r = parseHost(goldenCase(name).input);
  if (!r.ok) throw new Error(`golden case ${name} does not parse`);
  return r.value;
}

/** A sweep over the golden 2-socket server with the given axes (must be valid). */
export function serverSweep(axes: unknown[], mode: SweepMode = 'plan', kernel: KernelVariant = 'upstream'): Sweep {
  const doc = parseSweep({ name: 'test', host: goldenCase('server-2s-256g').input, axes });
  if (!doc.ok) throw new Error(`bad test sweep: ${JSON.stringify(doc.problems)}`);
  const s = resolveSweep(doc.value, doc.value.host!, kernel, mode);
  if (!s.ok) throw new Error(`bad test sweep: ${JSON.stringify(s.problems)}`);
  return s.value;
}
