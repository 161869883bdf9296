/**
 * Host validation: turns an untrusted JSON value into a Host, or a list of
 * problems each naming its JSON path ($.memblock[3].end).
 *
 * The shape is checked by plain code first (shape.ts isHostShape, one pass
 * over the arrays); only a value of the wrong shape goes through the zod
 * schema below, which is the one source of the wording of shape problems.
 * The semantic rules (4 KiB granularity, ordering, overlap, the 2^52
 * ceiling) are rules.ts.
 */
import { z } from 'zod';
import { hostFromShape, type HostProblem, type ParseResult } from './rules.js';
import { isHostShape } from './shape.js';
import type { Host } from './types.js';

export { Problems, addressField, isMemoryBlockSize, type HostProblem, type ParseResult } from './rules.js';

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

/** The value hostSchema accepts (the plain check shape.ts accepts exactly the same). */
export type HostShape = z.output<typeof hostSchema>;

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

/**
 * Validates an untrusted JSON value as a canonical host.
 * Unknown fields are kept out of the Host but tolerated (extend, never break).
 */
export function parseHost(json: unknown): ParseResult<Host> {
  if (isHostShape(json)) return hostFromShape(json);
  // reportInput: a wrong type is told apart from a missing field (zod 4 leaves issue.input out by default).
  const shape = hostSchema.safeParse(json, { reportInput: true });
  if (!shape.success) return { ok: false, problems: zodProblems(shape.error) };
  return hostFromShape(shape.data);
}
