/**
 * The hotplug timeline's state: the scenario analysed in the worker pool
 * (runScenario: its Outcome), its parsed events, the current step and
 * play/pause. The map at each step comes from the one map input builder
 * (renderer/map/from-outcome.ts): the Outcome's own plan once init has run.
 */
import type { TdxLabApi } from '../../../main/common/api-contract.js';
import type { ScenarioInfo, ScenarioRunResult } from '../../../main/common/planning-contract.js';
import type { Scenario } from '../../../engine/scenario/types.js';
import { parseScenario } from '../../../engine/scenario/parse.js';
import { eventTimes, frameAt, initStep } from '../../../engine/planning/timeline.js';
import { buildMapModel, mapInputAtStep } from '../../../renderer/map/index.js';
import { message } from '../lib/lab.svelte.js';

/** Seconds between steps while playing. */
export const PLAY_INTERVAL_MS = 900;

export class TimelineState {
  scenarios = $state<ScenarioInfo[]>([]);
  name = $state<string | null>(null);
  run = $state.raw<ScenarioRunResult | null>(null);
  scenario = $state.raw<Scenario | null>(null);
  /** Index of the last event applied (-1: before the first). */
  step = $state(-1);
  playing = $state(false);
  busy = $state(false);
  error = $state<string | null>(null);
  /** The played scenario's result (its Outcome's). */
  result = $derived(this.run?.outcome.scenario ?? null);
  times = $derived(this.result ? eventTimes(this.result) : []);
  frame = $derived(this.result ? frameAt(this.result, this.step) : null);
  initAt = $derived(this.result ? initStep(this.result) : -1);
  model = $derived(
    this.scenario && this.run ? buildMapModel(mapInputAtStep(this.run.outcome, this.scenario, this.step)) : null,
  );
  #timer: ReturnType<typeof setInterval> | null = null;
  #loaded = false;

  constructor(readonly api: TdxLabApi) {}

  async load(): Promise<void> {
    if (this.#loaded) return;
    this.#loaded = true;
    try {
      this.scenarios = await this.api.listScenarios({});
      const first = this.scenarios.find((s) => s.name === 'cxl-hot-added-after-init') ?? this.scenarios[0];
      if (first && !this.name) await this.open(first.name);
    } catch (e) {
      this.error = message(e);
    }
  }

  async open(name: string): Promise<void> {
    this.pause();
    this.name = name;
    this.busy = true;
    try {
      const r = await this.api.runScenario({ name });
      const parsed = parseScenario(JSON.parse(r.scenarioJson));
      if (!parsed.ok) throw new Error(`${name}: ${parsed.problems[0].path}: ${parsed.problems[0].message}`);
      if (this.name !== name) return;
      this.scenario = parsed.value;
      this.run = r;
      this.step = -1;
      this.error = null;
    } catch (e) {
      this.error = message(e);
    } finally {
      this.busy = false;
    }
  }

  seek(step: number): void {
    const n = this.result?.events.length ?? 0;
    this.step = Math.max(-1, Math.min(n - 1, step));
  }

  play(): void {
    if (!this.run || this.playing) return;
    if (this.step >= this.result!.events.length - 1) this.step = -1;
    this.playing = true;
    this.#timer = setInterval(() => {
      if (!this.run || this.step >= this.result!.events.length - 1) this.pause();
      else this.step++;
    }, PLAY_INTERVAL_MS);
  }

  pause(): void {
    this.playing = false;
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
  }

  toggle(): void {
    if (this.playing) this.pause();
    else this.play();
  }
}
