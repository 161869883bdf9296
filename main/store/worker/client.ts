/**
 * The promise client of one store worker: each call gets an id and a
 * promise; answers settle them, errors as the classes they were (StoreError
 * with its code). If the thread dies, every call in flight and after fails
 * with a StoreError that says so. An idle client does not keep the process
 * alive; one with calls in flight does.
 */
import { MessageChannel, Worker, receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import { StoreError } from '../errors.js';
import type { OpenOptions } from '../open.js';
import {
  decodeError,
  type StoreArgs,
  type StoreMethod,
  type StoreRequest,
  type StoreResponse,
  type StoreResult,
  type StoreWorkerData,
} from './protocol.js';

export const STORE_SERVER_URL = new URL('./server.js', import.meta.url);

interface Pending {
  resolve(v: unknown): void;
  reject(e: Error): void;
}

export class StoreWorkerClient {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private stopped: StoreError | null = null;
  private closing = false;
  private readonly exited: Promise<void>;
  private readonly stopListeners: (() => void)[] = [];

  private constructor(
    private readonly worker: Worker,
    private readonly port: MessagePort,
    readonly path: string,
  ) {
    this.exited = new Promise((resolve) => worker.once('exit', () => resolve()));
    port.on('message', (msg: StoreResponse) => this.answer(msg));
    worker.on('error', (e) => this.stop(`it failed: ${e.message.split('\n')[0]}`));
    worker.on('exit', (code) => this.stop(`exit code ${code}`));
    this.idle();
  }

  /** Starts a worker on `path`; resolves once the database is open, rejects with the StoreError that refused it. */
  static start(path: string, options: OpenOptions = {}): Promise<StoreWorkerClient> {
    const { port1, port2 } = new MessageChannel();
    const data: StoreWorkerData = { path, options, port: port2 };
    const worker = new Worker(STORE_SERVER_URL, { workerData: data, transferList: [port2] });
    return new Promise((resolve, reject) => {
      const fail = (e: Error) => {
        cleanup();
        port1.close();
        void worker.terminate();
        reject(e);
      };
      const onMessage = (msg: StoreResponse) => {
        if (msg.type === 'ready') {
          cleanup();
          resolve(new StoreWorkerClient(worker, port1, path));
        } else if (msg.type === 'open-failed') fail(decodeError(msg.error));
      };
      const onError = (e: Error) =>
        fail(
          new StoreError(
            'cannot-open',
            `${path}: the store's worker thread failed to start (${e.message.split('\n')[0]})`,
          ),
        );
      const onExit = (code: number) => {
        // The worker's exit can overtake its last message (another channel): read that first.
        const last = receiveMessageOnPort(port1);
        if (last) return onMessage(last.message as StoreResponse);
        fail(
          new StoreError('cannot-open', `${path}: the store's worker thread stopped while opening (exit code ${code})`),
        );
      };
      const cleanup = () => {
        port1.off('message', onMessage);
        worker.off('error', onError);
        worker.off('exit', onExit);
      };
      port1.on('message', onMessage);
      worker.on('error', onError);
      worker.on('exit', onExit);
    });
  }

  get threadId(): number {
    return this.worker.threadId;
  }

  /** False once the thread has stopped (closed, or died). */
  get alive(): boolean {
    return this.stopped === null && !this.closing;
  }

  onStop(listener: () => void): void {
    this.stopListeners.push(listener);
  }

  call<M extends StoreMethod>(method: M, args: StoreArgs<M>): Promise<StoreResult<M>> {
    if (this.stopped) return Promise.reject(this.stopped);
    if (this.closing) return Promise.reject(new Error(`${this.path}: the store is closing`));
    const id = this.nextId++;
    const req = { type: 'call', id, method, args } as StoreRequest;
    return new Promise<StoreResult<M>>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.busy();
      try {
        this.port.postMessage(req);
      } catch (e) {
        // An argument that cannot be cloned (a function, say): the caller's bug, told at once.
        this.pending.delete(id);
        this.idle();
        reject(e instanceof Error ? e : new Error(String(e)));
      }
    });
  }

  /** Closes the connection and waits for the thread to end. */
  async close(): Promise<void> {
    if (this.stopped || this.closing) return this.exited;
    this.closing = true;
    const id = this.nextId++;
    const closed = new Promise<void>((resolve) =>
      this.pending.set(id, { resolve: () => resolve(), reject: () => resolve() }),
    );
    this.busy();
    this.port.postMessage({ type: 'close', id } satisfies StoreRequest);
    await closed;
    // The worker ends once its port is closed; terminate it if it lingers.
    const timer = setTimeout(() => void this.worker.terminate(), 5000);
    await this.exited;
    clearTimeout(timer);
  }

  private answer(msg: StoreResponse): void {
    if (msg.type !== 'result' && msg.type !== 'error') return;
    const p = this.pending.get(msg.id);
    if (!p) return;
    this.pending.delete(msg.id);
    this.idle();
    if (msg.type === 'result') p.resolve(msg.value);
    else p.reject(decodeError(msg.error));
  }

  private stop(why: string): void {
    if (this.stopped) return;
    // Answers posted before the thread ended may still be queued behind its exit.
    for (let m = receiveMessageOnPort(this.port); m; m = receiveMessageOnPort(this.port))
      this.answer(m.message as StoreResponse);
    this.stopped = new StoreError(
      'io',
      this.closing
        ? `${this.path}: the store is closed`
        : `${this.path}: the store's worker thread stopped (${why}) before answering; cannot tell whether its last call was written — open the store again`,
    );
    for (const p of this.pending.values()) p.reject(this.stopped);
    this.pending.clear();
    this.port.close();
    for (const l of this.stopListeners) l();
  }

  private busy(): void {
    this.worker.ref();
    this.port.ref();
  }

  private idle(): void {
    if (this.pending.size > 0) return;
    this.worker.unref();
    this.port.unref();
  }
}
