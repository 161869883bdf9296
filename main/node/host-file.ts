/** Loading a canonical host file: read, parse, validate. */
import type { Host } from '../../engine/host/types.js';
import { parseHost } from '../../engine/host/validate.js';
import { InputError, problemsMessage } from './input-file.js';
import { hostDocument, readHostJson } from './host-file-fast.js';

/**
 * A host file may be a bare HOST document or a golden case file
 * ({ name, category, input: HOST, expected }), whose `input` is used.
 */
export function hostFromJson(file: string, json: unknown): Host {
  const { doc, isCase } = hostDocument(json);
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
  return hostFromJson(file, readHostJson(file));
}
