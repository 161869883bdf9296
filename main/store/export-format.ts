/**
 * The portable session file (docs/sessions.md, "Export format"): one JSON
 * document, format "tdx-lab-session", version 1. Addresses and sizes are
 * lowercase 0x hex strings like the golden files; hosts are canonical host
 * JSON; rows refer to each other by array index, never by database id, so
 * export -> import -> export gives the same document.
 */
import { z } from 'zod';
import { hex, parseHex } from '../../engine/format/hex.js';
import { hostToJson, type HostJson } from '../../engine/format/host-json.js';
import { parseHost, zodProblems } from '../../engine/host/validate.js';
import { ENGINE_VERSION } from '../../engine/version.js';
import { problemsMessage } from '../node/input-file.js';
import { StoreError } from './errors.js';
import { allEvents } from './events.js';
import { listHosts, addHost } from './hosts.js';
import { listNotes, addNote } from './notes.js';
import { getRunTdmrs, getRunWithPayload, insertRun, listRuns } from './runs.js';
import { createSession, findSession, requireSession, type SessionRef } from './sessions.js';
import type { Sql } from './sql.js';
import type { RunKind, RunStatus, SessionInfo, StoredTdmr } from './types.js';

export const EXPORT_FORMAT = 'tdx-lab-session';
export const EXPORT_VERSION = 1;

const hexStr = z
  .string()
  .regex(/^0x[0-9a-f]+$/, 'must be a lowercase hex string like "0x100000"')
  .refine((s) => parseHex(s) !== undefined, 'is not an exact address (must be below 2^53)');
const optHex = hexStr.nullable();
const isoTime = z.string().min(1, 'must be a timestamp');
const count = z.number().int().min(0);

const tdmrSchema = z.strictObject({
  base: hexStr,
  size: hexStr,
  pamt_nid: count.nullable(),
  pamt: z.strictObject({ base: hexStr, size_4k: hexStr, size_2m: hexStr, size_1g: hexStr }).nullable(),
  reserved: z.array(z.strictObject({ offset: hexStr, size: hexStr, kind: z.enum(['hole', 'pamt']).optional() })),
});

const eventSchema = z.strictObject({
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

const exportSchema = z.strictObject({
  format: z.literal(EXPORT_FORMAT),
  version: z.literal(EXPORT_VERSION),
  engine_version: z.string(),
  exported_at: isoTime,
  session: z.strictObject({ name: z.string().min(1), description: z.string().nullable(), created_at: isoTime }),
  hosts: z.array(
    z.strictObject({
      origin: z.enum(['recorded', 'planned']),
      provenance: z.record(z.string(), z.unknown()),
      created_at: isoTime,
      host: z.unknown(),
    }),
  ),
  runs: z.array(runSchema),
  notes: z.array(
    z.strictObject({
      run: count.nullable(),
      event_seq: count.nullable(),
      addr_start: optHex,
      addr_end: optHex,
      text: z.string().min(1),
      created_at: isoTime,
    }),
  ),
});

type ExportShape = z.infer<typeof exportSchema>;
export type SessionExport = Omit<ExportShape, 'hosts'> & {
  hosts: (Omit<ExportShape['hosts'][number], 'host'> & { host: HostJson })[];
};
type TdmrJson = z.infer<typeof tdmrSchema>;

const h = (n: number | null): string | null => (n === null ? null : hex(n));
const n = (s: string | null): number | null => (s === null ? null : parseHex(s)!);

function tdmrToJson(t: StoredTdmr): TdmrJson {
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

function tdmrFromJson(t: TdmrJson): StoredTdmr {
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

/** The whole session as one portable document (reads only). */
export function buildExport(q: Sql, ref: SessionRef, exportedAt = new Date().toISOString()): SessionExport {
  const s = requireSession(q, ref);
  const hosts = listHosts(q, s.id);
  const hostIndex = new Map(hosts.map((x, i) => [x.id, i]));
  const runs = listRuns(q, s.id);
  const runIndex = new Map(runs.map((r, i) => [r.id, i]));
  return {
    format: EXPORT_FORMAT,
    version: EXPORT_VERSION,
    engine_version: ENGINE_VERSION,
    exported_at: exportedAt,
    session: { name: s.name, description: s.description, created_at: s.createdAt },
    hosts: hosts.map((x) => ({ origin: x.origin, provenance: x.provenance, created_at: x.createdAt, host: x.host })),
    runs: runs.map((r) => {
      const full = getRunWithPayload(q, r.id)!;
      return {
        host: r.hostId === null ? null : hostIndex.get(r.hostId)!,
        kind: r.kind,
        engine_version: r.engineVersion,
        kernel_variant: r.kernelVariant,
        status: r.status,
        label: r.label,
        stage: r.stage,
        errno: r.errno,
        tdx_bytes: r.tdxBytes,
        pamt_kb: r.pamtKb,
        created_at: r.createdAt,
        summary: r.summary,
        tdmrs: r.tdmrCount === null ? null : getRunTdmrs(q, r.id).map(tdmrToJson),
        payload: full.payload,
        events: allEvents(q, r.id).map((e) => ({
          seq: e.seq,
          t: e.t,
          kind: e.kind,
          addr_start: h(e.addrStart),
          addr_end: h(e.addrEnd),
          payload: e.payload,
        })),
      };
    }),
    notes: listNotes(q, s.id).map((x) => ({
      run: x.runId === null ? null : runIndex.get(x.runId)!,
      event_seq: x.eventSeq,
      addr_start: h(x.addrStart),
      addr_end: h(x.addrEnd),
      text: x.text,
      created_at: x.createdAt,
    })),
  };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Validates an export document from `file`: format and version first (a newer
 * version gets its own message), then the shape, then every host and cross
 * reference. Throws StoreError('bad-import') naming the file and JSON path.
 */
export function validateExport(file: string, doc: unknown): SessionExport {
  const bad = (path: string, message: string): never => {
    throw new StoreError('bad-import', `${file}: ${path}: ${message}`);
  };
  if (!isObject(doc)) bad('$', 'expected a JSON object (a tdx-lab session export)');
  const d = doc as Record<string, unknown>;
  if (d.format !== EXPORT_FORMAT)
    bad('$.format', `expected "${EXPORT_FORMAT}", got ${JSON.stringify(d.format)} — not a tdx-lab session export`);
  if (typeof d.version === 'number' && Number.isInteger(d.version) && d.version > EXPORT_VERSION) {
    throw new StoreError(
      'bad-import',
      `${file}: $.version: export format version ${d.version} is newer than this tdx-lab reads (${EXPORT_VERSION}); upgrade tdx-lab`,
    );
  }
  const parsed = exportSchema.safeParse(doc);
  if (!parsed.success) throw new StoreError('bad-import', problemsMessage(file, zodProblems(parsed.error)));
  const x = parsed.data;
  const hosts: HostJson[] = x.hosts.map((hh, i) => {
    const r = parseHost(hh.host);
    if (!r.ok)
      throw new StoreError(
        'bad-import',
        problemsMessage(
          file,
          r.problems.map((p) => ({ ...p, path: p.path.replace(/^\$/, `$.hosts[${i}].host`) })),
        ),
      );
    return hostToJson(r.value);
  });
  x.runs.forEach((r, i) => {
    if (r.host !== null && r.host >= x.hosts.length)
      bad(`$.runs[${i}].host`, `host index ${r.host} is past the ${x.hosts.length} hosts`);
    let prev = -1;
    r.events.forEach((e, j) => {
      if (e.seq <= prev) bad(`$.runs[${i}].events[${j}].seq`, 'events must be in increasing seq order');
      prev = e.seq;
      if ((e.addr_start === null) !== (e.addr_end === null))
        bad(`$.runs[${i}].events[${j}]`, 'give both addr_start and addr_end, or neither');
      if (e.addr_start !== null && n(e.addr_end)! <= n(e.addr_start)!)
        bad(`$.runs[${i}].events[${j}].addr_end`, 'must be above addr_start');
    });
  });
  x.notes.forEach((nt, i) => {
    if (nt.run !== null && nt.run >= x.runs.length)
      bad(`$.notes[${i}].run`, `run index ${nt.run} is past the ${x.runs.length} runs`);
  });
  return { ...x, hosts: x.hosts.map((hh, i) => ({ ...hh, host: hosts[i] })) };
}

/**
 * Creates the session from a validated export, all in one transaction. The
 * name must be free: an existing session is never merged into or replaced.
 */
export function importExport(q: Sql, file: string, doc: SessionExport, rename?: string): SessionInfo {
  const name = rename ?? doc.session.name;
  return q.tx(() => {
    if (findSession(q, name)) {
      throw new StoreError(
        'exists',
        `${file}: a session named '${name}' already exists in ${q.file}; import it under another name with --rename NEW_NAME`,
      );
    }
    const s = createSession(q, name, doc.session.description, doc.session.created_at);
    const hostIds = doc.hosts.map(
      (hh) =>
        addHost(q, s.id, { host: hh.host, origin: hh.origin, provenance: hh.provenance, createdAt: hh.created_at }).id,
    );
    const runIds = doc.runs.map(
      (r) =>
        insertRun(
          q,
          s.id,
          {
            kind: r.kind as RunKind,
            hostId: r.host === null ? null : hostIds[r.host],
            engineVersion: r.engine_version,
            kernelVariant: r.kernel_variant as never,
            status: r.status as RunStatus,
            label: r.label,
            stage: r.stage,
            errno: r.errno,
            tdxBytes: r.tdx_bytes,
            pamtKb: r.pamt_kb,
            summary: r.summary,
            tdmrs: r.tdmrs === null ? undefined : r.tdmrs.map(tdmrFromJson),
            payload: r.payload === null ? undefined : r.payload,
            createdAt: r.created_at,
          },
          r.events.map((e) => ({
            seq: e.seq,
            t: e.t,
            kind: e.kind,
            addrStart: n(e.addr_start),
            addrEnd: n(e.addr_end),
            payload: e.payload,
          })),
        ).id,
    );
    for (const nt of doc.notes) {
      addNote(q, s.id, {
        runId: nt.run === null ? null : runIds[nt.run],
        eventSeq: nt.event_seq,
        addrStart: n(nt.addr_start),
        addrEnd: n(nt.addr_end),
        text: nt.text,
        createdAt: nt.created_at,
      });
    }
    return requireSession(q, s.id);
  });
}
