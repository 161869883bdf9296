/** Loading a canonical host file: read, parse, validate. */
import type { Host } from '../../engine/host/types.js';
import { parseHost } from '../../engine/host/validate.js';
import { InputError, problemsMessage, readJsonFile } from './input-file.js';

/**
 * A host file may be a bare HOST document or a golden case file
 * ({ name, category, input: HOST, expected }), whose `input` is used.
 */
export function hostFromJson(file: string, json: unknown): Host {
  const isCase =
    typeof json === 'object' && json !== null && !Array.isArray(json) && 'input' in json && 'expected' in json;
  const doc = isCase ? (json as { input: unknown }).input : json;
  const parsed = parseHost(doc);
  if (!parsed.ok) {
    const problems = isCase
      ? parsed.problems.map((p) => ({ ...p, path: p.path.replace(/^\$/, '$.input') }))
      : parsed.problems;
    throw new InputError(problemsMessage(file, problems));
  }
  return parsed.value;
}

export function loadHostFile(file: string): Host {
  return hostFromJson(file, readJsonFile(file, 'host'));
}
