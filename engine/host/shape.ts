/**
 * The host format's shape (validate.ts hostSchema) as plain checks: types,
 * required fields, the patterns and bounds of each field, in one pass over
 * every array. It accepts exactly what the schema accepts (a test compares
 * the two on thousands of variants) and says only yes or no: a value it
 * refuses goes to the zod schema, which words the problems with their JSON
 * paths. A good host, the common case, never touches zod, and this module
 * does not load it.
 */
import { hostFromShape, type ParseResult } from './rules.js';
import type { Host } from './types.js';
import type { HostShape } from './validate.js';

const HEX = /^0x[0-9a-fA-F]+$/;
const VERSION = /^\d+\.\d+(\.\d+)*$/;

type Obj = Record<string, unknown>;

function isObject(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isHex(v: unknown): boolean {
  return typeof v === 'string' && HEX.test(v);
}

function isInt(v: unknown, min: number, max: number): boolean {
  return typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;
}

/** An optional field is absent or undefined (as zod's .optional() sees it), else passes `check`. */
function optional(v: unknown, check: (v: unknown) => boolean): boolean {
  return v === undefined || check(v);
}

const isString = (v: unknown) => typeof v === 'string';
const isBoolean = (v: unknown) => typeof v === 'boolean';

function isMemblock(list: unknown): boolean {
  if (!Array.isArray(list) || list.length < 1) return false;
  for (let i = 0; i < list.length; i++) {
    const r = list[i];
    if (!isObject(r) || !isHex(r.start) || !isHex(r.end) || !isInt(r.nid, 0, 1023)) return false;
    if (r.zone !== undefined && r.zone !== 'movable') return false;
  }
  return true;
}

function isReserved(list: unknown): boolean {
  if (!Array.isArray(list)) return false;
  for (let i = 0; i < list.length; i++) {
    const r = list[i];
    if (!isObject(r) || !isHex(r.start) || !isHex(r.end) || !optional(r.what, isString)) return false;
  }
  return true;
}

function isCmrs(list: unknown): boolean {
  if (!Array.isArray(list)) return false;
  for (let i = 0; i < list.length; i++) {
    const c = list[i];
    if (!isObject(c) || !isHex(c.base) || !isHex(c.size)) return false;
  }
  return true;
}

function isModule(m: unknown): boolean {
  if (!isObject(m)) return false;
  const e = m.pamt_entry_size;
  return (
    isInt(m.max_tdmrs, 1, 1 << 20) &&
    isInt(m.max_reserved_per_tdmr, 1, 1 << 20) &&
    isObject(e) &&
    isInt(e['4k'], 1, 4096) &&
    isInt(e['2m'], 1, 4096) &&
    isInt(e['1g'], 1, 4096) &&
    optional(m.version, (v) => typeof v === 'string' && VERSION.test(v)) &&
    optional(m.tdx_features0, isHex) &&
    optional(m.sys_rd_supported, isBoolean)
  );
}

function isPlatform(p: unknown): boolean {
  return (
    isObject(p) &&
    optional(p.packages, (v) => isInt(v, 1, 64)) &&
    optional(p.lps_per_package, (v) => isInt(v, 1, 4096)) &&
    optional(p.phys_addr_bits, (v) => isInt(v, 36, 52)) &&
    optional(p.keyid_bits, (v) => isInt(v, 0, 15)) &&
    optional(p.mktme_keyids, (v) => isInt(v, 0, 65535)) &&
    optional(p.tdx_keyids, (v) => isInt(v, 0, 65535)) &&
    optional(p.memory_block_size, isHex) &&
    optional(p.nohibernate, isBoolean) &&
    optional(p.acpi_s3, isBoolean) &&
    optional(p.xsave, isBoolean) &&
    optional(p.movdir64b, isBoolean) &&
    optional(p.self_snoop, isBoolean)
  );
}

function isDevices(list: unknown): boolean {
  if (!Array.isArray(list)) return false;
  for (let i = 0; i < list.length; i++) {
    const d = list[i];
    if (
      !isObject(d) ||
      !(typeof d.name === 'string' && d.name.length >= 1) ||
      !(d.kind === 'cxl' || d.kind === 'nvdimm' || d.kind === 'dimm') ||
      !isHex(d.start) ||
      !isHex(d.end) ||
      !isInt(d.nid, 0, 1023) ||
      !optional(d.zone, (v) => v === 'normal' || v === 'movable')
    )
      return false;
  }
  return true;
}

/** True when hostSchema would accept `v`. */
export function isHostShape(v: unknown): v is HostShape {
  return (
    isObject(v) &&
    typeof v.name === 'string' &&
    v.name.length >= 1 &&
    optional(v.description, isString) &&
    isMemblock(v.memblock) &&
    optional(v.reserved, isReserved) &&
    isModule(v.module) &&
    isCmrs(v.cmrs) &&
    optional(v.platform, isPlatform) &&
    optional(v.devices, isDevices)
  );
}

/**
 * The host, or its rule problems, when the shape is right; undefined when
 * it is not (then validate.ts parseHost words the shape problems).
 */
export function parseHostPlain(json: unknown): ParseResult<Host> | undefined {
  return isHostShape(json) ? hostFromShape(json) : undefined;
}
