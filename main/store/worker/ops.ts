/** One dispatch table from a protocol method to the LabStore call: the worker and direct mode share it. */
import type { LabStore } from '../lab-store.js';
import { recordRun } from '../record-run.js';
import type { StoreArgs, StoreMethod, StoreResult } from './protocol.js';

export function callStoreOp<M extends StoreMethod>(store: LabStore, method: M, args: StoreArgs<M>): StoreResult<M> {
  if (method === 'recordRun') return recordRun(store, ...(args as StoreArgs<'recordRun'>)) as StoreResult<M>;
  if (method === 'getSchemaVersion') return store.schemaVersion as StoreResult<M>;
  const fn = store[method as Exclude<StoreMethod, 'recordRun' | 'getSchemaVersion'>] as (...a: unknown[]) => unknown;
  return fn.apply(store, args) as StoreResult<M>;
}
