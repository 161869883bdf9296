/**
 * The engine's worker pool: emulation runs in worker_threads (piscina) so
 * the main thread — the CLI's, and later Electron's main process — never
 * blocks on it. Small typed API: plan, simulate, runSweep (progress +
 * AbortSignal), close/destroy.
 *
 * Sweeps keep the main thread nearly idle: the definition is shared with
 * the workers once (shared-sweep.ts), each worker expands and emulates its
 * own chunks and returns them packed in transferred typed arrays
 * (engine/sweep/batch.ts), and output text is formatted by the workers too
 * (formatSweep); the main thread stores batches and concatenates text.
 */
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import type { Host, KernelVariant } from '../../engine/host/types.js';
import type { Plan } from '../../engine/kernel/construct.js';
import type { Sweep } from '../../engine/sweep/expand.js';
import type { SweepRow } from '../../engine/sweep/row.js';
import { mergeNodeIds, unpackRows, type RowBatch } from '../../engine/sweep/batch.js';
import { csvHeader } from '../../engine/format/sweep-csv.js';
import { SWEEP_JSON_TAIL, sweepJsonHead } from '../../engine/format/sweep-json.js';
import type { SweepTextFormat } from '../../engine/format/sweep-rows.js';
import type { Scenario } from '../../engine/scenario/types.js';
import type { ScenarioResult } from '../../engine/scenario/run.js';
import type { OutcomeTask, OutcomeTaskReply } from './outcome-tasks.js';
import type {
  EngineTask,
  SweepChunkResult,
  SweepChunkTask,
  SweepFormatResult,
  SweepFormatTask,
} from './engine-worker.js';
import { shareSweep, type SharedSweep } from './shared-sweep.js';

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
  /** Combinations per task; default guidedChunkSize (MIN_CHUNK to MAX_CHUNK, shrinking towards the end). */
  chunkSize?: number;
}

/** A finished sweep, still packed: what formatSweep turns into output and sweepRows into rows. */
export interface SweepBatches {
  sweep: Sweep;
  /** The definition as the workers hold it (formatting needs it again). */
  shared: SharedSweep;
  /** Every combination once, in index order. */
  batches: RowBatch[];
  /** Sorted node ids of every row (the CSV's per-node columns). */
  nids: number[];
  /** What crossed between threads: chunk tasks, the definition's size, and how often a worker decoded it. */
  stats: { tasks: number; definitionBytes: number; definitionDecodes: number };
}

/** The rows of a finished sweep, in index order (built on the calling thread). */
export function sweepRows(result: Pick<SweepBatches, 'sweep' | 'batches'>): SweepRow[] {
  const rows = new Array<SweepRow>(result.sweep.total);
  for (const b of result.batches) {
    const part = unpackRows(result.sweep, b);
    for (let k = 0; k < part.length; k++) rows[b.start + k] = part[k];
  }
  return rows;
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
  /** Every row of the sweep, in index order (runSweepBatches, then sweepRows). */
  runSweep(sweep: Sweep, options?: RunSweepOptions): Promise<SweepRow[]>;
  /** Emulates every combination in the workers; the result stays packed. */
  runSweepBatches(sweep: Sweep, options?: RunSweepOptions): Promise<SweepBatches>;
  /**
   * The --csv or --json document of a finished sweep, in pieces in order,
   * formatted by the workers (a few batches ahead of the consumer).
   */
  formatSweep(result: SweepBatches, format: SweepTextFormat): AsyncGenerator<string>;
  /** Parses, validates and analyses in a worker (main/workers/outcome-tasks.ts). */
  outcome(task: OutcomeTask): Promise<OutcomeTaskReply>;
  /** Waits for running tasks, then stops the workers. */
  close(): Promise<void>;
  /** Stops the workers at once; pending tasks reject. */
  destroy(): Promise<void>;
}

/** Smallest and largest chunk of combinations per task. */
export const MIN_CHUNK = 16;
export const MAX_CHUNK = 1024;
/** Rows per formatting task (whole batches, at least one). */
export const FORMAT_ROWS = 8192;

/**
 * Combinations for the next task, from how many are left (guided
 * scheduling): large while plenty remain, so per-task costs vanish next to
 * the emulation, shrinking towards the end so that every worker runs out of
 * work at about the same moment instead of one finishing a big last chunk
 * alone.
 */
export function guidedChunkSize(remaining: number, workers: number): number {
  return Math.max(MIN_CHUNK, Math.min(MAX_CHUNK, Math.ceil(remaining / (workers * 4))));
}

/**
 * Workers load their ES module through import(), never require(): piscina
 * tries require() first, and on Node 20.19+ that loads ES modules
 * synchronously, where a worker terminated mid-load (a sweep cancelled with
 * Ctrl-C as the pool starts) aborts the whole process in V8
 * ("IsGraphAsync must be used on an instantiated module"). An import()
 * interrupted by termination just ends the worker.
 */
const NO_REQUIRE_ESM = '--no-experimental-require-module';
const WORKER_EXEC_ARGV = [
  ...process.execArgv,
  ...(process.allowedNodeEnvironmentFlags.has(NO_REQUIRE_ESM) ? [NO_REQUIRE_ESM] : []),
];

/**
 * Young generation of each worker's heap, MiB: 32 MiB semi-spaces, twice
 * V8's default for a worker here (16 MiB). A sweep allocates tens of KiB per
 * combination that die at once; with the default nursery the workers
 * scavenged every thousand or so combinations and a fifth of a plan-mode
 * worker's time went to GC, partly on V8's helper threads, which a second
 * worker then shares the cores with. Measured in one run on 65,536
 * combinations, the process's CPU time fell by about a sixth (plan) and a
 * third (init), with 1 worker and with 2 alike, for ~30 MB more RSS a worker.
 */
export const WORKER_YOUNG_GENERATION_MB = 96;

export function createEnginePool(options: EnginePoolOptions = {}): EnginePool {
  const workers = options.workers ?? availableParallelism();
  if (!Number.isInteger(workers) || workers < 1)
    throw new RangeError(`workers must be a positive integer, got ${workers}`);
  const pool = new Piscina<EngineTask | OutcomeTask, unknown>({
    filename: fileURLToPath(ENGINE_WORKER_URL),
    minThreads: workers,
    maxThreads: workers,
    execArgv: WORKER_EXEC_ARGV,
    resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB },
  });
  // Cancelling a running task terminates its worker; a result it had already
  // posted then arrives for a task piscina no longer knows and is reported as
  // an 'error' event. That late result is expected and dropped.
  const onError = options.onError ?? ((e: Error) => process.emitWarning(e));
  pool.on('error', (e: Error) => {
    if (!/^Unexpected message from Worker/.test(e?.message ?? '')) onError(e);
  });

  async function runSweepBatches(sweep: Sweep, o: RunSweepOptions = {}): Promise<SweepBatches> {
    const { onProgress, onRows, signal } = o;
    const total = sweep.total;
    if (o.chunkSize !== undefined && !(Number.isInteger(o.chunkSize) && o.chunkSize >= 1))
      throw new RangeError(`chunkSize must be a positive integer, got ${o.chunkSize}`);
    if (signal?.aborted) throw new SweepAbortedError(0, total);
    const shared = shareSweep(sweep);
    const batches: RowBatch[] = [];
    const stats = { tasks: 0, definitionBytes: shared.bytes.byteLength, definitionDecodes: 0 };
    let done = 0;

    // One controller for this sweep's tasks: aborting it ends queued and running ones.
    const inner = new AbortController();
    const onAbort = () => inner.abort(signal?.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    let next = 0;
    // Two tasks in flight per worker: the next chunk is always queued when a
    // worker finishes one, and the sweep is never all queued at once (cheap
    // cancellation, bounded memory).
    const lane = async () => {
      while (next < total && !inner.signal.aborted) {
        const start = next;
        const end = Math.min(total, start + (o.chunkSize ?? guidedChunkSize(total - start, workers)));
        next = end;
        const task: SweepChunkTask = { kind: 'sweep-chunk', sweep: shared, start, end };
        const r = (await pool.run(task, { signal: inner.signal })) as SweepChunkResult;
        stats.tasks++;
        if (r.decoded) stats.definitionDecodes++;
        batches.push(r.batch);
        done += r.batch.count;
        if (inner.signal.aborted) break;
        if (onRows) onRows(unpackRows(sweep, r.batch));
        onProgress?.({ done, total });
      }
    };
    try {
      await Promise.all(Array.from({ length: Math.min(workers * 2, total) }, lane));
    } catch (e) {
      inner.abort();
      if (signal?.aborted) throw new SweepAbortedError(done, total);
      throw e;
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
    if (signal?.aborted) throw new SweepAbortedError(done, total);
    batches.sort((a, b) => a.start - b.start);
    return { sweep, shared, batches, nids: mergeNodeIds(batches), stats };
  }

  async function* formatSweep(result: SweepBatches, format: SweepTextFormat): AsyncGenerator<string> {
    const { sweep, shared, batches, nids } = result;
    yield format === 'csv' ? csvHeader(sweep.axes, nids) + '\n' : sweepJsonHead(sweep);
    // Consecutive batches formatted together: fewer, larger messages keep the
    // main thread's share of the work small.
    const groups: RowBatch[][] = [];
    let rows = FORMAT_ROWS;
    for (const b of batches) {
      if (rows + b.count > FORMAT_ROWS) {
        groups.push([]);
        rows = 0;
      }
      groups[groups.length - 1].push(b);
      rows += b.count;
    }
    const run = (group: RowBatch[]) => {
      const task: SweepFormatTask = { kind: 'sweep-format', sweep: shared, batches: group, format, nids };
      return pool.run(task) as Promise<SweepFormatResult>;
    };
    // A window of tasks in flight, consumed in order: the workers format
    // ahead while the caller writes, and at most the window waits in memory.
    const window: Promise<SweepFormatResult>[] = [];
    let queued = 0;
    let first = true;
    try {
      for (let i = 0; i < groups.length; i++) {
        while (queued < groups.length && queued < i + workers * 2) window.push(run(groups[queued++]));
        const { text } = await window.shift()!;
        if (text === '') continue;
        yield format === 'json' && !first ? ',' + text : text;
        first = false;
      }
    } finally {
      // Stopped early (an error, or the consumer quit): nothing left unobserved.
      for (const p of window) p.catch(() => {});
    }
    if (format === 'json') yield SWEEP_JSON_TAIL;
  }

  async function runSweep(sweep: Sweep, o: RunSweepOptions = {}): Promise<SweepRow[]> {
    return sweepRows(await runSweepBatches(sweep, o));
  }

  return {
    workers,
    plan: (host, variant = 'upstream') => pool.run({ kind: 'plan', host, variant }) as Promise<Plan>,
    simulate: (scenario) => pool.run({ kind: 'simulate', scenario }) as Promise<ScenarioResult>,
    runSweep,
    runSweepBatches,
    formatSweep,
    outcome: (task) => pool.run(task, { name: 'outcomeTask' }) as Promise<OutcomeTaskReply>,
    close: () => pool.close(),
    destroy: () => pool.destroy(),
  };
}
