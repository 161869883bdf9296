/**
 * /proc/iomem lines pasted into the host editor's raw table, read by the one
 * importer (artifact.ts recognises them, iomem.ts parses them, build-host.ts
 * turns "System RAM" into memblock, "Kernel code/data" into reserved ranges
 * and CXL / persistent-memory entries into devices). Only the rows are
 * returned: the editor keeps its own CMRs and module limits. Pure.
 */
import type { Device, MemblockRegion, ReservedRange } from '../host/types.js';
import { parseArtifactText } from './artifact.js';
import { MODULE_LIMITS_ASSUMED, NO_CMRS_ASSUMED, buildHost } from './build-host.js';
import { ArtifactError } from './facts.js';

/** Pasted text is bounded: a whole /proc/iomem of a large server is well under 1 MiB. */
export const MAX_IOMEM_PASTE_CHARS = 4 * 1024 * 1024;

export interface IomemRows {
  memblock: MemblockRegion[];
  reserved: ReservedRange[];
  devices: Device[];
  /** What the importer assumed about these rows (no NUMA information: node 0, …), in its own words; not what it assumed of CMRs and module limits, which the editor keeps. */
  assumptions: string[];
  /** Lines read. */
  lines: number;
}

export type IomemPasteResult = { ok: true; value: IomemRows } | { ok: false; problem: string };

const SOURCE = 'pasted lines';

export function iomemRows(text: string): IomemPasteResult {
  if (text.length > MAX_IOMEM_PASTE_CHARS)
    return { ok: false, problem: `${SOURCE}: more than ${MAX_IOMEM_PASTE_CHARS} characters` };
  if (text.trim() === '') return { ok: false, problem: `${SOURCE}: nothing was pasted` };
  let facts;
  try {
    facts = parseArtifactText(SOURCE, text);
  } catch (e) {
    if (e instanceof ArtifactError)
      return { ok: false, problem: `${SOURCE}${e.line !== undefined ? `: line ${e.line}` : ''}: ${e.message}` };
    throw e;
  }
  const example = 'lines like "100000000-407fffffff : System RAM"';
  if (!facts.kinds.includes('iomem'))
    return { ok: false, problem: `${SOURCE}: no /proc/iomem lines (expected ${example})` };
  const other = facts.kinds.filter((k) => k !== 'iomem');
  if (other.length)
    return {
      ok: false,
      problem: `${SOURCE}: /proc/iomem mixed with ${other.join(', ')} lines: paste /proc/iomem only (${example})`,
    };
  const r = buildHost([{ source: SOURCE, facts }]);
  if (!r.host) return { ok: false, problem: `${SOURCE}: ${r.noHostReason ?? 'no memory found'}` };
  return {
    ok: true,
    value: {
      memblock: r.host.memblock,
      reserved: r.host.reserved,
      devices: r.host.devices ?? [],
      assumptions: r.assumptions.filter((a) => a !== NO_CMRS_ASSUMED && a !== MODULE_LIMITS_ASSUMED),
      lines: text.split(/\r?\n/).filter((l) => l.trim() !== '').length,
    },
  };
}
