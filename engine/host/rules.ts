/**
 * The semantic rules of the host format (4 KiB granularity, ordering,
 * overlap, the 2^52 ceiling), applied to a value whose shape is already
 * known to be right: one pass over each array, so a host with a million
 * regions validates in linear time. No zod here: plan's start-up loads
 * this module without the schema (validate.ts), which only words shape
 * problems.
 */
import { MAX_PHYS_ADDR, SZ_1M, SZ_4K, parseHex } from '../format/hex.js';
import type { Cmr, Device, Host, MemblockRegion, Platform, ReservedRange } from './types.js';
import type { HostShape } from './validate.js';

const PLATFORM_KEYS = [
  'packages',
  'lps_per_package',
  'phys_addr_bits',
  'keyid_bits',
  'mktme_keyids',
  'tdx_keyids',
  'nohibernate',
  'acpi_s3',
  'xsave',
  'movdir64b',
  'self_snoop',
] as const;

/** Copies the listed keys that are present (drops unknown ones). */
function pick<T extends object, K extends keyof T>(o: T, keys: readonly K[]): Pick<T, K> {
  const out = {} as Pick<T, K>;
  for (const k of keys) if (o[k] !== undefined) out[k] = o[k];
  return out;
}

export interface HostProblem {
  /** JSONPath-style location, `$` for the document itself. */
  path: string;
  message: string;
}

export type ParseResult<T> = { ok: true; value: T } | { ok: false; problems: HostProblem[] };

/** A memory block size Linux can have: a power of two from 128 KiB to 1 TiB. */
export function isMemoryBlockSize(n: number | undefined): n is number {
  return n !== undefined && n >= SZ_4K * 32 && n <= 2 ** 40 && 2 ** Math.round(Math.log2(n)) === n;
}

/** Problem collector that stops growing after a bound, so a broken 1M-region file stays cheap. */
export class Problems {
  readonly list: HostProblem[] = [];
  constructor(private readonly limit = 50) {}
  add(path: string, message: string): void {
    if (this.list.length < this.limit) this.list.push({ path, message });
  }
  get full(): boolean {
    return this.list.length >= this.limit;
  }
}

/** Parses an address field; records a problem and returns NaN when it is unusable. */
export function addressField(p: Problems, path: string, s: string): number {
  const n = parseHex(s);
  if (n === undefined || n > MAX_PHYS_ADDR) {
    p.add(path, `address ${s} is past the 2^52 limit of physical addresses`);
    return NaN;
  }
  if (n % SZ_4K !== 0) {
    p.add(path, `${s} is not 4 KiB aligned`);
    return NaN;
  }
  return n;
}

/** Checks a list of [start, end) ranges: non-empty, and optionally sorted and disjoint. */
function checkRanges(
  p: Problems,
  items: { start: number; end: number }[],
  arrayPath: string,
  endField: string,
  sortedDisjoint: boolean,
): void {
  let prevEnd = -1;
  for (let i = 0; i < items.length && !p.full; i++) {
    const { start, end } = items[i];
    if (Number.isNaN(start) || Number.isNaN(end)) {
      prevEnd = -1;
      continue;
    }
    if (end <= start) {
      p.add(`${arrayPath}[${i}]`, end === start ? 'zero-size range' : `${endField} is below its start`);
      continue;
    }
    if (end > MAX_PHYS_ADDR) {
      p.add(`${arrayPath}[${i}].${endField}`, 'range reaches past the 2^52 limit of physical addresses');
      continue;
    }
    if (sortedDisjoint && prevEnd >= 0 && start < prevEnd) {
      p.add(
        `${arrayPath}[${i}]`,
        items[i - 1] && start < items[i - 1].start
          ? 'not sorted by address (starts below the previous region)'
          : 'overlaps the previous region',
      );
    }
    prevEnd = end;
  }
}

/**
 * Builds the Host from a value of the right shape (hostSchema), or lists
 * the rules it breaks. Unknown fields are kept out of the Host.
 */
export function hostFromShape(raw: HostShape): ParseResult<Host> {
  const p = new Problems();

  const memblock: MemblockRegion[] = new Array(raw.memblock.length);
  for (let i = 0; i < raw.memblock.length; i++) {
    const r = raw.memblock[i];
    const region: MemblockRegion = {
      start: addressField(p, `$.memblock[${i}].start`, r.start),
      end: addressField(p, `$.memblock[${i}].end`, r.end),
      nid: r.nid,
    };
    if (r.zone) region.zone = r.zone;
    memblock[i] = region;
  }
  checkRanges(p, memblock, '$.memblock', 'end', true);

  const reserved: ReservedRange[] = (raw.reserved ?? []).map((r, i) => {
    const range: ReservedRange = {
      start: addressField(p, `$.reserved[${i}].start`, r.start),
      end: addressField(p, `$.reserved[${i}].end`, r.end),
    };
    if (r.what !== undefined) range.what = r.what;
    return range;
  });
  // Reserved ranges describe allocations: any order, overlaps allowed.
  checkRanges(p, reserved, '$.reserved', 'end', false);

  const cmrs: Cmr[] = raw.cmrs.map((c, i) => ({
    base: addressField(p, `$.cmrs[${i}].base`, c.base),
    size: addressField(p, `$.cmrs[${i}].size`, c.size),
  }));
  checkRanges(
    p,
    cmrs.map((c) => ({ start: c.base, end: c.base + c.size })),
    '$.cmrs',
    'size',
    true,
  );

  let platform: Platform | undefined;
  if (raw.platform) {
    const { memory_block_size, ...rest } = raw.platform;
    platform = { ...pick(rest, PLATFORM_KEYS) };
    if (memory_block_size !== undefined) {
      const n = parseHex(memory_block_size);
      if (!isMemoryBlockSize(n)) {
        p.add('$.platform.memory_block_size', 'must be a power of two between 128 KiB and 1 TiB');
      } else platform.memory_block_size = n;
    }
  }

  let devices: Device[] | undefined;
  if (raw.devices) {
    devices = raw.devices.map((d, i) => {
      const dev: Device = {
        name: d.name,
        kind: d.kind,
        start: addressField(p, `$.devices[${i}].start`, d.start),
        end: addressField(p, `$.devices[${i}].end`, d.end),
        nid: d.nid,
      };
      if (d.zone) dev.zone = d.zone;
      return dev;
    });
    checkRanges(p, devices, '$.devices', 'end', false);
  }

  let tdxFeatures0: number | undefined;
  if (raw.module.tdx_features0 !== undefined) {
    tdxFeatures0 = parseHex(raw.module.tdx_features0);
    if (tdxFeatures0 === undefined) p.add('$.module.tdx_features0', 'must be a hex value below 2^53');
  }

  if (p.list.length === 0 && !memblock.some((r) => r.end > SZ_1M)) {
    p.add('$.memblock', 'no memory above 1 MiB: the kernel would have no TDX memory to cover');
  }
  if (p.list.length) return { ok: false, problems: p.list };

  const host: Host = {
    name: raw.name,
    memblock,
    reserved,
    module: {
      max_tdmrs: raw.module.max_tdmrs,
      max_reserved_per_tdmr: raw.module.max_reserved_per_tdmr,
      pamt_entry_size: {
        '4k': raw.module.pamt_entry_size['4k'],
        '2m': raw.module.pamt_entry_size['2m'],
        '1g': raw.module.pamt_entry_size['1g'],
      },
    },
    cmrs,
  };
  if (raw.module.version !== undefined) host.module.version = raw.module.version;
  if (tdxFeatures0 !== undefined) host.module.tdx_features0 = tdxFeatures0;
  if (raw.module.sys_rd_supported !== undefined) host.module.sys_rd_supported = raw.module.sys_rd_supported;
  if (raw.description !== undefined) host.description = raw.description;
  if (platform) host.platform = platform;
  if (devices) host.devices = devices;
  return { ok: true, value: host };
}
