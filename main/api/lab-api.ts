/**
 * The Node implementation of the API contract, shared by Electron's IPC
 * handlers and `tdx-lab serve`. Transports hand it an untrusted method name
 * and argument; it validates both with the contract's schemas and always
 * answers with an envelope (value, or an error message for people). Every
 * handler works through the one set of services (services.ts).
 */
import type { z } from 'zod';
import { ENGINE_VERSION } from '../../engine/version.js';
import { KERNEL_VARIANTS } from '../../engine/host/types.js';
import type { Outcome } from '../../engine/outcome/types.js';
import {
  API_ARGS,
  ApiError,
  CONTRACT_VERSION,
  validateCall,
  type AnalysisResult,
  type ApiEnvelope,
  type ApiMethod,
  type ApiResults,
  type ImportedHost,
  type ProgressEvent,
} from '../common/api-contract.js';
import type { ImportedHostValue, OutcomeTask } from '../workers/outcome-tasks.js';
import type { IomemRows } from '../../engine/import/iomem-paste.js';
import { createPlanningApi } from './planning-api.js';
import { createSessionApi } from './session-api.js';
import { documentHandlers } from './document-api.js';
import { outcomeLinks } from '../../engine/outcome/links.js';
import { MAX_DOCUMENT_BYTES } from '../common/document-contract.js';
import { renderReportFile } from './report-api.js';
import { createServices, type Services, type ServicesOptions } from './services.js';
import { getSession, listRuns, listSessions, loadRun, runDetail } from './session-store.js';

export type LabApiOptions = ServicesOptions;

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

/** Runs an engine task in the pool; bad input comes back as ApiError('bad-input'). */
export async function engineTask<T>(services: Services, task: OutcomeTask): Promise<T> {
  const r = await services.engine.outcome(task);
  if (!r.ok) throw new ApiError('bad-input', r.badInput);
  return r.value as T;
}

export function createLabApi(options: LabApiOptions = {}): LabApi {
  const services = createServices(options);
  const planning = createPlanningApi(services);
  const sessions = createSessionApi(services);

  async function analyze(a: z.output<(typeof API_ARGS)['analyze']>, progress: ProgressSink): Promise<AnalysisResult> {
    const source = a.source ?? 'host.json';
    progress({ method: 'analyze', phase: 'analyze', message: `analysing ${source} (${a.variant})`, done: 0, total: 1 });
    const outcome = await engineTask<Outcome>(services, {
      kind: 'analyze-text',
      text: a.text,
      source,
      kernel: a.variant,
      ...(a.kernelGiven === false && { kernelGiven: false }),
    });
    progress({ method: 'analyze', phase: 'done', message: outcome.verdict.headline, done: 1, total: 1 });
    return { outcome, engineVersion: ENGINE_VERSION, links: outcomeLinks(outcome) };
  }

  const handlers: Handlers = {
    analyze,
    importArtifacts: async (a) =>
      engineTask<ImportedHostValue>(services, {
        kind: 'import-artifacts',
        files: a.files,
        name: a.name,
      }) as Promise<ImportedHost>,
    listSamples: () => services.samples.list(),
    loadSample: (a) => services.samples.load(a.name),
    getInfo: async () => ({
      engineVersion: ENGINE_VERSION,
      contractVersion: CONTRACT_VERSION,
      workerPool: services.engine.usesPool,
      store: await services.storeAvailable(),
      variants: [...KERNEL_VARIANTS],
      maxDocumentBytes: MAX_DOCUMENT_BYTES,
    }),
    listSessions: async () => listSessions(await services.store()),
    getSession: async (a) => getSession(await services.store(), a.id),
    listRuns: async (a) => listRuns(await services.store(), a.sessionId),
    getRun: async (a) => {
      const { run, hostJson } = await loadRun(await services.store(), a.id);
      const detail = runDetail(run, hostJson);
      if (detail.outcome || run.kind !== 'plan' || !hostJson) return detail;
      // A plan run from before runs kept their Outcome: its stored host, analysed again (and said so).
      const outcome = await engineTask<Outcome>(services, {
        kind: 'analyze-host',
        text: hostJson,
        source: detail.name,
        kernel: detail.variant,
      });
      return { ...detail, outcome, outcomeNote: `${detail.outcomeNote}: analysed again now from its stored host` };
    },
    renderReport: (a) => renderReportFile(services, a),
    pasteIomem: (a) => engineTask<IomemRows>(services, { kind: 'iomem-paste', text: a.text }),
    ...planning.handlers,
    ...sessions.handlers,
    ...documentHandlers(services),
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
      await planning.close();
      await sessions.close();
      await services.close();
    },
  };
}
