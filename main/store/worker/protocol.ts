/**
 * The store worker's typed messages. Main sends calls (an id, a method of
 * the store, its arguments); the worker answers each id with a value or an
 * error. Errors cross as data and come back as the same classes: a
 * StoreError keeps its code and its one-line message. Values are plain
 * objects (main/store/types.ts) and cross by structured clone, which keeps
 * what JSON would not (undefined, ±Infinity).
 */
import type { MessagePort } from 'node:worker_threads';
import { InputError } from '../../node/input-file.js';
import { StoreError, type StoreErrorCode } from '../errors.js';
import type { LabStore } from '../lab-store.js';
import type { OpenOptions } from '../open.js';
import type { RecordRunInput, RecordedRun } from '../record-run.js';
import type { EventInput } from '../types.js';

type MethodsOf<T> = { [K in keyof T as T[K] extends (...a: never[]) => unknown ? K : never]: T[K] };

/**
 * Everything the worker answers: LabStore's methods, except transaction and
 * importSessionFrom (they take a function, which cannot cross threads),
 * exportPieces (a generator) and close (the protocol's own message); plus recordRun (one transaction of several calls, so it runs next
 * to the connection) and the schema version (a getter on LabStore).
 */
export type StoreOps = Omit<MethodsOf<LabStore>, 'transaction' | 'close' | 'exportPieces' | 'importSessionFrom'> & {
  recordRun(sessionName: string, input: RecordRunInput): RecordedRun;
  getSchemaVersion(): number;
};
export type StoreMethod = keyof StoreOps;
export type StoreArgs<M extends StoreMethod> = Parameters<StoreOps[M]>;
export type StoreResult<M extends StoreMethod> = ReturnType<StoreOps[M]>;

/** The methods at run time. */
export const STORE_METHODS = [
  'createSession',
  'listSessions',
  'getSession',
  'requireSession',
  'ensureSession',
  'renameSession',
  'deleteSession',
  'addHost',
  'findOrAddHost',
  'getHost',
  'listHosts',
  'addRun',
  'listRuns',
  'getRun',
  'deleteRun',
  'getRunTdmrs',
  'eventsInWindow',
  'eventsInRange',
  'countEvents',
  'runSnapshot',
  'diffRuns',
  'diffSessions',
  'addNote',
  'listNotes',
  'exportSession',
  'recordExport',
  'importSession',
  'integrityCheck',
  'recordRun',
  'getSchemaVersion',
] as const satisfies readonly StoreMethod[];

/** Fails to compile when LabStore gains a method this list (and so the worker) does not answer. */
type AssertNever<T extends never> = T;
export type EveryStoreMethodListed = AssertNever<Exclude<StoreMethod, (typeof STORE_METHODS)[number]>>;

export function isStoreMethod(m: unknown): m is StoreMethod {
  return typeof m === 'string' && (STORE_METHODS as readonly string[]).includes(m);
}

export type StoreRequest =
  | { [M in StoreMethod]: { type: 'call'; id: number; method: M; args: StoreArgs<M> } }[StoreMethod]
  | { type: 'close'; id: number };

export type WireError =
  | { kind: 'store'; code: StoreErrorCode; message: string }
  | { kind: 'input'; message: string; exitCode: number }
  | { kind: 'internal'; name: string; message: string; stack?: string };

export type StoreResponse =
  | { type: 'ready'; schemaVersion: number }
  | { type: 'open-failed'; error: WireError }
  | { type: 'result'; id: number; value: unknown }
  | { type: 'error'; id: number; error: WireError };

/** workerData of a store worker. */
export interface StoreWorkerData {
  path: string;
  options: OpenOptions;
  /** The channel calls and answers travel on. */
  port: MessagePort;
  /**
   * Bumped and notified after every answer, for a caller that waits with
   * Atomics.wait (tests run the synchronous store tests through this protocol).
   */
  wake?: SharedArrayBuffer;
}

export function encodeError(e: unknown): WireError {
  if (e instanceof StoreError) return { kind: 'store', code: e.code, message: e.message };
  if (e instanceof InputError) return { kind: 'input', message: e.message, exitCode: e.exitCode };
  if (e instanceof Error) return { kind: 'internal', name: e.name, message: e.message, stack: e.stack };
  return { kind: 'internal', name: 'Error', message: String(e) };
}

export function decodeError(w: WireError): Error {
  if (w.kind === 'store') return new StoreError(w.code, w.message);
  if (w.kind === 'input') return new InputError(w.message, w.exitCode);
  // A bug in the worker: keep its name and stack so it reads as the original.
  const e = new Error(w.message);
  e.name = w.name;
  if (w.stack) e.stack = w.stack;
  return e;
}

function materialize(events: Iterable<EventInput> | undefined): EventInput[] | undefined {
  return events === undefined || Array.isArray(events) ? (events as EventInput[] | undefined) : Array.from(events);
}

/** Arguments as they cross: iterables of events (generators cannot be cloned) become arrays. */
export function wireArgs<M extends StoreMethod>(method: M, args: StoreArgs<M>): StoreArgs<M> {
  if (method === 'addRun') {
    const [session, run, events] = args as StoreArgs<'addRun'>;
    return [session, run, materialize(events)] as unknown as StoreArgs<M>;
  }
  if (method === 'recordRun') {
    const [name, input] = args as StoreArgs<'recordRun'>;
    return (input.events === undefined
      ? args
      : [name, { ...input, events: materialize(input.events) }]) as unknown as StoreArgs<M>;
  }
  return args;
}
