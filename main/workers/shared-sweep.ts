/**
 * A sweep definition shared with the pool's workers once, not per chunk.
 *
 * The definition (base host + axes, possibly a million explicit values) is
 * serialized once into a SharedArrayBuffer. Every chunk task carries that
 * buffer, but posting a SharedArrayBuffer shares the memory instead of
 * copying it, so a task costs a few bytes whatever the sweep's size; each
 * worker deserializes the definition on its first chunk and keeps it.
 */
import { deserialize, serialize } from 'node:v8';
import type { Sweep } from '../../engine/sweep/expand.js';

export interface SharedSweep {
  /** Unique per definition in this process: the workers' cache key. */
  id: number;
  bytes: SharedArrayBuffer;
}

let nextId = 1;

export function shareSweep(sweep: Sweep): SharedSweep {
  const b = serialize(sweep);
  const bytes = new SharedArrayBuffer(b.length);
  new Uint8Array(bytes).set(b);
  return { id: nextId++, bytes };
}

/** Definitions a worker keeps; more only happens with several sweeps running at once. */
const CACHED = 4;
const cache = new Map<number, Sweep>();

/** The sweep of a shared definition; `decoded` says whether this call had to deserialize it. */
export function sharedSweepOf(s: SharedSweep): { sweep: Sweep; decoded: boolean } {
  const hit = cache.get(s.id);
  if (hit) return { sweep: hit, decoded: false };
  const sweep = deserialize(new Uint8Array(s.bytes)) as Sweep;
  if (cache.size >= CACHED) cache.delete(cache.keys().next().value!);
  cache.set(s.id, sweep);
  return { sweep, decoded: true };
}
