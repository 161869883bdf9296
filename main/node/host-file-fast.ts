/**
 * Loading a host file without loading the zod schema unless the file is
 * bad: `tdx-lab plan`'s start-up. The plain checks (engine/host/shape.ts)
 * accept exactly what the schema accepts; any file they refuse is handed to
 * host-file.ts, loaded only then, so the message (file, JSON path, problem)
 * is the one every other command gives.
 */
import type { Host } from '../../engine/host/types.js';
import { parseHostPlain } from '../../engine/host/shape.js';
import { readJsonFile } from './input-file.js';

/**
 * A host file may be a bare HOST document or a golden case file
 * ({ name, category, input: HOST, expected }), whose `input` is used.
 */
export function hostDocument(json: unknown): { doc: unknown; isCase: boolean } {
  const isCase =
    typeof json === 'object' && json !== null && !Array.isArray(json) && 'input' in json && 'expected' in json;
  return { doc: isCase ? (json as { input: unknown }).input : json, isCase };
}

/** Reads a host file's JSON: the one reader both loaders use. */
export function readHostJson(file: string): unknown {
  return readJsonFile(file, 'host');
}

/** loadHostFile (host-file.ts), loading the schema only to word a problem. */
export async function loadHostFileFast(file: string): Promise<Host> {
  const json = readHostJson(file);
  const plain = parseHostPlain(hostDocument(json).doc);
  if (plain?.ok) return plain.value;
  const { hostFromJson } = await import('./host-file.js');
  return hostFromJson(file, json);
}
