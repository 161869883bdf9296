/** Shared inputs for the outcome tests: samples, scenarios and golden cases, analysed. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseHost } from '../../engine/host/validate.js';
import type { Host, KernelVariant } from '../../engine/host/types.js';
import { parseScenario } from '../../engine/scenario/parse.js';
import type { Scenario } from '../../engine/scenario/types.js';
import { analyzeHost, analyzeScenario } from '../../engine/outcome/analyze.js';
import type { FindingId, Outcome } from '../../engine/outcome/types.js';
import { FIXTURES, PROJECT_ROOT } from '../helpers/golden.js';

export const HOSTS_DIR = join(PROJECT_ROOT, 'resources', 'hosts');
export const SCENARIOS_DIR = join(PROJECT_ROOT, 'resources', 'scenarios');

export function sampleHost(name: string): Host {
  const p = parseHost(JSON.parse(readFileSync(join(HOSTS_DIR, `${name}.json`), 'utf8')));
  if (!p.ok) throw new Error(`${name}: ${p.problems[0].message}`);
  return p.value;
}

export function goldenHost(variant: 'upstream' | 'cmr-holes', name: string): Host {
  const doc = JSON.parse(readFileSync(join(FIXTURES, 'golden', variant, `${name}.json`), 'utf8'));
  const p = parseHost(doc.input);
  if (!p.ok) throw new Error(`${name}: ${p.problems[0].message}`);
  return p.value;
}

export function scenarioDoc(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(join(SCENARIOS_DIR, `${name}.json`), 'utf8'));
}

export function scenarioOf(doc: unknown): Scenario {
  const p = parseScenario(doc);
  if (!p.ok) throw new Error(`scenario: ${p.problems[0].path}: ${p.problems[0].message}`);
  return p.value;
}

export function hostOutcome(name: string, kernel: KernelVariant = 'upstream'): Outcome {
  return analyzeHost(sampleHost(name), kernel);
}

export function scenarioOutcome(name: string): Outcome {
  return analyzeScenario(scenarioOf(scenarioDoc(name)));
}

export function ids(o: Outcome): FindingId[] {
  return o.findings.map((f) => f.id);
}

/** Every word a face could show of the findings: titles, causes, evidence, fixes and trials. */
export function allText(o: Outcome): string {
  return JSON.stringify(o.findings) + o.verdict.headline;
}
