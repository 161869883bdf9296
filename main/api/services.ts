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
import { openLabStore, type LabStore } from '../store/lab-store.js';
import { createEnginePool, type EnginePool, type RunSweepOptions } from '../workers/pool.js';
import { outcomeTask, type OutcomeTask, type OutcomeTaskReply } from '../workers/outcome-tasks.js';
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
  readonly samples: SampleLibrary;
  readonly scenariosDir: string;
  readonly chromium?: string;
  readonly storePath?: string;
  /** The one lab store, opened on first use; ApiError 'unavailable' (saying why) when it cannot be. */
  store(): LabStore;
  /** Whether the store opens (for getInfo), without throwing. */
  storeAvailable(): boolean;
  close(): Promise<void>;
}

export function createServices(options: ServicesOptions = {}): Services {
  let pool: EnginePool | null = null;
  // Started lazily: a window that never analyses never pays for threads.
  const getPool = () => (pool ??= createEnginePool({ workers: options.workers ?? 2 }));
  let store: LabStore | null = null;
  let storeProblem: string | null = options.storePath ? null : 'no lab store is configured';

  const engine: EngineService = {
    usesPool: !options.inProcess,
    outcome: (task) => (options.inProcess ? outcomeTask(task) : getPool().outcome(task)),
    simulate: (scenario) => getPool().simulate(scenario),
    runSweep: (sweep, o) => getPool().runSweep(sweep, o),
  };

  function openStore(): LabStore {
    if (store) return store;
    if (storeProblem) throw new ApiError('unavailable', `sessions are not available: ${storeProblem}`);
    try {
      store = openLabStore(options.storePath!, { createDir: options.storeCreateDir });
      return store;
    } catch (e) {
      storeProblem = e instanceof Error ? e.message : String(e);
      throw new ApiError('unavailable', `sessions are not available: ${storeProblem}`);
    }
  }

  return {
    engine,
    samples: new SampleLibrary(options.samplesDir ?? defaultSamplesDir()),
    scenariosDir: options.scenariosDir ?? defaultScenariosDir(),
    chromium: options.chromium,
    storePath: options.storePath,
    store: openStore,
    storeAvailable() {
      try {
        openStore();
        return true;
      } catch {
        return false;
      }
    },
    async close() {
      store?.close();
      store = null;
      await pool?.destroy();
      pool = null;
    },
  };
}
