/**
 * Loading a sweep file on the Node side (the CLI now, Electron's main
 * process later): read, validate, load the base host (inline or hostFile
 * relative to the sweep file), check the axes against it. Every problem
 * is an InputError naming the file and the JSON path.
 */
import { dirname, isAbsolute, join } from 'node:path';
import type { KernelVariant } from '../../engine/host/types.js';
import { parseSweep } from '../../engine/sweep/schema.js';
import { resolveSweep, type Sweep, type SweepMode } from '../../engine/sweep/expand.js';
import { InputError, problemsMessage, readJsonFile } from './input-file.js';
import { loadHostFile } from './host-file.js';

export function sweepFromJson(file: string, json: unknown, kernel: KernelVariant, mode: SweepMode = 'init'): Sweep {
  const doc = parseSweep(json);
  if (!doc.ok) throw new InputError(problemsMessage(file, doc.problems));
  let host = doc.value.host;
  if (!host) {
    const hostFile = doc.value.hostFile!;
    const path = isAbsolute(hostFile) ? hostFile : join(dirname(file), hostFile);
    try {
      host = loadHostFile(path);
    } catch (e) {
      if (e instanceof InputError) throw new InputError(`${file}: $.hostFile: ${e.message}`);
      throw e;
    }
  }
  const sweep = resolveSweep(doc.value, host, kernel, mode);
  if (!sweep.ok) throw new InputError(problemsMessage(file, sweep.problems));
  return sweep.value;
}

export function loadSweepFile(file: string, kernel: KernelVariant = 'upstream', mode: SweepMode = 'init'): Sweep {
  return sweepFromJson(file, readJsonFile(file, 'sweep'), kernel, mode);
}
