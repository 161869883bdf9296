/**
 * The store worker (a worker_threads entry): owns the one better-sqlite3
 * connection to one database file and answers calls on its port, one at a
 * time, so main never waits on SQLite. Closing the port ends the thread.
 */
import { workerData } from 'node:worker_threads';
import { LabStore } from '../lab-store.js';
import { callStoreOp } from './ops.js';
import { encodeError, isStoreMethod, type StoreRequest, type StoreResponse, type StoreWorkerData } from './protocol.js';

const data = workerData as StoreWorkerData;
const port = data.port;
const wake = data.wake ? new Int32Array(data.wake) : null;

function post(msg: StoreResponse): void {
  try {
    port.postMessage(msg);
  } catch (e) {
    // A value that cannot be cloned is a bug in the store; say so for this id.
    if (msg.type === 'result') port.postMessage({ type: 'error', id: msg.id, error: encodeError(e) });
    else throw e;
  }
  if (wake) {
    Atomics.add(wake, 0, 1);
    Atomics.notify(wake, 0);
  }
}

let store: LabStore | null = null;
try {
  store = LabStore.open(data.path, data.options);
  post({ type: 'ready', schemaVersion: store.schemaVersion });
} catch (e) {
  post({ type: 'open-failed', error: encodeError(e) });
  port.close();
}

port.on('message', (req: StoreRequest) => {
  if (req.type === 'close') {
    store?.close();
    store = null;
    post({ type: 'result', id: req.id, value: null });
    port.close();
    return;
  }
  try {
    if (!store) throw new Error('the store is closed');
    if (!isStoreMethod(req.method)) throw new Error(`unknown store method ${JSON.stringify(req.method)}`);
    post({ type: 'result', id: req.id, value: callStoreOp(store, req.method, req.args) });
  } catch (e) {
    post({ type: 'error', id: req.id, error: encodeError(e) });
  }
});
