/**
 * Stands in for main/store/lab-store.js when the store tests run through the
 * worker (hooks.ts): everything as the real module, but openLabStore opens a
 * store worker and talks to it through its messages.
 */
export * from '../../../main/store/lab-store.js';
export { openSyncWorkerStore as openLabStore } from './sync-store.js';
