/**
 * `cxl list` JSON (regions with -R, possibly nested under "regions" or a
 * bus object) and `daxctl list` JSON: device memory ranges and target nodes.
 */
import { ArtifactError, type ArtifactFacts, hexNumber } from './facts.js';

function num(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isSafeInteger(v)) return v;
  if (typeof v === 'string')
    return /^0x/i.test(v) ? hexNumber(v) : Number.isSafeInteger(Number(v)) ? Number(v) : undefined;
  return undefined;
}

export function cxlListJson(json: unknown, facts: ArtifactFacts): void {
  let found = 0;
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) return v.forEach(walk);
    if (typeof v !== 'object' || v === null) return;
    const o = v as Record<string, unknown>;
    if (typeof o.region === 'string') {
      const start = num(o.resource);
      const size = num(o.size);
      if (start !== undefined && size !== undefined && size > 0) {
        facts.cxlRegions.push({
          name: o.region,
          start,
          end: start + size,
          nid: num(o.target_node) ?? num(o.numa_node),
        });
        found++;
      }
    }
    if (typeof o.chardev === 'string' && /^dax/.test(o.chardev)) {
      facts.daxDevices.push({
        name: o.chardev,
        size: num(o.size) ?? 0,
        nid: num(o.target_node),
        mode: typeof o.mode === 'string' ? o.mode : undefined,
      });
      found++;
    }
    for (const k of Object.keys(o)) if (typeof o[k] === 'object') walk(o[k]);
  };
  walk(json);
  if (found === 0) throw new ArtifactError(undefined, 'cxl/daxctl JSON lists no region or device');
}
