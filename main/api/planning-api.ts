/**
 * The planning views' API methods (main/common/planning-contract.ts):
 * sweeps in the engine worker pool with progress on the event channel and
 * cancel by request id, and the shipped scenarios for the hotplug timeline.
 * Wired into createLabApi (lab-api.ts) next to the app's own handlers.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { z } from 'zod';
import { parseSweep } from '../../engine/sweep/schema.js';
import { resolveSweep } from '../../engine/sweep/expand.js';
import { parseScenario } from '../../engine/scenario/parse.js';
import { runScenario } from '../../engine/scenario/run.js';
import { ApiError, type ProgressEvent } from '../common/api-contract.js';
import type { PLANNING_ARGS, PlanningResults, ScenarioInfo } from '../common/planning-contract.js';
import { createEnginePool, SweepAbortedError, type EnginePool } from '../workers/pool.js';
import { parseHost } from '../../engine/host/validate.js';
import { parseJsonText } from '../node/input-file.js';
import { planTdmrs } from '../../engine/kernel/construct.js';
import { initTdx } from '../../engine/flow/init.js';
import { openLabStore, type LabStore } from '../store/lab-store.js';
import { recordRun } from '../store/record-run.js';

type ProgressSink = (e: ProgressEvent) => void;
type Args<M extends keyof typeof PLANNING_ARGS> = z.output<(typeof PLANNING_ARGS)[M]>;

export type PlanningHandlers = {
  [M in keyof PlanningResults]: (args: Args<M>, progress: ProgressSink) => Promise<PlanningResults[M]>;
};

export interface PlanningApiOptions {
  workers?: number;
  /** Play scenarios in-process (the transports' tests); sweeps always use the pool. */
  inProcess?: boolean;
  scenariosDir?: string;
  /** The lab store (SQLite) file; saveToSession is unavailable without it. */
  storePath?: string;
  storeCreateDir?: boolean;
}

/** dist/main/api/ → resources/scenarios three levels up; in a checkout run from source, cwd. */
export function defaultScenariosDir(): string {
  const candidates = [
    resolve(fileURLToPath(new URL('../../../resources/scenarios', import.meta.url))),
    resolve(process.cwd(), 'resources/scenarios'),
  ];
  return candidates.find((d) => existsSync(d)) ?? candidates[0];
}

const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

function problemText(p: { path: string; message: string }[]): string {
  return `${p[0].path}: ${p[0].message}${p.length > 1 ? ` (and ${p.length - 1} more)` : ''}`;
}

export function createPlanningApi(options: PlanningApiOptions = {}): {
  handlers: PlanningHandlers;
  close(): Promise<void>;
} {
  let pool: EnginePool | null = null;
  // Started on first use: a window that never sweeps never pays for threads.
  const getPool = () => (pool ??= createEnginePool({ workers: options.workers ?? 2 }));
  const running = new Map<string, AbortController>();
  const scenariosDir = options.scenariosDir ?? defaultScenariosDir();
  let store: LabStore | null = null;
  const getStore = (): LabStore => {
    if (!options.storePath) throw new ApiError('unavailable', 'sessions are not available: no lab store is open');
    try {
      return (store ??= openLabStore(options.storePath, { createDir: options.storeCreateDir }));
    } catch (e) {
      throw new ApiError('unavailable', `cannot open the lab store: ${e instanceof Error ? e.message : String(e)}`);
    }
  };

  const handlers: PlanningHandlers = {
    saveToSession,
    async runSweep(a, progress) {
      if (running.has(a.requestId))
        throw new ApiError('bad-arguments', `runSweep: a sweep with request id ${a.requestId} is already running`);
      let json: unknown;
      try {
        json = JSON.parse(a.sweepJson);
      } catch (e) {
        throw new ApiError('bad-input', `sweep: not JSON: ${e instanceof Error ? e.message : String(e)}`);
      }
      const doc = parseSweep(json);
      if (!doc.ok) throw new ApiError('bad-input', `sweep: ${problemText(doc.problems)}`);
      if (!doc.value.host) throw new ApiError('bad-input', 'sweep: $.host: the app sends the base host inline');
      const kernel = a.kernel ?? 'upstream';
      const mode = a.mode ?? 'init';
      const sweep = resolveSweep(doc.value, doc.value.host, kernel, mode);
      if (!sweep.ok) throw new ApiError('bad-input', `sweep: ${problemText(sweep.problems)}`);
      const total = sweep.value.total;
      const axes = sweep.value.axes.map((x) => x.name);
      const ctl = new AbortController();
      running.set(a.requestId, ctl);
      const send = (phase: string, done: number, message: string) =>
        progress({ method: 'runSweep', requestId: a.requestId, phase, message, done, total });
      send('start', 0, `sweeping ${total.toLocaleString('en-US')} combinations`);
      try {
        const rows = await getPool().runSweep(sweep.value, {
          signal: ctl.signal,
          onProgress: (p) =>
            send(
              'sweep',
              p.done,
              `${p.done.toLocaleString('en-US')} of ${p.total.toLocaleString('en-US')} combinations`,
            ),
        });
        send('done', total, `${total.toLocaleString('en-US')} combinations emulated`);
        return { requestId: a.requestId, cancelled: false, done: total, total, axes, kernel, mode, rows };
      } catch (e) {
        if (e instanceof SweepAbortedError) {
          send(
            'cancelled',
            e.done,
            `cancelled after ${e.done.toLocaleString('en-US')} of ${total.toLocaleString('en-US')}`,
          );
          return { requestId: a.requestId, cancelled: true, done: e.done, total, axes, kernel, mode, rows: [] };
        }
        throw e;
      } finally {
        running.delete(a.requestId);
      }
    },
    async cancelSweep(a) {
      const ctl = running.get(a.requestId);
      ctl?.abort();
      return { cancelled: !!ctl };
    },
    async listScenarios() {
      if (!existsSync(scenariosDir)) return [];
      return readdirSync(scenariosDir)
        .filter((f) => f.endsWith('.json'))
        .sort()
        .map((f): ScenarioInfo => {
          let description = '';
          try {
            const d = (JSON.parse(readFileSync(join(scenariosDir, f), 'utf8')) as { description?: unknown })
              .description;
            if (typeof d === 'string') description = d;
          } catch {
            description = '(not valid JSON)';
          }
          return { name: f.slice(0, -'.json'.length), description };
        });
    },
    async runScenario(a) {
      if (!NAME_RE.test(a.name))
        throw new ApiError(
          'bad-arguments',
          `runScenario: argument $.name: ${JSON.stringify(a.name)} is not a scenario name`,
        );
      const file = join(scenariosDir, `${a.name}.json`);
      if (!existsSync(file)) throw new ApiError('not-found', `no scenario named ${JSON.stringify(a.name)}`);
      const text = readFileSync(file, 'utf8');
      const parsed = parseScenario(JSON.parse(text));
      if (!parsed.ok) throw new ApiError('bad-input', `${a.name}.json: ${problemText(parsed.problems)}`);
      const result = options.inProcess ? runScenario(parsed.value) : await getPool().simulate(parsed.value);
      return { name: a.name, scenarioJson: text, result };
    },
  };

  async function saveToSession(a: Args<'saveToSession'>): Promise<PlanningResults['saveToSession']> {
    // Malformed text is the caller's mistake (400 bad-input), never a server error.
    let json: unknown;
    try {
      json = parseJsonText('hostJson', a.hostJson);
    } catch (e) {
      throw new ApiError('bad-input', (e as Error).message);
    }
    const parsed = parseHost(json);
    if (!parsed.ok) throw new ApiError('bad-input', `host: ${problemText(parsed.problems)}`);
    const host = parsed.value;
    // The emulator runs in the pool for the plan; the init flow decides the recorded outcome.
    const plan = options.inProcess ? planTdmrs(host, a.kernel) : await getPool().plan(host, a.kernel);
    const init = initTdx(host, a.kernel);
    const ok = plan.ok && init.ok;
    const rec = recordRun(getStore(), a.session, {
      kind: 'plan',
      host,
      variant: a.kernel,
      plan,
      status: ok ? 'ok' : 'failed',
      stage: ok ? null : plan.ok ? init.stage : plan.stage,
      errno: ok ? null : plan.ok ? init.errno : plan.errno,
      label: a.label ?? `${host.name} (host editor)`,
      hostOrigin: 'planned',
      provenance: { command: 'app host editor' },
    });
    return {
      sessionId: String(rec.sessionId),
      sessionName: a.session,
      runId: String(rec.run.id),
      status: ok ? 'ok' : 'failed',
    };
  }

  return {
    handlers,
    async close() {
      store?.close();
      store = null;
      for (const c of running.values()) c.abort();
      await pool?.destroy();
      pool = null;
    },
  };
}
