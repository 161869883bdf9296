/**
 * The worker-thread entry of the engine pool (piscina loads this file in
 * every worker and calls its default export once per task). It only
 * dispatches to pure engine functions. Sweep tasks carry the shared sweep
 * definition (shared-sweep.ts: sent once, cached here) and a range; a
 * chunk's rows go back packed in typed arrays whose buffers are
 * transferred, and output text is formatted here too, so the main thread
 * only stores and concatenates.
 */
import { move, transferableSymbol, valueSymbol } from 'piscina';
import type { Host, KernelVariant } from '../../engine/host/types.js';
import { planTdmrs, type Plan } from '../../engine/kernel/construct.js';
import { packSweepChunk } from '../../engine/sweep/chunk.js';
import { batchBuffers, type RowBatch } from '../../engine/sweep/batch.js';
import { sweepBatchText, type SweepTextFormat } from '../../engine/format/sweep-rows.js';
import { runScenario, type ScenarioResult } from '../../engine/scenario/run.js';
import type { Scenario } from '../../engine/scenario/types.js';
import { sharedSweepOf, type SharedSweep } from './shared-sweep.js';

export interface PlanTask {
  kind: 'plan';
  host: Host;
  variant: KernelVariant;
}

/** Combinations [start, end) of a shared sweep, emulated and packed. */
export interface SweepChunkTask {
  kind: 'sweep-chunk';
  sweep: SharedSweep;
  start: number;
  end: number;
}

export interface SweepChunkResult {
  batch: RowBatch;
  /** This task deserialized the sweep definition (the worker had not seen it). */
  decoded: boolean;
}

/** Consecutive finished batches as output text (CSV lines for the sweep's node columns, or JSON rows). */
export interface SweepFormatTask {
  kind: 'sweep-format';
  sweep: SharedSweep;
  batches: RowBatch[];
  format: SweepTextFormat;
  nids: number[];
}

export interface SweepFormatResult {
  text: string;
  decoded: boolean;
}

/** A validated scenario (engine/scenario/parse.ts) played event by event. */
export interface SimulateTask {
  kind: 'simulate';
  scenario: Scenario;
}

export type EngineTask = PlanTask | SweepChunkTask | SweepFormatTask | SimulateTask;

/** The app's analyses, imports and report layout (called by name: piscina's `name` option). */
export { outcomeTask } from './outcome-tasks.js';

/** Hands the batch's buffers over to the main thread instead of copying them. */
function transferred(result: SweepChunkResult): unknown {
  return move({
    get [transferableSymbol]() {
      return batchBuffers(result.batch);
    },
    get [valueSymbol]() {
      return result;
    },
  });
}

export default function runTask(task: EngineTask): Plan | SweepFormatResult | ScenarioResult | unknown {
  switch (task.kind) {
    case 'plan':
      return planTdmrs(task.host, task.variant);
    case 'sweep-chunk': {
      const { sweep, decoded } = sharedSweepOf(task.sweep);
      return transferred({ batch: packSweepChunk(sweep, task.start, task.end), decoded });
    }
    case 'sweep-format': {
      const { sweep, decoded } = sharedSweepOf(task.sweep);
      const pieces = task.batches.map((b) => sweepBatchText(sweep, b, task.format, task.nids));
      return { text: pieces.join(task.format === 'json' ? ',' : ''), decoded };
    }
    case 'simulate':
      return runScenario(task.scenario);
    default:
      throw new Error(`unknown engine task kind ${JSON.stringify((task as { kind: unknown }).kind)}`);
  }
}
