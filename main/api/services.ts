/**
 * The composition root of the app's Node side: ONE engine pool and ONE lab
 * store, shared by every API handler (lab-api.ts, planning-api.ts) whatever
 * the transport (Electron IPC or `tdx-lab serve`). Engine work goes to the
 * pool's worker threads, so Electron's main process and the serve loop never
 * run the emulator; `inProcess` runs the same tasks in this thread for the
 * transports' tests.
 */
import type { Scenario } from '../../engine/scenario/types.js';
import type { ScenarioResult } from '../../engine/scenario/run.js';
import type { Sweep } from '../../engine/sweep/expand.js';
import type { SweepRow } from '../../engine/sweep/row.js';
import { ApiError } from '../common/api-contract.js';
import { openStore, type AsyncLabStore, type OpenStoreOptions } from '../store/worker/open-store.js';
import { createEnginePool, type EnginePool, type RunSweepOptions } from '../workers/pool.js';
import { outcomeTask, type OutcomeTask, type OutcomeTaskReply } from '../workers/outcome-tasks.js';
import { createDocumentHost, type DocumentHost } from '../workers/documents.js';
import { defaultSamplesDir, SampleLibrary } from './samples.js';
import { defaultScenariosDir } from './scenarios-dir.js';

export interface ServicesOptions {
  samplesDir?: string;
  scenariosDir?: string;
  /** Run engine tasks in this thread instead of the pool (tests of the transports); sweeps always use the pool. */
  inProcess?: boolean;
  workers?: number;
  /** The lab store (SQLite) file; sessions are unavailable without it. */
  storePath?: string;
  /** Create the store's folder if missing (the per-user default location only). */
  storeCreateDir?: boolean;
  /**
   * How the store opens: 'direct' in this thread (the default, as the CLI does)
   * or 'worker', a store thread, so a large export or diff never blocks the
   * desktop app's main process (main/electron-main/store-options.ts).
   */
  store?: OpenStoreOptions;
  /** Headless Chromium for PNG/PDF reports (default: /usr/bin/chromium, else on PATH). */
  chromium?: string;
}

/** Engine work, wherever it runs. */
export interface EngineService {
  readonly usesPool: boolean;
  outcome(task: OutcomeTask): Promise<OutcomeTaskReply>;
  simulate(scenario: Scenario): Promise<ScenarioResult>;
  runSweep(sweep: Sweep, options?: RunSweepOptions): Promise<SweepRow[]>;
}

export interface Services {
  readonly engine: EngineService;
  /** The map view's open documents, each in a worker thread of its own (main/workers/documents.ts). */
  readonly documents: DocumentHost;
  readonly samples: SampleLibrary;
  readonly scenariosDir: string;
  readonly chromium?: string;
  readonly storePath?: string;
  /** The one lab store, opened on first use; rejects with ApiError 'unavailable' (saying why) when it cannot be. */
  store(): Promise<AsyncLabStore>;
  /** Whether the store opens (for getInfo), without rejecting. */
  storeAvailable(): Promise<boolean>;
  close(): Promise<void>;
}

export function createServices(options: ServicesOptions = {}): Services {
  let pool: EnginePool | null = null;
  // Started lazily: a window that never analyses never pays for threads.
  const getPool = () => (pool ??= createEnginePool({ workers: options.workers ?? 2 }));
  let store: Promise<AsyncLabStore> | null = null;
  let storeProblem: string | null = options.storePath ? null : 'no lab store is configured';

  const engine: EngineService = {
    usesPool: !options.inProcess,
    outcome: (task) => (options.inProcess ? outcomeTask(task) : getPool().outcome(task)),
    simulate: (scenario) => getPool().simulate(scenario),
    runSweep: (sweep, o) => getPool().runSweep(sweep, o),
  };

  let documents: DocumentHost | null = null;
  const docs = () => (documents ??= createDocumentHost({ inProcess: options.inProcess }));

  const unavailable = (why: string) => new ApiError('unavailable', `sessions are not available: ${why}`);

  function theStore(): Promise<AsyncLabStore> {
    if (storeProblem) return Promise.reject(unavailable(storeProblem));
    // One open, shared by every caller that asks while it is under way.
    store ??= openStore(options.storePath!, {
      mode: 'direct',
      ...(options.storeCreateDir !== undefined && { createDir: options.storeCreateDir }),
      ...options.store,
    }).catch((e: unknown) => {
      storeProblem = e instanceof Error ? e.message : String(e);
      store = null;
      throw unavailable(storeProblem);
    });
    return store;
  }

  return {
    engine,
    get documents() {
      return docs();
    },
    samples: new SampleLibrary(options.samplesDir ?? defaultSamplesDir()),
    scenariosDir: options.scenariosDir ?? defaultScenariosDir(),
    chromium: options.chromium,
    storePath: options.storePath,
    store: theStore,
    async storeAvailable() {
      try {
        await theStore();
        return true;
      } catch {
        return false;
      }
    },
    async close() {
      const open = store;
      store = null;
      if (open) await open.then((s) => s.close()).catch(() => {});
      await pool?.destroy();
      pool = null;
      await documents?.destroy();
      documents = null;
    },
  };
}
