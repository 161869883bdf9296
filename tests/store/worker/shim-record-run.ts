/**
 * Stands in for main/store/record-run.js when the store tests run through the
 * worker: recordRun needs a transaction, so it runs inside the worker (the
 * protocol's recordRun), exactly as the app's async client does.
 */
import { recordRun as recordRunHere, type RecordRunInput, type RecordedRun } from '../../../main/store/record-run.js';
import type { LabStore } from '../../../main/store/lab-store.js';
import { isSyncWorkerStore } from './sync-store.js';

export * from '../../../main/store/record-run.js';

export function recordRun(store: LabStore, sessionName: string, input: RecordRunInput): RecordedRun {
  if (isSyncWorkerStore(store))
    return (store as unknown as { recordRun(n: string, i: RecordRunInput): RecordedRun }).recordRun(sessionName, input);
  return recordRunHere(store, sessionName, input);
}
