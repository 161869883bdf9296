/**
 * The planning views' API methods (main/common/planning-contract.ts):
 * sweeps in the engine worker pool with progress on the event channel and
 * cancel by request id, and the shipped scenarios for the hotplug timeline.
 * Wired into createLabApi (lab-api.ts) next to the app's own handlers.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { z } from 'zod';
import { parseSweep } from '../../engine/sweep/schema.js';
import { resolveSweep } from '../../engine/sweep/expand.js';
import type { Outcome } from '../../engine/outcome/types.js';
import { ApiError, type ProgressEvent } from '../common/api-contract.js';
import type { PLANNING_ARGS, PlanningResults, ScenarioInfo } from '../common/planning-contract.js';
import { SweepAbortedError } from '../workers/pool.js';
import { engineTask } from './lab-api.js';
import type { Services } from './services.js';
import { guard } from './session-store.js';

type ProgressSink = (e: ProgressEvent) => void;
type Args<M extends keyof typeof PLANNING_ARGS> = z.output<(typeof PLANNING_ARGS)[M]>;

export type PlanningHandlers = {
  [M in keyof PlanningResults]: (args: Args<M>, progress: ProgressSink) => Promise<PlanningResults[M]>;
};

const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

function problemText(p: { path: string; message: string }[]): string {
  return `${p[0].path}: ${p[0].message}${p.length > 1 ? ` (and ${p.length - 1} more)` : ''}`;
}

export function createPlanningApi(services: Services): {
  handlers: PlanningHandlers;
  close(): Promise<void>;
} {
  const running = new Map<string, AbortController>();
  const scenariosDir = services.scenariosDir;

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
        const rows = await services.engine.runSweep(sweep.value, {
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
      const outcome = await engineTask<Outcome>(services, {
        kind: 'analyze-text',
        text,
        source: `${a.name}.json`,
        kernel: 'upstream',
      });
      if (!outcome.scenario) throw new ApiError('bad-input', `${a.name}.json is not a scenario`);
      return { name: a.name, scenarioJson: text, outcome };
    },
  };

  async function saveToSession(a: Args<'saveToSession'>): Promise<PlanningResults['saveToSession']> {
    // Parse, validate and analyse in the pool; only the store write happens here.
    const outcome = await engineTask<Outcome>(services, {
      kind: 'analyze-host',
      text: a.hostJson,
      // Errors name the contract's field: "hostJson: malformed JSON at line 1, column 14".
      source: 'hostJson',
      kernel: a.kernel,
    });
    const store = await services.store();
    const rec = await guard(() =>
      store.recordRun(a.session, {
        kind: 'plan',
        host: outcome.host,
        variant: a.kernel,
        outcome,
        label: a.label ?? `${outcome.host.name} (host editor)`,
        hostOrigin: 'planned',
        provenance: { command: 'app host editor' },
      }),
    );
    return {
      sessionId: String(rec.sessionId),
      sessionName: a.session,
      runId: String(rec.run.id),
      status: rec.run.status,
    };
  }

  return {
    handlers,
    async close() {
      for (const c of running.values()) c.abort();
    },
  };
}
