/**
 * The portable session file (docs/sessions.md, "Export format"): one JSON
 * document, format "tdx-lab-session", version 1. Addresses and sizes are
 * lowercase 0x hex strings like the golden files; hosts are canonical host
 * JSON; rows refer to each other by array index, never by database id, so
 * export -> import -> export gives the same document.
 */
import { z } from 'zod';
import { hex, parseHex } from '../../engine/format/hex.js';
import type { HostJson } from '../../engine/format/host-json.js';
import type { StoredTdmr } from './types.js';

export const EXPORT_FORMAT = 'tdx-lab-session';
export const EXPORT_VERSION = 1;

const hexStr = z
  .string()
  .regex(/^0x[0-9a-f]+$/, 'must be a lowercase hex string like "0x100000"')
  .refine((s) => parseHex(s) !== undefined, 'is not an exact address (must be below 2^53)');
const optHex = hexStr.nullable();
const isoTime = z.string().min(1, 'must be a timestamp');
const count = z.number().int().min(0);

export const tdmrSchema = z.strictObject({
  base: hexStr,
  size: hexStr,
  pamt_nid: count.nullable(),
  pamt: z.strictObject({ base: hexStr, size_4k: hexStr, size_2m: hexStr, size_1g: hexStr }).nullable(),
  reserved: z.array(z.strictObject({ offset: hexStr, size: hexStr, kind: z.enum(['hole', 'pamt']).optional() })),
});

export const eventSchema = z.strictObject({
  seq: count,
  t: z.number(),
  kind: z.string().min(1),
  addr_start: optHex,
  addr_end: optHex,
  payload: z.unknown(),
});

const runSchema = z.strictObject({
  host: count.nullable(),
  kind: z.enum(['plan', 'simulate', 'sweep']),
  engine_version: z.string().min(1),
  kernel_variant: z.string().min(1),
  status: z.enum(['ok', 'failed']),
  label: z.string().nullable(),
  stage: z.string().nullable(),
  errno: z.string().nullable(),
  tdx_bytes: count.nullable(),
  pamt_kb: z.number().min(0).nullable(),
  created_at: isoTime,
  summary: z.record(z.string(), z.unknown()).nullable(),
  tdmrs: z.array(tdmrSchema).nullable(),
  payload: z.unknown(),
  events: z.array(eventSchema),
});

export const sessionSchema = z.strictObject({
  name: z.string().min(1),
  description: z.string().nullable(),
  created_at: isoTime,
});

export const hostEntrySchema = z.strictObject({
  origin: z.enum(['recorded', 'planned']),
  provenance: z.record(z.string(), z.unknown()),
  created_at: isoTime,
  host: z.unknown(),
});

export const noteSchema = z.strictObject({
  run: count.nullable(),
  event_seq: count.nullable(),
  addr_start: optHex,
  addr_end: optHex,
  text: z.string().min(1),
  created_at: isoTime,
});

/** The top-level scalars (session, hosts, runs and notes are read as they stream). */
export const headerSchema = z.strictObject({
  format: z.literal(EXPORT_FORMAT),
  version: z.literal(EXPORT_VERSION),
  engine_version: z.string(),
  exported_at: isoTime,
});

/** A run's own fields (its TDMRs, payload and events are read as they stream). */
export const runFieldsSchema = runSchema.omit({ tdmrs: true, payload: true, events: true });

/** The whole document's shape (its type; the document itself is checked piece by piece as it streams). */
const _exportSchema = z.strictObject({
  format: z.literal(EXPORT_FORMAT),
  version: z.literal(EXPORT_VERSION),
  engine_version: z.string(),
  exported_at: isoTime,
  session: sessionSchema,
  hosts: z.array(hostEntrySchema),
  runs: z.array(runSchema),
  notes: z.array(noteSchema),
});

type ExportShape = z.infer<typeof _exportSchema>;
export type SessionExport = Omit<ExportShape, 'hosts'> & {
  hosts: (Omit<ExportShape['hosts'][number], 'host'> & { host: HostJson })[];
};
type TdmrJson = z.infer<typeof tdmrSchema>;

const n = (s: string | null): number | null => (s === null ? null : parseHex(s)!);

export function tdmrToJson(t: StoredTdmr): TdmrJson {
  return {
    base: hex(t.base),
    size: hex(t.size),
    pamt_nid: t.pamtNid,
    pamt: t.pamt
      ? {
          base: hex(t.pamt.base),
          size_4k: hex(t.pamt.size4k),
          size_2m: hex(t.pamt.size2m),
          size_1g: hex(t.pamt.size1g),
        }
      : null,
    reserved: t.reserved.map((r) =>
      r.kind
        ? { offset: hex(r.offset), size: hex(r.size), kind: r.kind }
        : { offset: hex(r.offset), size: hex(r.size) },
    ),
  };
}

export function tdmrFromJson(t: TdmrJson): StoredTdmr {
  return {
    base: n(t.base)!,
    size: n(t.size)!,
    pamtNid: t.pamt_nid,
    pamt: t.pamt
      ? { base: n(t.pamt.base)!, size4k: n(t.pamt.size_4k)!, size2m: n(t.pamt.size_2m)!, size1g: n(t.pamt.size_1g)! }
      : null,
    reserved: t.reserved.map((r) =>
      r.kind ? { offset: n(r.offset)!, size: n(r.size)!, kind: r.kind } : { offset: n(r.offset)!, size: n(r.size)! },
    ),
  };
}
