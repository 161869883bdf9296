/**
 * Host validation: turns an untrusted JSON value into a Host, or a list of
 * problems each naming its JSON path ($.memblock[3].end).
 *
 * The shape is checked with zod; the semantic rules (4 KiB granularity,
 * ordering, overlap, the 2^52 ceiling) in one pass over the arrays so that a
 * host with a million regions validates in linear time.
 */
import { z } from 'zod';
import { MAX_PHYS_ADDR, SZ_1M, SZ_4K, parseHex } from '../format/hex.js';
import type { Cmr, Device, Host, MemblockRegion, Platform, ReservedRange } from './types.js';

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

const hexString = z.string().regex(/^0x[0-9a-fA-F]+$/, 'must be a hex string like "0x100000"');
const nodeId = z.number().int().min(0).max(1023);
const positiveInt = z.number().int().min(1);

const memblockSchema = z.looseObject({
  start: hexString,
  end: hexString,
  nid: nodeId,
  zone: z.literal('movable').optional(),
});
const reservedSchema = z.looseObject({ start: hexString, end: hexString, what: z.string().optional() });
const cmrSchema = z.looseObject({ base: hexString, size: hexString });

export const hostSchema = z.looseObject({
  name: z.string().min(1, 'must not be empty'),
  description: z.string().optional(),
  memblock: z.array(memblockSchema).min(1, 'must list at least one region'),
  reserved: z.array(reservedSchema).optional(),
  module: z.looseObject({
    max_tdmrs: positiveInt.max(1 << 20),
    max_reserved_per_tdmr: positiveInt.max(1 << 20),
    pamt_entry_size: z.looseObject({
      '4k': positiveInt.max(4096),
      '2m': positiveInt.max(4096),
      '1g': positiveInt.max(4096),
    }),
    version: z
      .string()
      .regex(/^\d+\.\d+(\.\d+)*$/, 'must be a version like "1.5.06"')
      .optional(),
    tdx_features0: hexString.optional(),
    sys_rd_supported: z.boolean().optional(),
  }),
  cmrs: z.array(cmrSchema),
  platform: z
    .looseObject({
      packages: positiveInt.max(64).optional(),
      lps_per_package: positiveInt.max(4096).optional(),
      phys_addr_bits: z.number().int().min(36).max(52).optional(),
      keyid_bits: z.number().int().min(0).max(15).optional(),
      mktme_keyids: z.number().int().min(0).max(65535).optional(),
      tdx_keyids: z.number().int().min(0).max(65535).optional(),
      memory_block_size: hexString.optional(),
      nohibernate: z.boolean().optional(),
      acpi_s3: z.boolean().optional(),
      xsave: z.boolean().optional(),
      movdir64b: z.boolean().optional(),
      self_snoop: z.boolean().optional(),
    })
    .optional(),
  devices: z
    .array(
      z.looseObject({
        name: z.string().min(1),
        kind: z.enum(['cxl', 'nvdimm', 'dimm']),
        start: hexString,
        end: hexString,
        nid: nodeId,
        zone: z.enum(['normal', 'movable']).optional(),
      }),
    )
    .optional(),
});

/** A memory block size Linux can have: a power of two from 128 KiB to 1 TiB. */
export function isMemoryBlockSize(n: number | undefined): n is number {
  return n !== undefined && n >= SZ_4K * 32 && n <= 2 ** 40 && 2 ** Math.round(Math.log2(n)) === n;
}

export function formatPath(path: readonly PropertyKey[]): string {
  let s = '$';
  for (const p of path) {
    if (typeof p === 'number') s += `[${p}]`;
    else if (typeof p === 'string' && /^[A-Za-z_][A-Za-z0-9_]*$/.test(p)) s += `.${p}`;
    else s += `[${JSON.stringify(String(p))}]`;
  }
  return s;
}

/** Converts zod issues to problems with JSON paths. */
export function zodProblems(error: z.ZodError): HostProblem[] {
  return error.issues.map((i) => ({ path: formatPath(i.path), message: zodMessage(i) }));
}

function zodMessage(i: z.core.$ZodIssue): string {
  // Parsed with reportInput, so an absent field is told apart from one of the wrong type.
  if (i.code === 'invalid_value' && i.input === undefined)
    return `missing (${i.message.replace(/^Invalid (option|input): /, '')})`;
  if (i.code === 'invalid_type') {
    return i.input === undefined
      ? `missing (expected ${i.expected})`
      : `expected ${i.expected}, got ${describe(i.input)}`;
  }
  return i.message;
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'string') return `string ${JSON.stringify(v.length > 24 ? v.slice(0, 24) + '…' : v)}`;
  if (typeof v === 'number') return `number ${v}`;
  return typeof v;
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
 * Validates an untrusted JSON value as a canonical host.
 * Unknown fields are kept out of the Host but tolerated (extend, never break).
 */
export function parseHost(json: unknown): ParseResult<Host> {
  // reportInput: a wrong type is told apart from a missing field (zod 4 leaves issue.input out by default).
  const shape = hostSchema.safeParse(json, { reportInput: true });
  if (!shape.success) return { ok: false, problems: zodProblems(shape.error) };
  const raw = shape.data;
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
