/**
 * `cxl list` JSON (regions with -R, memdevs with -M, buses, ports, decoders,
 * endpoints, nested as `cxl list -BMDER` nests them) and `daxctl list` JSON
 * (dax regions with their devices, or bare devices): device memory ranges,
 * target nodes and what the memory is.
 *
 * A list that holds only memdevs (no region yet) is valid: it says which
 * CXL devices exist and their capacity, though none has a host physical
 * address to hot-add.
 */
import { ArtifactError, type ArtifactFacts, type DeviceKind, MAX_PHYS, hexNumber } from './facts.js';

function num(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isSafeInteger(v)) return v;
  if (typeof v === 'string')
    return /^0x/i.test(v) ? hexNumber(v) : Number.isSafeInteger(Number(v)) ? Number(v) : undefined;
  return undefined;
}

/** What a daxctl region's path says its memory is: CXL, an NVDIMM (ndbus) or, for hmem, nothing definite. */
function kindOfPath(path: unknown): DeviceKind | undefined {
  if (typeof path !== 'string') return undefined;
  if (/cxl|ACPI0017|decoder\d|\/region\d+\/dax_region/i.test(path) && !/ndbus/.test(path)) return 'cxl';
  if (/ndbus|ACPI0012|nfit|pmem/i.test(path)) return 'nvdimm';
  return undefined;
}

const CXL_OBJECTS = ['bus', 'port', 'endpoint', 'decoder'];

/**
 * Reads the list; returns how many objects it recognised (0 only for an
 * empty list). `kind` is what the command lists (`ndctl list`: NVDIMM memory).
 */
export function cxlListJson(json: unknown, facts: ArtifactFacts, listKind?: DeviceKind): number {
  let found = 0;
  const walk = (v: unknown, kind: DeviceKind | undefined): void => {
    if (Array.isArray(v)) return v.forEach((x) => walk(x, kind));
    if (typeof v !== 'object' || v === null) return;
    const o = v as Record<string, unknown>;
    let inner = kind;
    if (typeof o.region === 'string') {
      const start = num(o.resource);
      const size = num(o.size);
      if (start !== undefined && size !== undefined && size > 0 && start + size <= MAX_PHYS) {
        facts.cxlRegions.push({
          name: o.region,
          start,
          end: start + size,
          nid: num(o.target_node) ?? num(o.numa_node),
        });
      }
      found++;
      inner = 'cxl';
    } else if (typeof o.memdev === 'string') {
      const m: ArtifactFacts['cxlMemdevs'][number] = { name: o.memdev };
      const ram = num(o.ram_size);
      const pmem = num(o.pmem_size);
      if (ram !== undefined) m.ramSize = ram;
      if (pmem !== undefined) m.pmemSize = pmem;
      if (typeof o.host === 'string') m.host = o.host;
      const nid = num(o.numa_node);
      if (nid !== undefined) m.nid = nid;
      facts.cxlMemdevs.push(m);
      found++;
    } else if (typeof o.chardev === 'string' && /^dax/.test(o.chardev)) {
      const d: ArtifactFacts['daxDevices'][number] = {
        name: o.chardev,
        size: num(o.size) ?? 0,
        nid: num(o.target_node),
        mode: typeof o.mode === 'string' ? o.mode : undefined,
      };
      if (kind) d.kind = kind;
      facts.daxDevices.push(d);
      found++;
    } else if (typeof o.path === 'string' && ('devices' in o || 'id' in o)) {
      // A daxctl region: its path says where the memory comes from.
      inner = kindOfPath(o.path);
      found++;
    } else if (CXL_OBJECTS.some((k) => typeof o[k] === 'string')) {
      facts.otherListed++;
      found++;
      inner = 'cxl';
    } else if (listKind === 'nvdimm' && typeof o.dev === 'string') {
      // ndctl: regions, namespaces, dimms ("dev"); their dax devices are read above.
      facts.otherListed++;
      found++;
    }
    for (const k of Object.keys(o)) if (typeof o[k] === 'object') walk(o[k], inner);
  };
  walk(json, listKind);
  const empty = Array.isArray(json) && json.length === 0;
  if (found === 0 && !empty)
    throw new ArtifactError(undefined, 'JSON that is no cxl/daxctl list (no region, memdev, dax device or bus in it)');
  return found;
}
