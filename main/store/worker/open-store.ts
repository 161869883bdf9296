/**
 * The one way a composition root opens the lab notebook, with one async
 * interface whatever the mode:
 *   direct  the LabStore in this thread (the CLI's way; calls block while SQLite works);
 *   worker  a store worker thread per database file (the desktop app's way, as
 *           Signal Desktop does): reads and writes never block this thread.
 * A store that cannot open rejects with a StoreError saying why (inside
 * Electron, also when the app's SQLite build is missing or stale, with what to run).
 */
import { StoreError } from '../errors.js';
import { LabStore } from '../lab-store.js';
import type { OpenOptions } from '../open.js';
import { sqliteBindingForThisProcess } from '../../native-binding/this-process.js';
import { callStoreOp } from './ops.js';
import { STORE_METHODS, wireArgs, type StoreArgs, type StoreMethod, type StoreResult } from './protocol.js';
import { acquireStoreWorker } from './registry.js';

export type StoreMode = 'direct' | 'worker';

export interface OpenStoreOptions extends OpenOptions {
  mode: StoreMode;
}

export type AsyncStoreMethods = {
  readonly [M in StoreMethod]: (...args: StoreArgs<M>) => Promise<StoreResult<M>>;
};

export interface AsyncLabStore extends AsyncStoreMethods {
  readonly path: string;
  readonly readonly: boolean;
  readonly mode: StoreMode;
  /** Closes this handle (a worker stops when its last handle closes). Idempotent. */
  close(): Promise<void>;
}

type Call = <M extends StoreMethod>(method: M, args: StoreArgs<M>) => Promise<StoreResult<M>>;

function facade(path: string, options: OpenStoreOptions, call: Call, close: () => Promise<void>): AsyncLabStore {
  let closed = false;
  const methods = Object.fromEntries(
    STORE_METHODS.map((m) => [
      m,
      (...args: unknown[]) =>
        closed
          ? Promise.reject(new Error(`${path}: this store handle is closed`))
          : call(m, args as StoreArgs<typeof m>),
    ]),
  ) as unknown as AsyncStoreMethods;
  return {
    ...methods,
    path,
    readonly: options.readonly ?? false,
    mode: options.mode,
    async close() {
      if (closed) return;
      closed = true;
      await close();
    },
  };
}

export async function openStore(path: string, options: OpenStoreOptions): Promise<AsyncLabStore> {
  if (options.mode === 'direct') {
    const store = LabStore.open(path, options);
    // async functions: a store failure is a rejection, as in worker mode.
    return facade(
      path,
      options,
      async (m, a) => callStoreOp(store, m, a),
      async () => store.close(),
    );
  }
  let nativeBinding = options.nativeBinding;
  if (nativeBinding === undefined) {
    // Decided here, so a missing Electron build is told before any thread starts.
    const use = sqliteBindingForThisProcess();
    if (!use.ok) throw new StoreError('cannot-open', `${path}: ${use.problem}`);
    nativeBinding = use.nativeBinding;
  }
  const { mode: _mode, ...open } = options;
  const lease = await acquireStoreWorker(path, { ...open, ...(nativeBinding !== undefined && { nativeBinding }) });
  return facade(
    path,
    options,
    (m, a) => lease.client.call(m, wireArgs(m, a)),
    () => lease.release(),
  );
}
