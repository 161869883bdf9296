/**
 * FOR TESTS ONLY: a LabStore look-alike that sends every call through the
 * store worker's protocol (the same server, messages and error decoding the
 * app's async client uses) and blocks until the answer comes (Atomics.wait
 * on the worker's wake counter). It lets the existing, synchronous store
 * tests run unchanged against the worker (hooks.ts swaps it in for
 * openLabStore). Production code never blocks like this: it uses openStore().
 */
import { appendFileSync } from 'node:fs';
import { basename } from 'node:path';
import { MessageChannel, Worker, receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import type { LabStore } from '../../../main/store/lab-store.js';
import type { OpenOptions } from '../../../main/store/open.js';
import { STORE_SERVER_URL } from '../../../main/store/worker/client.js';
import {
  decodeError,
  isStoreMethod,
  wireArgs,
  type StoreRequest,
  type StoreResponse,
  type StoreWorkerData,
} from '../../../main/store/worker/protocol.js';

const ANSWER_TIMEOUT_MS = 240_000;
const IS_SYNC_WORKER_STORE = Symbol('sync worker store');

class SyncChannel {
  private readonly counter: Int32Array;
  private nextId = 1;

  constructor(
    readonly worker: Worker,
    private readonly port: MessagePort,
    wake: SharedArrayBuffer,
  ) {
    this.counter = new Int32Array(wake);
  }

  /** The next answer from the worker, waiting for it without returning to the event loop. */
  receive(): StoreResponse {
    const deadline = Date.now() + ANSWER_TIMEOUT_MS;
    for (;;) {
      const seen = Atomics.load(this.counter, 0);
      const m = receiveMessageOnPort(this.port);
      if (m) return m.message as StoreResponse;
      if (Date.now() > deadline) throw new Error('the store worker did not answer');
      Atomics.wait(this.counter, 0, seen, 100);
    }
  }

  request(req: Omit<StoreRequest, 'id'>): StoreResponse {
    const id = this.nextId++;
    this.port.postMessage({ ...req, id });
    for (;;) {
      const r = this.receive();
      if ((r.type === 'result' || r.type === 'error') && r.id === id) return r;
    }
  }
}

export function isSyncWorkerStore(store: unknown): boolean {
  return (
    typeof store === 'object' && store !== null && (store as Record<symbol, unknown>)[IS_SYNC_WORKER_STORE] === true
  );
}

/** Opens `path` in a new store worker; throws what the worker's open threw (a StoreError with its code). */
export function openSyncWorkerStore(path: string, options: OpenOptions = {}): LabStore {
  const { port1, port2 } = new MessageChannel();
  const wake = new SharedArrayBuffer(4);
  const data: StoreWorkerData = { path, options, port: port2, wake };
  const worker = new Worker(STORE_SERVER_URL, { workerData: data, transferList: [port2] });
  worker.unref();
  const ch = new SyncChannel(worker, port1, wake);
  const first = ch.receive();
  if (first.type === 'open-failed') {
    port1.close();
    void worker.terminate();
    throw decodeError(first.error);
  }
  if (process.env.TDX_LAB_TEST_WORKER_LOG)
    appendFileSync(
      process.env.TDX_LAB_TEST_WORKER_LOG,
      `${process.pid} ${worker.threadId} ${basename(process.argv[1] ?? '?')} ${path}\n`,
    );
  let closed = false;
  const call = (method: string, args: unknown[]): unknown => {
    if (closed) throw new Error(`${path}: this store is closed`);
    const wire = isStoreMethod(method) ? wireArgs(method, args as never) : args;
    const r = ch.request({ type: 'call', method, args: wire } as Omit<StoreRequest, 'id'>);
    if (r.type === 'error') throw decodeError(r.error);
    return (r as { value: unknown }).value;
  };
  const target = {
    [IS_SYNC_WORKER_STORE]: true,
    path,
    readonly: options.readonly ?? false,
    get schemaVersion() {
      return call('getSchemaVersion', []);
    },
    transaction() {
      throw new Error('transaction(fn) cannot cross to the store worker (a function cannot be sent); use recordRun');
    },
    recordRun(name: string, input: unknown) {
      return call('recordRun', [name, input]);
    },
    close() {
      if (closed) return;
      ch.request({ type: 'close' });
      closed = true;
      port1.close();
      void worker.terminate();
    },
  };
  return new Proxy(target, {
    get(t, prop, receiver) {
      if (prop in t) return Reflect.get(t, prop, receiver);
      if (typeof prop === 'symbol' || prop === 'then') return undefined;
      return (...args: unknown[]) => call(prop, args);
    },
  }) as unknown as LabStore;
}
