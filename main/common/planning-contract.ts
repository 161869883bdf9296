/**
 * The planning views' part of the API contract (sweeps with progress and
 * cancel, scenarios for the hotplug timeline). Spread into API_ARGS and
 * ApiResults in api-contract.ts, so every transport carries them unchanged.
 * Browser-safe: no node:* imports.
 */
import { z } from 'zod';
import { KERNEL_PROFILE_ID_TUPLE } from '../../engine/kernel/profiles.js';
import type { KernelVariant } from '../../engine/host/types.js';
import type { SweepRow } from '../../engine/sweep/row.js';
import type { ScenarioResult } from '../../engine/scenario/run.js';

const requestId = z.string().min(1, 'must not be empty').max(100, 'is longer than 100 characters');

export const PLANNING_ARGS = {
  /**
   * Runs a sweep (docs/sweeps.md format, base host inline) in the worker
   * pool. Progress goes on the event channel with this requestId; a
   * cancelSweep with the same id stops it.
   */
  runSweep: z.strictObject({
    requestId,
    sweepJson: z
      .string()
      .min(1, 'must not be empty')
      .max(64 * 1024 * 1024, 'is larger than 64 MiB'),
    kernel: z.enum(KERNEL_PROFILE_ID_TUPLE).optional(),
    mode: z.enum(['init', 'plan']).optional(),
  }),
  cancelSweep: z.strictObject({ requestId }),
  /** The scenarios shipped in resources/scenarios. */
  listScenarios: z.strictObject({}),
  /** Plays a shipped scenario in the worker pool. */
  runScenario: z.strictObject({
    name: z.string().min(1, 'must not be empty').max(200, 'is longer than 200 characters'),
  }),
  /** Records a planned host (the host editor's) as a run in a session of the lab store (created if missing). */
  saveToSession: z.strictObject({
    session: z.string().min(1, 'must not be empty').max(200, 'is longer than 200 characters'),
    hostJson: z
      .string()
      .min(1, 'must not be empty')
      .max(512 * 1024 * 1024, 'is larger than 512 MiB'),
    kernel: z.enum(KERNEL_PROFILE_ID_TUPLE),
    label: z.string().max(200, 'is longer than 200 characters').optional(),
  }),
} as const;

export interface SweepRunResult {
  requestId: string;
  /** true: cancelled; rows is then empty and done says how far it got. */
  cancelled: boolean;
  done: number;
  total: number;
  /** Axis names, aligned with every row's values. */
  axes: string[];
  kernel: KernelVariant;
  mode: 'init' | 'plan';
  rows: SweepRow[];
}

export interface ScenarioInfo {
  name: string;
  description: string;
}

export interface ScenarioRunResult {
  name: string;
  /** The scenario file's text (the renderer parses it for the host and the event ranges). */
  scenarioJson: string;
  result: ScenarioResult;
}

export interface SavedRun {
  sessionId: string;
  sessionName: string;
  runId: string;
  status: 'ok' | 'failed';
}

export interface PlanningResults {
  runSweep: SweepRunResult;
  cancelSweep: { cancelled: boolean };
  listScenarios: ScenarioInfo[];
  runScenario: ScenarioRunResult;
  saveToSession: SavedRun;
}
