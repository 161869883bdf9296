/**
 * The Node implementation of the API contract, shared by Electron's IPC
 * handlers and `tdx-lab serve`. Transports hand it an untrusted method name
 * and argument; it validates both with the contract's schemas and always
 * answers with an envelope (value, or an error message for people).
 */
import { ENGINE_VERSION } from '../../engine/version.js';
import { KERNEL_VARIANTS, type Host, type KernelVariant } from '../../engine/host/types.js';
import { summarizePlan } from '../../engine/format/plan-summary.js';
import { hostToJson } from '../../engine/format/host-json.js';
import { parseArtifactText } from '../../engine/import/artifact.js';
import { buildHost } from '../../engine/import/build-host.js';
import { ArtifactError } from '../../engine/import/facts.js';
import { mixedHosts } from '../../engine/import/same-host.js';
import { hostFromJson } from '../node/host-file.js';
import { InputError, parseJsonText, problemsMessage } from '../node/input-file.js';
import { parseScenario } from '../../engine/scenario/parse.js';
import {
  API_ARGS,
  ApiError,
  CONTRACT_VERSION,
  validateCall,
  type ApiEnvelope,
  type ApiMethod,
  type ApiResults,
  type ImportedHost,
  type PlanHostResult,
  type ProgressEvent,
} from '../common/api-contract.js';
import type { z } from 'zod';
import { createEngineRunner, type EngineRunner } from './engine-runner.js';
import { deviceMemoryBlocks } from './memory-blocks.js';
import { SampleLibrary, defaultSamplesDir } from './samples.js';
import { createPlanningApi } from './planning-api.js';
import { openSessionStore, type SessionStore } from './session-store.js';
import { renderReportFile } from './report-api.js';

export interface LabApiOptions {
  samplesDir?: string;
  /** Run the engine in-process instead of the worker pool (tests of the transports). */
  inProcess?: boolean;
  workers?: number;
  /** The lab store (SQLite) file; sessions are unavailable without it. */
  storePath?: string;
  /** Create the store's folder if missing (the per-user default location only). */
  storeCreateDir?: boolean;
  /** Headless Chromium for PNG/PDF reports (default: /usr/bin/chromium, else on PATH). */
  chromium?: string;
}

export type ProgressSink = (e: ProgressEvent) => void;

export interface LabApi {
  /** Validates and runs one call; never throws. */
  call(method: unknown, args: unknown, progress?: ProgressSink): Promise<ApiEnvelope<unknown>>;
  close(): Promise<void>;
}

type Handlers = {
  [M in ApiMethod]: (
    args: z.output<(typeof API_ARGS)[M]>,
    progress: ProgressSink,
  ) => Promise<ApiResults[M]> | ApiResults[M];
};

export function createLabApi(options: LabApiOptions = {}): LabApi {
  const runner: EngineRunner = createEngineRunner({ inProcess: options.inProcess, workers: options.workers });
  const samples = new SampleLibrary(options.samplesDir ?? defaultSamplesDir());
  const planning = createPlanningApi({
    workers: options.workers,
    inProcess: options.inProcess,
    storePath: options.storePath,
    storeCreateDir: options.storeCreateDir,
  });
  let store: SessionStore | null | undefined;
  let storeProblem = 'no lab store is open';
  // Opened on first use; a store that cannot be opened leaves the rest of the app working.
  const getStore = async (): Promise<SessionStore> => {
    if (store === undefined) {
      store = null;
      if (options.storePath) {
        try {
          store = await openSessionStore(options.storePath, { createDir: options.storeCreateDir });
        } catch (e) {
          storeProblem = e instanceof Error ? e.message : String(e);
        }
      }
    }
    if (!store) throw new ApiError('unavailable', `sessions are not available: ${storeProblem}`);
    return store;
  };

  async function planHost(
    a: { hostJson: string; variant: KernelVariant; source?: string; withInit?: boolean },
    progress: ProgressSink,
  ): Promise<PlanHostResult> {
    const file = a.source ?? 'host';
    const step = (phase: string, message: string, done: number) =>
      progress({ method: 'planHost', phase, message, done, total: 3 });
    step('validate', `validating ${file}`, 0);
    let host: Host;
    try {
      host = hostFromJson(file, parseJsonText(file, a.hostJson));
    } catch (e) {
      if (e instanceof InputError) throw new ApiError('bad-input', e.message);
      throw e;
    }
    step('plan', `planning TDMRs for ${host.name} (${a.variant})`, 1);
    const plan = await runner.plan(host, a.variant);
    let init = null;
    if (a.withInit !== false) {
      step('init', 'running the kernel + TDX module init flow', 2);
      init = await runner.init(host, a.variant);
    }
    step(
      'done',
      !init ? 'planned' : init.ok ? 'module initialized' : `init failed at ${init.stage} (${init.errno})`,
      3,
    );
    const m = init?.stage === 'config' && init.statusDetail ? /TDMR (\d+)/.exec(init.statusDetail) : null;
    // The notifier checks against the memory list the kernel keeps: only after a successful init.
    const memoryBlocks = deviceMemoryBlocks(host, init?.ok && plan.ok ? plan.memlist : null);
    return {
      host,
      variant: a.variant,
      plan,
      summary: summarizePlan(host, plan),
      init,
      memoryBlocks,
      moduleFailedTdmr: m ? Number(m[1]) : null,
      engineVersion: ENGINE_VERSION,
    };
  }

  function importArtifacts(a: { files: { name: string; text: string }[]; name?: string }): ImportedHost {
    let list;
    try {
      list = a.files.map((f) => ({ source: f.name, facts: parseArtifactText(f.name, f.text) }));
    } catch (e) {
      if (e instanceof ArtifactError) throw new ApiError('bad-input', e.message);
      throw e;
    }
    const mixed = mixedHosts(list);
    if (mixed) throw new ApiError('bad-input', mixed);
    const r = buildHost(list, a.name);
    if (!r.host)
      throw new ApiError(
        'bad-input',
        `cannot build a host from ${a.files.map((f) => f.name).join(', ')}: ${r.noHostReason ?? 'no memory layout found'}`,
      );
    return { hostJson: JSON.stringify(hostToJson(r.host), null, 1), hostName: r.host.name, assumptions: r.assumptions };
  }

  async function simulateScenario(a: { scenarioJson: string; source?: string }, progress: ProgressSink) {
    const file = a.source ?? 'scenario';
    let parsed;
    try {
      parsed = parseScenario(parseJsonText(file, a.scenarioJson));
    } catch (e) {
      if (e instanceof InputError) throw new ApiError('bad-input', e.message);
      throw e;
    }
    if (!parsed.ok) throw new ApiError('bad-input', problemsMessage(file, parsed.problems));
    progress({
      method: 'simulateScenario',
      phase: 'simulate',
      message: `playing ${parsed.value.name}`,
      done: 0,
      total: 1,
    });
    const result = await runner.simulate(parsed.value);
    progress({ method: 'simulateScenario', phase: 'done', message: result.final.outcome, done: 1, total: 1 });
    return result;
  }

  const handlers: Handlers = {
    planHost,
    importArtifacts,
    simulateScenario,
    listSamples: () => samples.list(),
    loadSample: (a) => samples.load(a.name),
    getInfo: async () => ({
      engineVersion: ENGINE_VERSION,
      contractVersion: CONTRACT_VERSION,
      workerPool: runner.usesPool,
      store: await getStore().then(
        () => true,
        () => false,
      ),
      variants: [...KERNEL_VARIANTS],
    }),
    listSessions: async () => (await getStore()).listSessions(),
    getSession: async (a) => (await getStore()).getSession(a.id),
    listRuns: async (a) => (await getStore()).listRuns(a.sessionId),
    getRun: async (a) => (await getStore()).getRun(a.id),
    renderReport: (a) => renderReportFile(a, { chromium: options.chromium }),
    ...planning.handlers,
  };

  return {
    async call(method, args, progress = () => {}) {
      try {
        const v = validateCall(method, args);
        const handler = handlers[v.method] as (a: unknown, p: ProgressSink) => unknown;
        return { ok: true, value: await handler(v.args, progress) };
      } catch (e) {
        if (e instanceof ApiError) return { ok: false, error: { code: e.code, message: e.message } };
        // Anything else is a bug: say so in one line, never a stack trace across the boundary.
        const message = e instanceof Error ? e.message : String(e);
        return { ok: false, error: { code: 'internal', message: `internal error in ${String(method)}: ${message}` } };
      }
    },
    async close() {
      await runner.close();
      await planning.close();
      store?.close();
    },
  };
}
