/**
 * `session import` in one pass over the file (docs/sessions.md): the JSON is
 * scanned incrementally (main/node/json-scan.ts), small parts (a run's
 * fields, one event, one TDMR, a chunk of memblock regions) are built and
 * validated one at a time, and rows are written as they are read, all inside
 * the caller's transaction — so a session of any size imports in bounded
 * memory, and a bad file writes nothing.
 *
 * One pass needs an order: `session` before `hosts`, `hosts` before `runs`,
 * `runs` before `notes`, as `session export` writes them.
 */
import { constants, deflateRawSync } from 'node:zlib';
import { parseHex } from '../../engine/format/hex.js';
import { hostToJson } from '../../engine/format/host-json.js';
import { parseHost, zodProblems, type HostProblem } from '../../engine/host/validate.js';
import { problemsMessage } from '../node/input-file.js';
import { JsonScanner, JsonSyntaxError, type JsonSink } from '../node/json-scan.js';
import { JsonValueBuilder } from '../node/json-value.js';
import { StoreError } from './errors.js';
import { EventWriter } from './events.js';
import { HostTextWriter } from './host-text.js';
import {
  EXPORT_FORMAT,
  EXPORT_VERSION,
  eventSchema,
  headerSchema,
  hostEntrySchema,
  noteSchema,
  runFieldsSchema,
  sessionSchema,
  tdmrFromJson,
  tdmrSchema,
} from './export-format.js';
import { addNote } from './notes.js';
import { COMPRESS_ABOVE } from './payload.js';
import { writeTdmr } from './runs.js';
import { checkSessionName, createSession, findSession, requireSession } from './sessions.js';
import type { Sql } from './sql.js';
import type { SessionInfo } from './types.js';

/** memblock regions validated per parseHost call: bounded memory, linear time. */
const MEMBLOCK_CHUNK = 65536;
/** A region above 1 MiB, for canonicalizing regions that all lie below it (they are sorted, so before it). */
const SENTINEL_REGION = { start: '0x100000000000', end: '0x100000001000', nid: 0 };
/** Payload text gathered before it is deflated onward (raw deflate blocks, sync-flushed, concatenate). */
const PAYLOAD_PIECE = 1 << 20;

/** The canonical host text up to its first region (hostToJson's key order). */
function headOf(name: unknown, description: unknown): string {
  const d = description !== undefined ? `,"description":${JSON.stringify(description)}` : '';
  return `{"name":${JSON.stringify(name)}${d},"memblock":[`;
}

/** The JSON type of a value for messages ("expected array, got object"). */
function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

const n = (s: string | null): number | null => (s === null ? null : parseHex(s)!);

/** Re-serializes a streamed value as compact JSON text (what JSON.stringify writes), deflating big ones. */
class PayloadWriter implements JsonSink {
  private text: string[] = [];
  private textLen = 0;
  private readonly deflated: Buffer[] = [];
  private readonly needComma: boolean[] = [];
  private afterKey = false;

  private emit(s: string): void {
    this.text.push(s);
    this.textLen += s.length;
    if (this.textLen >= PAYLOAD_PIECE) this.flush(false);
  }

  private flush(final: boolean): void {
    const piece = Buffer.from(this.text.join(''), 'utf8');
    this.text = [];
    this.textLen = 0;
    // Each piece ends on a byte boundary without the final bit: the pieces concatenated are one raw deflate stream.
    this.deflated.push(
      deflateRawSync(piece, final ? {} : { flush: constants.Z_SYNC_FLUSH, finishFlush: constants.Z_SYNC_FLUSH }),
    );
  }

  private sep(): void {
    if (this.afterKey) {
      this.afterKey = false;
      return;
    }
    const d = this.needComma.length - 1;
    if (d >= 0) {
      if (this.needComma[d]) this.emit(',');
      this.needComma[d] = true;
    }
  }

  startObject(): void {
    this.sep();
    this.emit('{');
    this.needComma.push(false);
  }
  endObject(): void {
    this.needComma.pop();
    this.emit('}');
  }
  startArray(): void {
    this.sep();
    this.emit('[');
    this.needComma.push(false);
  }
  endArray(): void {
    this.needComma.pop();
    this.emit(']');
  }
  key(name: string): void {
    this.sep();
    this.emit(JSON.stringify(name) + ':');
    this.afterKey = true;
  }
  value(v: string | number | boolean | null): void {
    this.sep();
    this.emit(JSON.stringify(v));
  }

  /** The stored form: JSON text when small (payload.ts), else raw-deflated. */
  result(): { data: string | Buffer; codec: 'json' | 'json+deflate' } | null {
    if (this.deflated.length === 0) {
      const text = this.text.join('');
      if (text === 'null') return null;
      if (text.length <= COMPRESS_ABOVE) return { data: text, codec: 'json' };
    }
    this.flush(true);
    return { data: Buffer.concat(this.deflated), codec: 'json+deflate' };
  }
}

/** Where a capture (a value being built or re-serialized) delivers its result. */
interface Capture {
  sink: JsonSink;
  depth: number;
  done: (v: unknown) => void;
  builder?: JsonValueBuilder;
}

type Ctx =
  'root' | 'hosts' | 'host-entry' | 'host' | 'memblock' | 'runs' | 'run' | 'tdmrs' | 'events' | 'notes' | 'skip';

interface HostState {
  entry: Record<string, unknown>;
  fields: Record<string, unknown>;
  sawHost: boolean;
  chunk: unknown[];
  sawMemblockArray: boolean;
  /** Index of chunk[0] in memblock. */
  chunkAt: number;
  count: number;
  /** The host's text as it streams in (host-text.ts), from where its memblock array opens. */
  text?: HostTextWriter;
  /** Whether a memblock piece was written (the next one starts with a comma). */
  wrote: boolean;
  last?: unknown;
  lastIndex: number;
}

interface RunState {
  fields: Record<string, unknown>;
  id?: number;
  tdmrs: number | null | undefined;
  payload?: ReturnType<PayloadWriter['result']>;
  sawEvents: boolean;
  events?: EventWriter;
  eventCount: number;
  lastSeq: number;
}

export class SessionImporter implements JsonSink {
  private readonly ctx: Ctx[] = [];
  private capture?: Capture;
  private depth = 0;
  private seen = new Set<string>();
  private session?: SessionInfo;
  private readonly hostIds: number[] = [];
  private readonly runIds: number[] = [];
  private host?: HostState;
  private run?: RunState;
  private noteCount = 0;
  private header: Record<string, unknown> = {};
  /** The key the next value belongs to, in the current object. */
  private pendingKey = '';

  constructor(
    private readonly q: Sql,
    private readonly file: string,
    private readonly rename?: string,
  ) {}

  private bad(path: string, message: string): never {
    throw new StoreError('bad-import', `${this.file}: ${path}: ${message}`);
  }

  private problems(prefix: string, problems: readonly HostProblem[]): never {
    throw new StoreError(
      'bad-import',
      problemsMessage(
        this.file,
        problems.map((p) => ({ ...p, path: p.path.replace(/^\$/, prefix) })),
      ),
    );
  }

  private validate<T>(
    schema: { safeParse(v: unknown, o: object): { success: boolean; data?: T; error?: unknown } },
    value: unknown,
    path: string,
  ): T {
    const r = schema.safeParse(value, { reportInput: true });
    if (!r.success) this.problems(path, zodProblems(r.error as never));
    return r.data as T;
  }

  // Captures: build (or re-serialize) the value that starts now, then hand it on.

  private startCapture(done: (v: unknown) => void, sink?: JsonSink): void {
    const builder = sink ? undefined : new JsonValueBuilder();
    this.capture = { sink: sink ?? builder!, depth: this.depth, done, builder };
  }

  private forward(ev: (s: JsonSink) => void, closes: boolean, opens: boolean): boolean {
    const c = this.capture;
    if (!c) return false;
    ev(c.sink);
    if (opens) this.depth++;
    if (closes) this.depth--;
    if (this.depth === c.depth) {
      this.capture = undefined;
      c.done(c.builder ? c.builder.built : undefined);
    }
    return true;
  }

  startObject(): void {
    if (this.forward((s) => s.startObject(), false, true)) return;
    this.open('object');
  }
  startArray(): void {
    if (this.forward((s) => s.startArray(), false, true)) return;
    this.open('array');
  }
  endObject(): void {
    if (this.forward((s) => s.endObject(), true, false)) return;
    this.close();
  }
  endArray(): void {
    if (this.forward((s) => s.endArray(), true, false)) return;
    this.close();
  }
  value(v: string | number | boolean | null): void {
    if (this.forward((s) => s.value(v), false, false)) return;
    this.scalar(v);
  }

  key(name: string): void {
    if (this.capture) {
      this.capture.sink.key(name);
      return;
    }
    this.pendingKey = name;
    const where = this.ctx[this.ctx.length - 1];
    if (where === 'root') this.rootKey(name);
  }

  private path(): string {
    const c = this.ctx[this.ctx.length - 1];
    const h = this.hostIds.length;
    const r = this.runIds.length;
    if (c === 'root') return `$.${this.pendingKey}`;
    if (c === 'host-entry') return `$.hosts[${h}].${this.pendingKey}`;
    if (c === 'host') return `$.hosts[${h}].host.${this.pendingKey}`;
    if (c === 'run') return `$.runs[${r}].${this.pendingKey}`;
    return '$';
  }

  // What the containers that are not captured mean, by where they open.

  private open(kind: 'object' | 'array'): void {
    this.depth++;
    const where = this.ctx[this.ctx.length - 1];
    if (where === undefined) {
      if (kind !== 'object') this.bad('$', 'expected a JSON object (a tdx-lab session export), got array');
      this.ctx.push('root');
      return;
    }
    const expectArray = (ctx: Ctx, path: string) => {
      if (kind !== 'array') this.bad(path, 'expected array, got object');
      this.ctx.push(ctx);
    };
    const k = this.pendingKey;
    if (where === 'root') {
      if (k === 'hosts') return expectArray('hosts', '$.hosts');
      if (k === 'runs') return expectArray('runs', '$.runs');
      if (k === 'notes') return expectArray('notes', '$.notes');
    } else if (where === 'hosts') {
      if (kind !== 'object') this.bad(`$.hosts[${this.hostIds.length}]`, 'expected object, got array');
      this.host = {
        entry: {},
        fields: {},
        sawHost: false,
        chunk: [],
        sawMemblockArray: false,
        chunkAt: 0,
        count: 0,
        wrote: false,
        lastIndex: -1,
      };
      this.ctx.push('host-entry');
      return;
    } else if (where === 'host-entry' && k === 'host') {
      if (kind !== 'object') this.bad(`$.hosts[${this.hostIds.length}].host`, 'expected object, got array');
      this.host!.sawHost = true;
      this.ctx.push('host');
      return;
    } else if (where === 'host' && k === 'memblock') {
      if (this.host!.sawMemblockArray) this.bad(`$.hosts[${this.hostIds.length}].host.memblock`, 'given twice');
      this.host!.sawMemblockArray = true;
      this.startHostText();
      return expectArray('memblock', `$.hosts[${this.hostIds.length}].host.memblock`);
    } else if (where === 'runs') {
      if (kind !== 'object') this.bad(`$.runs[${this.runIds.length}]`, 'expected object, got array');
      this.run = { fields: {}, tdmrs: undefined, sawEvents: false, eventCount: 0, lastSeq: -1 };
      this.ctx.push('run');
      return;
    } else if (where === 'run' && k === 'tdmrs') {
      expectArray('tdmrs', `$.runs[${this.runIds.length}].tdmrs`);
      this.run!.tdmrs = 0;
      this.runRow();
      return;
    } else if (where === 'run' && k === 'events') {
      expectArray('events', `$.runs[${this.runIds.length}].events`);
      this.run!.sawEvents = true;
      this.run!.events = new EventWriter(this.q, this.runRow());
      return;
    }
    throw new Error(`session import: unexpected ${kind} in ${where}`); // captures take every other value
  }

  private close(): void {
    this.depth--;
    const where = this.ctx.pop();
    if (where === 'host-entry') this.finishHost();
    else if (where === 'run') this.finishRun();
    else if (where === 'root') this.finishRoot();
    else if (where === 'memblock') this.flushMemblock();
  }

  private scalar(v: string | number | boolean | null): void {
    const where = this.ctx[this.ctx.length - 1];
    if (where === undefined) this.bad('$', `expected a JSON object (a tdx-lab session export), got ${typeName(v)}`);
    if (where === 'run' && this.pendingKey === 'tdmrs' && v === null) {
      this.run!.tdmrs = null;
      return;
    }
    const paths: Partial<Record<Ctx, string>> = {
      hosts: `$.hosts[${this.hostIds.length}]`,
      runs: `$.runs[${this.runIds.length}]`,
      notes: `$.notes[${this.noteCount}]`,
      memblock: `$.hosts[${this.hostIds.length}].host.memblock[${this.host?.count}]`,
      tdmrs: `$.runs[${this.runIds.length}].tdmrs[${this.run?.tdmrs}]`,
      events: `$.runs[${this.runIds.length}].events[${this.run?.eventCount}]`,
    };
    const p = paths[where!];
    if (p) this.bad(p, `expected object, got ${typeName(v)}`);
    this.bad(this.path(), `expected ${where === 'root' ? 'array' : 'object'}, got ${typeName(v)}`);
  }

  // Array elements: every element of these arrays is captured as it starts.

  /** Called by the scanner wrapper before each event, to start captures where elements and fields begin. */
  beforeValue(kind: 'object' | 'array' | 'scalar'): void {
    if (this.capture) return;
    const where = this.ctx[this.ctx.length - 1];
    const k = this.pendingKey;
    if (where === 'root') {
      if (['format', 'version', 'engine_version', 'exported_at', 'session'].includes(k))
        return this.startCapture((v) => this.rootValue(k, v));
      if (!['hosts', 'runs', 'notes'].includes(k)) {
        if (!this.seen.has('format'))
          this.bad(
            '$.format',
            `expected "${EXPORT_FORMAT}", got none (the file starts with $.${k}) — not a tdx-lab session export`,
          );
        this.bad(`$.${k}`, 'unknown field (not in a tdx-lab session export)');
      }
      if (kind !== 'array') return; // open() or scalar() reports the wrong type
      this.order(k);
      return;
    }
    if (where === 'host-entry') {
      if (k === 'host') {
        if (kind === 'object') return;
        return this.startCapture((v) =>
          this.bad(`$.hosts[${this.hostIds.length}].host`, `expected object, got ${typeName(v)}`),
        );
      }
      return this.startCapture((v) => (this.host!.entry[k] = v));
    }
    if (where === 'host') {
      if (k === 'memblock' && kind === 'array') return;
      return this.startCapture((v) => (this.host!.fields[k] = v));
    }
    if (where === 'memblock') return this.startCapture((v) => this.memblockRegion(v));
    if (where === 'hosts' || where === 'runs') return;
    if (where === 'run') {
      if (k === 'tdmrs' && kind === 'array') return;
      if (k === 'tdmrs') return this.startCapture((v) => this.tdmrsScalar(v));
      if (k === 'events' && kind === 'array') return;
      if (k === 'events')
        return this.startCapture((v) =>
          this.bad(`$.runs[${this.runIds.length}].events`, `expected array, got ${typeName(v)}`),
        );
      if (k === 'payload') {
        const w = new PayloadWriter();
        return this.startCapture(() => (this.run!.payload = w.result()), w);
      }
      return this.startCapture((v) => (this.run!.fields[k] = v));
    }
    if (where === 'tdmrs') return this.startCapture((v) => this.tdmr(v));
    if (where === 'events') return this.startCapture((v) => this.event(v));
    if (where === 'notes') return this.startCapture((v) => this.note(v));
  }

  private tdmrsScalar(v: unknown): void {
    if (v !== null) this.bad(`$.runs[${this.runIds.length}].tdmrs`, `expected array or null, got ${typeName(v)}`);
    this.run!.tdmrs = null;
  }

  private order(k: string): void {
    const need: Record<string, string> = { hosts: 'session', runs: 'hosts', notes: 'runs' };
    if (!this.seen.has(need[k]))
      this.bad(
        `$.${k}`,
        `must come after $.${need[k]} (tdx-lab reads session files in one pass, in the order session export writes them)`,
      );
    if (this.seen.has(k)) this.bad(`$.${k}`, 'given twice');
    this.seen.add(k);
  }

  private rootKey(name: string): void {
    if (this.seen.has(name) && ['format', 'version', 'engine_version', 'exported_at', 'session'].includes(name))
      this.bad(`$.${name}`, 'given twice');
  }

  private rootValue(k: string, v: unknown): void {
    this.seen.add(k);
    if (k === 'format' && v !== EXPORT_FORMAT)
      this.bad('$.format', `expected "${EXPORT_FORMAT}", got ${JSON.stringify(v)} — not a tdx-lab session export`);
    if (k === 'version' && typeof v === 'number' && Number.isInteger(v) && v > EXPORT_VERSION)
      throw new StoreError(
        'bad-import',
        `${this.file}: $.version: export format version ${v} is newer than this tdx-lab reads (${EXPORT_VERSION}); upgrade tdx-lab`,
      );
    if (k === 'session') return this.startSession(v);
    this.header[k] = v;
  }

  private startSession(v: unknown): void {
    const s = this.validate<{ name: string; description: string | null; created_at: string }>(
      sessionSchema,
      v,
      '$.session',
    );
    const name = this.rename ?? s.name;
    checkSessionName(name);
    if (findSession(this.q, name))
      throw new StoreError(
        'exists',
        `${this.file}: a session named '${name}' already exists in ${this.q.file}; import it under another name with --rename NEW_NAME`,
      );
    this.session = createSession(this.q, name, s.description, s.created_at);
  }

  private finishRoot(): void {
    const h = this.validate<Record<string, unknown>>(headerSchema, this.header, '$');
    void h;
    for (const k of ['session', 'hosts', 'runs', 'notes'])
      if (!this.seen.has(k)) this.bad(`$.${k}`, `missing (expected ${k === 'session' ? 'object' : 'array'})`);
  }

  // Hosts: validated by parseHost in chunks of memblock regions, stored as canonical host JSON.

  private hostPath(): string {
    return `$.hosts[${this.hostIds.length}].host`;
  }

  private memblockRegion(v: unknown): void {
    const h = this.host!;
    h.chunk.push(v);
    h.count++;
    if (h.chunk.length === MEMBLOCK_CHUNK) this.flushMemblock();
  }

  /** A neutral host around some regions: parseHost then checks just the regions. */
  private static probe(regions: unknown[]): unknown {
    return {
      name: 'x',
      memblock: regions,
      module: { max_tdmrs: 1, max_reserved_per_tdmr: 1, pamt_entry_size: { '4k': 16, '2m': 16, '1g': 16 } },
      cmrs: [],
    };
  }

  private flushMemblock(): void {
    const h = this.host!;
    if (h.chunk.length === 0) return;
    const remap = (problems: HostProblem[], index: (k: number) => number) =>
      problems.map((p) => ({
        ...p,
        path: p.path.replace(/^\$\.memblock\[(\d+)\]/, (_m, k) => `$.memblock[${index(Number(k))}]`),
      }));
    // Order across chunks: the previous chunk's last region against this one's first.
    if (h.last !== undefined) {
      const pair = parseHost(SessionImporter.probe([h.last, h.chunk[0]]));
      if (!pair.ok && pair.problems.some((p) => /^\$\.memblock\[1\]$/.test(p.path)))
        this.problems(
          this.hostPath(),
          remap(
            pair.problems.filter((p) => p.path === '$.memblock[1]'),
            (k) => (k === 0 ? h.lastIndex : h.chunkAt),
          ),
        );
    }
    let r = parseHost(SessionImporter.probe(h.chunk));
    if (!r.ok) {
      const own = r.problems.filter((p) => p.path.startsWith('$.memblock['));
      if (own.length)
        this.problems(
          this.hostPath(),
          remap(own, (k) => h.chunkAt + k),
        );
      // Only "no memory above 1 MiB" is left, which is about the whole host (decided at its end):
      // canonicalize these regions with one above them that parseHost then drops from the text.
      r = parseHost(SessionImporter.probe([...h.chunk, SENTINEL_REGION]));
      if (!r.ok)
        this.problems(
          this.hostPath(),
          remap(r.problems, (k) => h.chunkAt + k),
        );
      r.value.memblock.pop();
    }
    h.text!.body((h.wrote ? ',' : '') + JSON.stringify(hostToJson(r.value).memblock).slice(1, -1));
    h.wrote = true;
    h.last = h.chunk[h.chunk.length - 1];
    h.lastIndex = h.chunkAt + h.chunk.length - 1;
    h.chunkAt += h.chunk.length;
    h.chunk = [];
  }

  /**
   * The host's text starts where its memblock array opens: the regions stream
   * into it, so no host is ever held whole. Its head is expected to be the
   * name (and description) read so far, as export writes them first.
   */
  private startHostText(): HostTextWriter {
    const h = this.host!;
    h.text = new HostTextWriter(
      this.q,
      { sessionId: this.session!.id, name: '', origin: 'planned', provenance: '{}', createdAt: '' },
      headOf(h.fields.name, h.fields.description),
    );
    return h.text;
  }

  private finishHost(): void {
    const h = this.host!;
    const at = `$.hosts[${this.hostIds.length}]`;
    const entry = this.validate<{
      origin: 'recorded' | 'planned';
      provenance: Record<string, unknown>;
      created_at: string;
    }>(hostEntrySchema, { ...h.entry, host: h.sawHost ? {} : undefined }, at);
    if (!h.sawHost) this.bad(`${at}.host`, 'missing (expected object)');
    this.flushMemblock();
    // The whole host but memblock, with its last region: every other rule, and "memory above 1 MiB".
    const skeleton = { ...h.fields, memblock: h.count ? [h.last] : h.sawMemblockArray ? [] : h.fields.memblock };
    const r = parseHost(skeleton);
    if (!r.ok)
      this.problems(
        this.hostPath(),
        r.problems.map((p) => ({
          ...p,
          path: p.path.replace(/^\$\.memblock\[0\]/, `$.memblock[${Math.max(0, h.count - 1)}]`),
        })),
      );
    const canon = hostToJson(r.value) as unknown as Record<string, unknown>;
    const { name, description, memblock, ...rest } = canon;
    void memblock;
    const text = h.text ?? this.startHostText();
    const { id } = text.finish(headOf(name, description), `],${JSON.stringify(rest).slice(1)}`, {
      sessionId: this.session!.id,
      name: name as string,
      origin: entry.origin,
      provenance: JSON.stringify(entry.provenance),
      createdAt: entry.created_at,
    });
    this.hostIds.push(id);
    this.host = undefined;
  }

  // Runs: the row goes in when its TDMRs or events start (or at its end); fields are checked at its end.

  private runRow(): number {
    const r = this.run!;
    if (r.id !== undefined) return r.id;
    r.id = Number(
      this.q
        .stmt(
          `INSERT INTO runs (session_id, kind, engine_version, kernel_variant, status, event_count, created_at) VALUES (?, 'plan', '', '', 'ok', 0, '')`,
        )
        .run(this.session!.id).lastInsertRowid,
    );
    return r.id;
  }

  private tdmr(v: unknown): void {
    const r = this.run!;
    const t = this.validate<Parameters<typeof tdmrFromJson>[0]>(
      tdmrSchema,
      v,
      `$.runs[${this.runIds.length}].tdmrs[${r.tdmrs}]`,
    );
    writeTdmr(this.q, this.runRow(), r.tdmrs!, tdmrFromJson(t));
    r.tdmrs!++;
  }

  private event(v: unknown): void {
    const r = this.run!;
    const at = `$.runs[${this.runIds.length}].events[${r.eventCount}]`;
    const e = this.validate<{
      seq: number;
      t: number;
      kind: string;
      addr_start: string | null;
      addr_end: string | null;
      payload: unknown;
    }>(eventSchema, v, at);
    if (e.seq <= r.lastSeq) this.bad(`${at}.seq`, 'events must be in increasing seq order');
    r.lastSeq = e.seq;
    if ((e.addr_start === null) !== (e.addr_end === null))
      this.bad(at, 'give both addr_start and addr_end, or neither');
    if (e.addr_start !== null && n(e.addr_end)! <= n(e.addr_start)!)
      this.bad(`${at}.addr_end`, 'must be above addr_start');
    r.events!.push({
      seq: e.seq,
      t: e.t,
      kind: e.kind,
      addrStart: n(e.addr_start),
      addrEnd: n(e.addr_end),
      payload: e.payload,
    });
    r.eventCount++;
  }

  private finishRun(): void {
    const r = this.run!;
    const at = `$.runs[${this.runIds.length}]`;
    const f = this.validate<{
      host: number | null;
      kind: string;
      engine_version: string;
      kernel_variant: string;
      status: string;
      label: string | null;
      stage: string | null;
      errno: string | null;
      tdx_bytes: number | null;
      pamt_kb: number | null;
      created_at: string;
      summary: Record<string, unknown> | null;
    }>(runFieldsSchema, r.fields, at);
    if (r.tdmrs === undefined) this.bad(`${at}.tdmrs`, 'missing (expected array or null)');
    if (!r.sawEvents) this.bad(`${at}.events`, 'missing (expected array)');
    if (f.host !== null && f.host >= this.hostIds.length)
      this.bad(`${at}.host`, `host index ${f.host} is past the ${this.hostIds.length} hosts`);
    const id = this.runRow();
    const events = r.events!.finish();
    const p = r.payload ?? null;
    this.q
      .stmt(
        `UPDATE runs SET host_id = ?, kind = ?, engine_version = ?, kernel_variant = ?, status = ?, label = ?, stage = ?, errno = ?,
                         tdmr_count = ?, tdx_bytes = ?, pamt_kb = ?, event_count = ?, summary = ?, payload = ?, payload_codec = ?, created_at = ?
         WHERE id = ?`,
      )
      .run(
        f.host === null ? null : this.hostIds[f.host],
        f.kind,
        f.engine_version,
        f.kernel_variant,
        f.status,
        f.label,
        f.stage,
        f.errno,
        r.tdmrs,
        f.tdx_bytes,
        f.pamt_kb,
        events,
        f.summary === null ? null : JSON.stringify(f.summary),
        p?.data ?? null,
        p?.codec ?? null,
        f.created_at,
        id,
      );
    this.runIds.push(id);
    this.run = undefined;
  }

  private note(v: unknown): void {
    const at = `$.notes[${this.noteCount}]`;
    const x = this.validate<{
      run: number | null;
      event_seq: number | null;
      addr_start: string | null;
      addr_end: string | null;
      text: string;
      created_at: string;
    }>(noteSchema, v, at);
    if (x.run !== null && x.run >= this.runIds.length)
      this.bad(`${at}.run`, `run index ${x.run} is past the ${this.runIds.length} runs`);
    addNote(this.q, this.session!.id, {
      runId: x.run === null ? null : this.runIds[x.run],
      eventSeq: x.event_seq,
      addrStart: n(x.addr_start),
      addrEnd: n(x.addr_end),
      text: x.text,
      createdAt: x.created_at,
    });
    this.noteCount++;
  }

  /** The imported session, once the whole document was read. */
  result(): SessionInfo {
    return requireSession(this.q, this.session!.id);
  }
}

/** Scanner events pass through here so the importer can start captures where values begin. */
class Router implements JsonSink {
  constructor(private readonly imp: SessionImporter) {}
  startObject(): void {
    this.imp.beforeValue('object');
    this.imp.startObject();
  }
  endObject(): void {
    this.imp.endObject();
  }
  startArray(): void {
    this.imp.beforeValue('array');
    this.imp.startArray();
  }
  endArray(): void {
    this.imp.endArray();
  }
  key(name: string): void {
    this.imp.key(name);
  }
  value(v: string | number | boolean | null): void {
    this.imp.beforeValue('scalar');
    this.imp.value(v);
  }
}

/**
 * Imports a session from text delivered by `read` (which calls `push` with
 * each chunk), inside one write transaction: all or nothing.
 */
export function importSessionText(
  q: Sql,
  file: string,
  read: (push: (chunk: string) => void) => void,
  rename?: string,
): SessionInfo {
  return q.tx(() => {
    const imp = new SessionImporter(q, file, rename);
    const scanner = new JsonScanner(new Router(imp));
    try {
      read((chunk) => scanner.write(chunk));
      scanner.end();
    } catch (e) {
      if (e instanceof JsonSyntaxError) {
        if (e.why.startsWith('empty document'))
          throw new StoreError('bad-import', `${file}: empty file (expected a JSON document)`);
        throw new StoreError('bad-import', `${file}: malformed JSON at ${e.message}`);
      }
      throw e;
    }
    return imp.result();
  });
}
