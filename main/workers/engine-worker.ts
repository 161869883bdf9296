/**
 * The worker-thread entry of the engine pool (piscina loads this file in
 * every worker and calls its default export once per task). It only
 * dispatches to pure engine functions; messages stay small because a sweep
 * chunk carries the sweep definition and a range, never expanded hosts.
 */
import type { Host, KernelVariant } from '../../engine/host/types.js';
import { planTdmrs, type Plan } from '../../engine/kernel/construct.js';
import { runSweepChunk } from '../../engine/sweep/chunk.js';
import type { Sweep } from '../../engine/sweep/expand.js';
import type { SweepRow } from '../../engine/sweep/row.js';
import { runScenario, type ScenarioResult } from '../../engine/scenario/run.js';
import type { Scenario } from '../../engine/scenario/types.js';

export interface PlanTask {
  kind: 'plan';
  host: Host;
  variant: KernelVariant;
}

/** Combinations [start, end) of a sweep. */
export interface SweepChunkTask {
  kind: 'sweep-chunk';
  sweep: Sweep;
  start: number;
  end: number;
}

/** A validated scenario (engine/scenario/parse.ts) played event by event. */
export interface SimulateTask {
  kind: 'simulate';
  scenario: Scenario;
}

export type EngineTask = PlanTask | SweepChunkTask | SimulateTask;

/** The app's analyses, imports and report layout (called by name: piscina's `name` option). */
export { outcomeTask } from './outcome-tasks.js';

export default function runTask(task: EngineTask): Plan | SweepRow[] | ScenarioResult {
  switch (task.kind) {
    case 'plan':
      return planTdmrs(task.host, task.variant);
    case 'sweep-chunk':
      return runSweepChunk(task.sweep, task.start, task.end);
    case 'simulate':
      return runScenario(task.scenario);
    default:
      throw new Error(`unknown engine task kind ${JSON.stringify((task as { kind: unknown }).kind)}`);
  }
}
