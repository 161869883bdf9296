/**
 * The engine's worker pool: emulation runs in worker_threads (piscina) so
 * the main thread — the CLI's, and later Electron's main process — never
 * blocks on it. Small typed API: plan, simulate, runSweep (progress +
 * AbortSignal), close/destroy.
 */
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import type { Host, KernelVariant } from '../../engine/host/types.js';
import type { Plan } from '../../engine/kernel/construct.js';
import type { Sweep } from '../../engine/sweep/expand.js';
import type { SweepRow } from '../../engine/sweep/row.js';
import type { Scenario } from '../../engine/scenario/types.js';
import type { ScenarioResult } from '../../engine/scenario/run.js';
import type { EngineTask } from './engine-worker.js';
import type { OutcomeTask, OutcomeTaskReply } from './outcome-tasks.js';

/** The worker entry, next to this file in the compiled output (dist/main/workers/). */
export const ENGINE_WORKER_URL = new URL('./engine-worker.js', import.meta.url);

export interface EnginePoolOptions {
  /** Worker threads; default os.availableParallelism(). */
  workers?: number;
  /** Pool-level errors not tied to a task (default: a process warning). */
  onError?: (e: Error) => void;
}

export interface SweepProgress {
  done: number;
  total: number;
}

export interface RunSweepOptions {
  onProgress?: (p: SweepProgress) => void;
  /** Each finished chunk's rows as they arrive (any order across chunks), for live views. */
  onRows?: (rows: SweepRow[]) => void;
  signal?: AbortSignal;
  /** Combinations per task; default 64–256 depending on the sweep size. */
  chunkSize?: number;
}

/** The rejection of a cancelled sweep: name "AbortError", with how far it got. */
export class SweepAbortedError extends Error {
  override readonly name = 'AbortError';
  constructor(
    readonly done: number,
    readonly total: number,
  ) {
    super(`sweep cancelled after ${done.toLocaleString('en-US')} of ${total.toLocaleString('en-US')} combinations`);
  }
}

export interface EnginePool {
  readonly workers: number;
  plan(host: Host, variant?: KernelVariant): Promise<Plan>;
  /** Plays a validated scenario (parseScenario) in a worker. */
  simulate(scenario: Scenario): Promise<ScenarioResult>;
  runSweep(sweep: Sweep, options?: RunSweepOptions): Promise<SweepRow[]>;
  /** Parses, validates and analyses in a worker (main/workers/outcome-tasks.ts). */
  outcome(task: OutcomeTask): Promise<OutcomeTaskReply>;
  /** Waits for running tasks, then stops the workers. */
  close(): Promise<void>;
  /** Stops the workers at once; pending tasks reject. */
  destroy(): Promise<void>;
}

/**
 * Combinations per task: big enough that per-task overhead (a message,
 * a structured clone of the sweep) is small next to the emulation, small
 * enough that every worker gets several tasks and progress moves.
 */
export function defaultChunkSize(total: number, workers: number): number {
  return Math.max(64, Math.min(256, Math.ceil(total / (workers * 4))));
}

export function createEnginePool(options: EnginePoolOptions = {}): EnginePool {
  const workers = options.workers ?? availableParallelism();
  if (!Number.isInteger(workers) || workers < 1)
    throw new RangeError(`workers must be a positive integer, got ${workers}`);
  const pool = new Piscina<EngineTask | OutcomeTask, unknown>({
    filename: fileURLToPath(ENGINE_WORKER_URL),
    minThreads: workers,
    maxThreads: workers,
  });
  // Cancelling a running task terminates its worker; a result it had already
  // posted then arrives for a task piscina no longer knows and is reported as
  // an 'error' event. That late result is expected and dropped.
  const onError = options.onError ?? ((e: Error) => process.emitWarning(e));
  pool.on('error', (e: Error) => {
    if (!/^Unexpected message from Worker/.test(e?.message ?? '')) onError(e);
  });

  async function runSweep(sweep: Sweep, o: RunSweepOptions = {}): Promise<SweepRow[]> {
    const { onProgress, onRows, signal } = o;
    const total = sweep.total;
    const size = o.chunkSize ?? defaultChunkSize(total, workers);
    const chunks = Math.ceil(total / size);
    const rows = new Array<SweepRow>(total);
    let done = 0;
    if (signal?.aborted) throw new SweepAbortedError(0, total);

    // One controller for this sweep's tasks: aborting it ends queued and running ones.
    const inner = new AbortController();
    const onAbort = () => inner.abort(signal?.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    let next = 0;
    // A few tasks in flight per worker keeps every worker busy without
    // queueing the whole sweep (cheap cancellation, bounded memory).
    const lane = async () => {
      while (next < chunks && !inner.signal.aborted) {
        const start = next++ * size;
        const end = Math.min(total, start + size);
        const part = (await pool.run(
          { kind: 'sweep-chunk', sweep, start, end },
          { signal: inner.signal },
        )) as SweepRow[];
        for (const r of part) rows[r.index] = r;
        done += part.length;
        if (inner.signal.aborted) break;
        onRows?.(part);
        onProgress?.({ done, total });
      }
    };
    try {
      await Promise.all(Array.from({ length: Math.min(chunks, workers * 2) }, lane));
    } catch (e) {
      inner.abort();
      if (signal?.aborted) throw new SweepAbortedError(done, total);
      throw e;
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
    if (signal?.aborted) throw new SweepAbortedError(done, total);
    return rows;
  }

  return {
    workers,
    plan: (host, variant = 'upstream') => pool.run({ kind: 'plan', host, variant }) as Promise<Plan>,
    simulate: (scenario) => pool.run({ kind: 'simulate', scenario }) as Promise<ScenarioResult>,
    runSweep,
    outcome: (task) => pool.run(task, { name: 'outcomeTask' }) as Promise<OutcomeTaskReply>,
    close: () => pool.close(),
    destroy: () => pool.destroy(),
  };
}
