/** The sample 2-socket host (resources/scenarios) as a Host, with overrides. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseHost } from '../../engine/host/validate.js';
import type { Host } from '../../engine/host/types.js';
import { PROJECT_ROOT } from '../helpers/golden.js';

export function sampleScenarioJson(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(join(PROJECT_ROOT, 'resources', 'scenarios', `${name}.json`), 'utf8'));
}

export function sampleHostJson(): Record<string, unknown> {
  return sampleScenarioJson('boot-dram-only').host as Record<string, unknown>;
}

export function sampleHost(mutate: (h: Record<string, any>) => void = () => {}): Host {
  const json = structuredClone(sampleHostJson()) as Record<string, any>;
  mutate(json);
  const r = parseHost(json);
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.value;
}
