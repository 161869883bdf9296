/** Loading a scenario file: read, resolve its hostFile, validate. */
import { dirname, resolve } from 'node:path';
import { parseScenario } from '../../engine/scenario/parse.js';
import type { Scenario } from '../../engine/scenario/types.js';
import { InputError, problemsMessage, readJsonFile } from './input-file.js';

/** A JSON document that is a scenario (has events, and a host or a hostFile). */
export function isScenarioJson(json: unknown): boolean {
  return (
    typeof json === 'object' &&
    json !== null &&
    !Array.isArray(json) &&
    'events' in json &&
    ('host' in json || 'hostFile' in json)
  );
}

/**
 * Reads and validates a scenario file. `hostFile` (relative to the scenario
 * file; a bare host or a golden case file) may stand in for an inline `host`.
 */
export function loadScenarioFile(file: string): Scenario {
  return scenarioFromJson(file, readJsonFile(file, 'scenario'));
}

/** The scenario and its document with any hostFile inlined (what a stored run keeps to replay it). */
export function loadScenarioDocument(file: string): { scenario: Scenario; doc: unknown } {
  return scenarioAndDocument(file, readJsonFile(file, 'scenario'));
}

/** A scenario document already read from `file` (hostFile is resolved next to it). */
export function scenarioFromJson(file: string, json: unknown): Scenario {
  return scenarioAndDocument(file, json).scenario;
}

function scenarioAndDocument(file: string, json: unknown): { scenario: Scenario; doc: unknown } {
  let doc = json;
  let hostFile: string | undefined;
  if (typeof json === 'object' && json !== null && !Array.isArray(json) && 'hostFile' in json && !('host' in json)) {
    const ref = (json as { hostFile: unknown }).hostFile;
    if (typeof ref !== 'string' || ref === '')
      throw new InputError(`${file}: $.hostFile: must be a path relative to the scenario file`);
    hostFile = resolve(dirname(file), ref);
    const hostJson = readJsonFile(hostFile, 'host');
    const isCase = typeof hostJson === 'object' && hostJson !== null && 'input' in hostJson && 'expected' in hostJson;
    doc = { ...json, host: isCase ? (hostJson as { input: unknown }).input : hostJson };
  }
  const parsed = parseScenario(doc);
  if (!parsed.ok) {
    const hostProblem = hostFile && parsed.problems[0].path.startsWith('$.host');
    if (hostProblem) {
      throw new InputError(
        problemsMessage(
          hostFile!,
          parsed.problems.map((p) => ({ ...p, path: p.path.replace(/^\$\.host/, '$') })),
        ),
      );
    }
    throw new InputError(problemsMessage(file, parsed.problems));
  }
  if (hostFile) delete (doc as Record<string, unknown>).hostFile;
  return { scenario: parsed.value, doc };
}
