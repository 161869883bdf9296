/**
 * parseScenario(): validates an untrusted scenario document before anything
 * runs, returning every problem with its JSON path ($.events[3].kind).
 */
import { KERNEL_VARIANTS, type Device, type KernelVariant } from '../host/types.js';
import { Problems, addressField, parseHost, type ParseResult } from '../host/validate.js';
import { parseHex } from '../format/hex.js';
import { kernelProfile, kernelProfiles } from '../kernel/profiles.js';
import { gibField, parseTds } from '../workload/parse.js';
import { LEAF_NAMES, parseLeafName } from '../module/leaves.js';
import { moduleParamsFromHost } from '../module/params.js';
import { parseStatusName, STATUS_NAMES } from '../module/statuses.js';
import { EVENT_KINDS, type EventKind, type EventRange, type Scenario, type ScenarioEvent } from './types.js';

type Json = Record<string, unknown>;

/** The most events one scenario may have (docs/scenarios.md): about 1 GiB of results at the most. */
export const MAX_SCENARIO_EVENTS = 100_000;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Sorted, merged [start, end) ranges: where events may act (boot memory, devices, explicit hot-adds). */
function mergeRanges(ranges: { start: number; end: number }[]): { start: number; end: number }[] {
  const sorted = [...ranges].sort((a, b) => a.start - b.start);
  const out: { start: number; end: number }[] = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last && r.start <= last.end) last.end = Math.max(last.end, r.end);
    else out.push({ ...r });
  }
  return out;
}

function inside(ranges: { start: number; end: number }[], start: number, end: number): boolean {
  let lo = 0;
  let hi = ranges.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (ranges[mid].end >= end) hi = mid;
    else lo = mid + 1;
  }
  return lo < ranges.length && ranges[lo].start <= start;
}

function hexRange(r: { start: number; end: number }): string {
  return `[0x${r.start.toString(16)}, 0x${r.end.toString(16)})`;
}

export function parseScenario(json: unknown): ParseResult<Scenario> {
  const p = new Problems();
  if (!isObject(json)) return { ok: false, problems: [{ path: '$', message: 'expected a JSON object (a scenario)' }] };

  if (json.name !== undefined && (typeof json.name !== 'string' || json.name === ''))
    p.add('$.name', 'must be a non-empty string');
  if (json.description !== undefined && typeof json.description !== 'string')
    p.add('$.description', 'must be a string');
  let kernel: KernelVariant = 'upstream';
  if (json.kernel !== undefined) {
    if (typeof json.kernel === 'string' && (KERNEL_VARIANTS as readonly string[]).includes(json.kernel))
      kernel = json.kernel as KernelVariant;
    else p.add('$.kernel', `must be one of ${KERNEL_VARIANTS.join(', ')}`);
  }
  const opts = json.options ?? {};
  let moduleLoaded = true;
  let metadata: Scenario['metadata'] = 'sys-rd';
  if (!isObject(opts)) p.add('$.options', 'must be an object');
  else {
    if (opts.module_loaded !== undefined) {
      if (typeof opts.module_loaded === 'boolean') moduleLoaded = opts.module_loaded;
      else p.add('$.options.module_loaded', 'must be true or false');
    }
    if (opts.metadata !== undefined) {
      if (opts.metadata === 'sys-rd' || opts.metadata === 'sys-info') metadata = opts.metadata;
      else p.add('$.options.metadata', 'must be "sys-rd" or "sys-info"');
    }
  }

  if (json.host === undefined) {
    p.add(
      '$.host',
      json.hostFile !== undefined
        ? 'hostFile must be resolved by the loader before parsing'
        : 'missing (expected the host, inline)',
    );
    return { ok: false, problems: p.list };
  }
  const hostParsed = parseHost(json.host);
  if (!hostParsed.ok) {
    return {
      ok: false,
      problems: [...p.list, ...hostParsed.problems.map((q) => ({ ...q, path: q.path.replace(/^\$/, '$.host') }))],
    };
  }
  const host = hostParsed.value;

  if (!Array.isArray(json.events)) {
    p.add(
      '$.events',
      json.events === undefined ? 'missing (expected an array of events)' : 'must be an array of events',
    );
    return { ok: false, problems: p.list };
  }

  if (json.events.length > MAX_SCENARIO_EVENTS) {
    // Refused up front: the result keeps every event's SEAMCALLs, log and block changes in memory.
    p.add(
      '$.events',
      `${json.events.length} events is more than the ${MAX_SCENARIO_EVENTS} one scenario may have (each event's result is kept in memory); split the timeline into several scenarios`,
    );
    return { ok: false, problems: p.list };
  }

  const tds = parseTds(p, json.tds);
  const groups = new Map(tds.map((g) => [g.name, g]));
  const maxAddr = 2 ** (host.platform?.phys_addr_bits ?? 52);
  const devices = new Map<string, Device>((host.devices ?? []).map((d) => [d.name, d]));
  const events: ScenarioEvent[] = [];
  /** events[k] came from raw index rawIndex[k]. */
  const rawIndex: number[] = [];
  const explicitAdds: { start: number; end: number }[] = [];
  let lastT: number | undefined;

  // First pass: shapes, kinds, order, devices, ranges.
  const raw = json.events as unknown[];
  for (let i = 0; i < raw.length && !p.full; i++) {
    const at = `$.events[${i}]`;
    const e = raw[i];
    const push = (ev: ScenarioEvent): void => {
      events.push(ev);
      rawIndex.push(i);
    };
    if (!isObject(e)) {
      p.add(at, 'must be an object with a "kind"');
      continue;
    }
    if (typeof e.kind !== 'string' || !(EVENT_KINDS as readonly string[]).includes(e.kind)) {
      p.add(
        `${at}.kind`,
        e.kind === undefined
          ? `missing (expected one of ${EVENT_KINDS.join(', ')})`
          : `unknown event kind ${JSON.stringify(e.kind)} (expected one of ${EVENT_KINDS.join(', ')})`,
      );
      continue;
    }
    const kind = e.kind as EventKind;
    const base: { t?: number; note?: string } = {};
    if (e.t !== undefined) {
      if (typeof e.t !== 'number' || !Number.isFinite(e.t) || e.t < 0)
        p.add(`${at}.t`, 'must be a number of seconds >= 0');
      else {
        if (lastT !== undefined && e.t < lastT)
          p.add(`${at}.t`, `events out of order: t=${e.t} comes after t=${lastT}`);
        lastT = e.t;
        base.t = e.t;
      }
    }
    if (e.note !== undefined) {
      if (typeof e.note === 'string') base.note = e.note;
      else p.add(`${at}.note`, 'must be a string');
    }
    if (kind === 'boot') {
      if (i !== 0) p.add(`${at}.kind`, 'boot must be the first event (the machine boots once)');
      push({ ...base, kind });
      continue;
    }
    if (kind === 'init') {
      push({ ...base, kind });
      continue;
    }
    if (kind === 'module-update') {
      if (!kernelProfile(kernel).runtimeUpdate) {
        const can = kernelProfiles()
          .filter((k) => k.runtimeUpdate)
          .map((k) => k.id);
        p.add(
          `${at}.kind`,
          `module-update needs a kernel with runtime module update (${can.join(', ')}); ${kernel} has none`,
        );
        continue;
      }
      if (e.version !== undefined && (typeof e.version !== 'string' || !/^\d+\.\d+\.\d+(\.\d+)?$/.test(e.version))) {
        p.add(`${at}.version`, 'must be the new module\'s version like "1.5.24"');
        continue;
      }
      let tdxFeatures0: number | undefined;
      if (e.tdx_features0 !== undefined) {
        tdxFeatures0 = typeof e.tdx_features0 === 'string' ? parseHex(e.tdx_features0) : undefined;
        if (tdxFeatures0 === undefined) {
          p.add(`${at}.tdx_features0`, 'must be a hex value below 2^53');
          continue;
        }
      }
      const version = typeof e.version === 'string' ? e.version : (host.module.version ?? '1.5');
      push({ ...base, kind, version, ...(tdxFeatures0 !== undefined ? { tdxFeatures0 } : {}) });
      continue;
    }
    if (kind === 'td-create' || kind === 'td-destroy' || kind === 'td-memory') {
      const g = typeof e.td === 'string' ? groups.get(e.td) : undefined;
      if (!g) {
        p.add(
          `${at}.td`,
          `no TD group ${JSON.stringify(e.td)} in $.tds${groups.size ? ` (have: ${[...groups.keys()].join(', ')})` : ''}`,
        );
        continue;
      }
      let count: number | undefined;
      if (e.count !== undefined) {
        if (kind === 'td-memory') p.add(`${at}.count`, 'td-memory applies to every running TD of the group: no count');
        else if (!Number.isInteger(e.count) || (e.count as number) < 1 || (e.count as number) > g.count)
          p.add(`${at}.count`, `must be an integer 1..${g.count} (the group's count)`);
        else count = e.count as number;
      }
      let assigned = g.memory;
      if (e.assigned_gib !== undefined) {
        if (kind === 'td-destroy') p.add(`${at}.assigned_gib`, 'td-destroy takes no assigned_gib');
        else {
          const b = gibField(p, `${at}.assigned_gib`, e.assigned_gib);
          if (b > g.memory) p.add(`${at}.assigned_gib`, `more than the group's ${g.memory / 2 ** 30} GiB per TD`);
          else if (!Number.isNaN(b)) assigned = b;
        }
      } else if (kind === 'td-memory') p.add(`${at}.assigned_gib`, 'missing (memory now mapped in each TD, GiB)');
      if (kind === 'td-create') push({ ...base, kind, td: g.name, count: count ?? g.count, assigned });
      else if (kind === 'td-destroy') push({ ...base, kind, td: g.name, ...(count !== undefined ? { count } : {}) });
      else push({ ...base, kind, td: g.name, assigned });
      continue;
    }
    if (kind === 'cpu-offline' || kind === 'cpu-online') {
      const mp = moduleParamsFromHost(host);
      const lps = mp.packages * mp.lpsPerPackage;
      if (!Number.isInteger(e.cpu) || (e.cpu as number) < 0 || (e.cpu as number) >= lps) {
        p.add(`${at}.cpu`, `must be a logical CPU number 0..${lps - 1}`);
        continue;
      }
      push({ ...base, kind, cpu: e.cpu as number });
      continue;
    }
    if (kind === 'inject') {
      const leaf = typeof e.leaf === 'string' ? parseLeafName(e.leaf) : undefined;
      if (!leaf) p.add(`${at}.leaf`, `must name a SEAMCALL leaf: ${LEAF_NAMES.join(', ')}`);
      const statusName = typeof e.status === 'string' ? e.status : '';
      const status = parseStatusName(statusName);
      if (status === undefined)
        p.add(
          `${at}.status`,
          `must name a status, e.g. TDX_RND_NO_ENTROPY (known: ${STATUS_NAMES.length} names, see docs/scenarios.md)`,
        );
      else if (status === 0n) p.add(`${at}.status`, 'TDX_SUCCESS is not a fault');
      const skip = e.skip ?? 0;
      const count = e.count ?? 1;
      if (!Number.isInteger(skip) || (skip as number) < 0) p.add(`${at}.skip`, 'must be an integer >= 0');
      if (!Number.isInteger(count) || (count as number) < 1) p.add(`${at}.count`, 'must be an integer >= 1');
      if (leaf && status !== undefined)
        push({ ...base, kind, leaf, status, statusName, skip: skip as number, count: count as number });
      continue;
    }
    // Range events: a device name or an explicit start/end.
    const range = eventRange(p, at, e, devices, maxAddr);
    if (!range) continue;
    if (kind === 'hot-add') {
      const dev = range.device ? devices.get(range.device) : undefined;
      let nid = dev?.nid;
      if (e.nid !== undefined) {
        if (Number.isInteger(e.nid) && (e.nid as number) >= 0 && (e.nid as number) <= 1023) nid = e.nid as number;
        else p.add(`${at}.nid`, 'must be a node id 0..1023');
      }
      if (nid === undefined) {
        p.add(`${at}.nid`, 'missing (a hot-added range without a device needs its NUMA node)');
        continue;
      }
      let zone: 'normal' | 'movable' = dev ? (dev.zone ?? (dev.kind === 'dimm' ? 'normal' : 'movable')) : 'normal';
      if (e.zone !== undefined) {
        if (e.zone === 'normal' || e.zone === 'movable') zone = e.zone;
        else p.add(`${at}.zone`, 'must be "normal" or "movable"');
      }
      let online = true;
      if (e.online !== undefined) {
        if (typeof e.online === 'boolean') online = e.online;
        else p.add(`${at}.online`, 'must be true or false');
      }
      if (!range.device) explicitAdds.push(range);
      push({ ...base, kind, range, nid, zone, online });
    } else push({ ...base, kind, range } as ScenarioEvent);
  }

  // Second pass: online/offline/hot-remove must act on memory the host can have.
  const known = mergeRanges([...host.memblock, ...(host.devices ?? []), ...explicitAdds]);
  events.forEach((ev, k) => {
    if (
      (ev.kind === 'online' || ev.kind === 'offline' || ev.kind === 'hot-remove') &&
      !ev.range.device &&
      !inside(known, ev.range.start, ev.range.end)
    ) {
      p.add(`$.events[${rawIndex[k]}]`, `range ${hexRange(ev.range)} is outside the host's memory and devices`);
    }
  });

  if (p.list.length) return { ok: false, problems: p.list };
  const value: Scenario = {
    name: typeof json.name === 'string' ? json.name : host.name,
    kernel,
    moduleLoaded,
    metadata,
    host,
    tds,
    events,
  };
  if (typeof json.description === 'string') value.description = json.description;
  return { ok: true, value };
}

function eventRange(
  p: Problems,
  at: string,
  e: Json,
  devices: Map<string, Device>,
  maxAddr: number,
): EventRange | undefined {
  if (e.device !== undefined) {
    if (typeof e.device !== 'string' || !devices.has(e.device)) {
      p.add(
        `${at}.device`,
        `no device ${JSON.stringify(e.device)} in $.host.devices${devices.size ? ` (have: ${[...devices.keys()].join(', ')})` : ''}`,
      );
      return undefined;
    }
    const d = devices.get(e.device)!;
    if (e.start !== undefined || e.end !== undefined) {
      p.add(at, 'give either "device" or "start"/"end", not both');
      return undefined;
    }
    return { start: d.start, end: d.end, device: d.name };
  }
  if (typeof e.start !== 'string' || typeof e.end !== 'string') {
    p.add(at, 'needs a "device" name or hex "start" and "end"');
    return undefined;
  }
  const before = p.list.length;
  const start = addressField(p, `${at}.start`, e.start);
  const end = addressField(p, `${at}.end`, e.end);
  if (p.list.length > before) return undefined;
  if (end <= start) {
    p.add(`${at}.end`, 'must be above start');
    return undefined;
  }
  if (end > maxAddr) {
    p.add(`${at}.end`, `beyond the host's physical address width (2^${Math.log2(maxAddr)})`);
    return undefined;
  }
  return { start, end };
}
