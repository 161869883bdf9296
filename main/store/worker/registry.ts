/**
 * One worker per database file in this process: openers of the same file
 * (by any spelling: relative, through a symlink) share its worker and so its
 * one connection; the worker stops when the last of them closes, or is
 * replaced if it died.
 */
import { realpathSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { StoreError } from '../errors.js';
import type { OpenOptions } from '../open.js';
import { StoreWorkerClient } from './client.js';

/** The file's one name: its real path (or its folder's real path and its name, before it exists). */
export function storeFileKey(path: string): string {
  const abs = resolve(path);
  try {
    return realpathSync.native(abs);
  } catch {
    try {
      return join(realpathSync.native(dirname(abs)), basename(abs));
    } catch {
      return abs;
    }
  }
}

/** What a connection is opened with; a second opener must ask for the same. */
function connectionShape(o: OpenOptions): string {
  return JSON.stringify({
    readonly: o.readonly ?? false,
    busyTimeoutMs: o.busyTimeoutMs ?? null,
    nativeBinding: o.nativeBinding ?? null,
  });
}

interface Entry {
  client: Promise<StoreWorkerClient>;
  refs: number;
  shape: string;
}

const entries = new Map<string, Entry>();

export interface StoreLease {
  readonly client: StoreWorkerClient;
  /** Gives the lease back; the last one closes the worker. */
  release(): Promise<void>;
}

export async function acquireStoreWorker(path: string, options: OpenOptions = {}): Promise<StoreLease> {
  const key = storeFileKey(path);
  const shape = connectionShape(options);
  let entry = entries.get(key);
  if (entry && entry.shape !== shape)
    throw new StoreError(
      'bad-input',
      `${path}: already open in this process with other options (${entry.shape}); cannot open it again with ${shape}`,
    );
  if (!entry) {
    const client = StoreWorkerClient.start(path, options);
    const created: Entry = { client, refs: 0, shape };
    entry = created;
    entries.set(key, created);
    client.then(
      (c) => c.onStop(() => entries.get(key) === created && entries.delete(key)),
      () => entries.get(key) === created && entries.delete(key),
    );
  }
  entry.refs++;
  let client: StoreWorkerClient;
  try {
    client = await entry.client;
  } catch (e) {
    entry.refs--;
    throw e;
  }
  const held = entry;
  let released = false;
  return {
    client,
    async release() {
      if (released) return;
      released = true;
      if (--held.refs > 0) return;
      if (entries.get(key) === held) entries.delete(key);
      await client.close();
    },
  };
}

/** How many workers are running (tests). */
export function openStoreWorkers(): number {
  return entries.size;
}
