/**
 * Where the emulator runs for the app. The kernel plan goes to the engine
 * worker pool (main/workers) so Electron's main process and the serve loop
 * never block on a big host; the init flow runs in a worker thread of its
 * own until the pool offers it. Swapping either is one line here.
 */
import type { Host, KernelVariant } from '../../engine/host/types.js';
import { planTdmrs, type Plan } from '../../engine/kernel/construct.js';
import { initTdx, type InitResult } from '../../engine/flow/init.js';
import { runScenario, type ScenarioResult } from '../../engine/scenario/run.js';
import type { Scenario } from '../../engine/scenario/types.js';
import { createEnginePool, type EnginePool } from '../workers/pool.js';
import { Worker } from 'node:worker_threads';

const INIT_WORKER_URL = new URL('./init-worker.js', import.meta.url);

/** The init flow in its own worker thread (see init-worker.ts). */
function initInWorker(host: Host, variant: KernelVariant): Promise<InitResult> {
  return new Promise((resolve, reject) => {
    const w = new Worker(INIT_WORKER_URL, { workerData: { host, variant } });
    w.once('message', (r: InitResult) => {
      resolve(r);
      void w.terminate();
    });
    w.once('error', reject);
    w.once('exit', (code) => {
      if (code !== 0) reject(new Error(`the init worker stopped with exit code ${code}`));
    });
  });
}

export interface EngineRunner {
  readonly usesPool: boolean;
  plan(host: Host, variant: KernelVariant): Promise<Plan>;
  init(host: Host, variant: KernelVariant): Promise<InitResult>;
  simulate(scenario: Scenario): Promise<ScenarioResult>;
  close(): Promise<void>;
}

export function createEngineRunner(options: { workers?: number; inProcess?: boolean } = {}): EngineRunner {
  let pool: EnginePool | null = null;
  // Started lazily: a window that never plans never pays for threads.
  const getPool = () => (pool ??= createEnginePool({ workers: options.workers ?? 2 }));
  return {
    usesPool: !options.inProcess,
    plan: async (host, variant) => (options.inProcess ? planTdmrs(host, variant) : getPool().plan(host, variant)),
    simulate: async (scenario) => (options.inProcess ? runScenario(scenario) : getPool().simulate(scenario)),
    init: async (host, variant) =>
      options.inProcess ? initTdx(host, variant, { includePlan: false }) : initInWorker(host, variant),
    close: async () => {
      await pool?.destroy();
      pool = null;
    },
  };
}
