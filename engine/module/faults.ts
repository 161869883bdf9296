/**
 * Injectable faults: a SEAMCALL that returns a chosen status instead of
 * running (entropy exhaustion, busy, an instruction fault), or a module that
 * is not loaded at all (every SEAMCALL fails with VMFailInvalid).
 */
import type { LeafName } from './leaves.js';

export interface FaultSpec {
  leaf: LeafName;
  /** The first invocation (1-based, counting every attempt of this leaf) that fails. Default 1. */
  call?: number;
  /** How many consecutive invocations fail from there. Default 1. */
  count?: number;
  status: bigint;
}

/** Counts invocations per leaf and answers whether the current one is faulted. */
export class FaultInjector {
  private readonly calls = new Map<LeafName, number>();
  private readonly faults: FaultSpec[];
  /** A fault that "returns success" is no fault: TDX_SUCCESS entries are ignored. */
  constructor(faults: FaultSpec[] = []) {
    this.faults = faults.filter((f) => f.status !== 0n);
  }

  add(f: FaultSpec): void {
    if (f.status !== 0n) this.faults.push(f);
  }

  /** Records one invocation of `leaf`; returns the injected status, if any. */
  next(leaf: LeafName): bigint | undefined {
    const n = (this.calls.get(leaf) ?? 0) + 1;
    this.calls.set(leaf, n);
    for (const f of this.faults) {
      if (f.leaf !== leaf) continue;
      const first = f.call ?? 1;
      if (n >= first && n < first + (f.count ?? 1)) return f.status;
    }
    return undefined;
  }

  /** How many of the next invocations of `leaf` run unfaulted (Infinity if all). */
  cleanRun(leaf: LeafName): number {
    const next = this.count(leaf) + 1;
    let clean = Infinity;
    for (const f of this.faults) {
      if (f.leaf !== leaf) continue;
      const first = f.call ?? 1;
      if (first + (f.count ?? 1) <= next) continue;
      clean = Math.min(clean, Math.max(first, next) - next);
    }
    return clean;
  }

  /** Counts `n` unfaulted invocations of `leaf` at once (see cleanRun). */
  advance(leaf: LeafName, n: number): void {
    this.calls.set(leaf, this.count(leaf) + n);
  }

  /** Invocations of `leaf` so far. */
  count(leaf: LeafName): number {
    return this.calls.get(leaf) ?? 0;
  }
}
