/**
 * The hotplug timeline's state: the scenario played in the worker pool
 * (runScenario), its parsed events, the current step and play/pause. The
 * map's host, plan and memory blocks at the current step are derived with
 * the engine's pure helpers (engine/planning/timeline.ts).
 */
import type { TdxLabApi } from '../../../main/common/api-contract.js';
import type { ScenarioInfo, ScenarioRunResult } from '../../../main/common/planning-contract.js';
import type { Scenario } from '../../../engine/scenario/types.js';
import { parseScenario } from '../../../engine/scenario/parse.js';
import { planTdmrs, type Plan } from '../../../engine/kernel/construct.js';
import { eventTimes, frameAt, hostAt, hostAtInit, initStep } from '../../../engine/planning/timeline.js';
import { buildMapModel } from '../../../renderer/map/index.js';
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
  times = $derived(this.run ? eventTimes(this.run.result) : []);
  frame = $derived(this.run ? frameAt(this.run.result, this.step) : null);
  initAt = $derived(this.run ? initStep(this.run.result) : -1);
  /** TDMRs as configured at init: planned on the memblock the kernel saw then. */
  initPlan = $derived(
    this.scenario && this.run ? planTdmrs(hostAtInit(this.scenario, this.run.result), this.scenario.kernel) : null,
  );
  model = $derived.by(() => {
    if (!this.scenario || !this.run || !this.frame) return null;
    const host = hostAt(this.scenario, this.run.result, this.step);
    const before: Plan = { ok: true, variant: this.scenario.kernel, memlist: [], log: [], tdmrs: [], pamtKb: 0 };
    const plan = this.frame.initPlayed && this.initPlan ? this.initPlan : before;
    return buildMapModel({ host, plan, memoryBlocks: this.frame.blocks });
  });
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
    const n = this.run?.result.events.length ?? 0;
    this.step = Math.max(-1, Math.min(n - 1, step));
  }

  play(): void {
    if (!this.run || this.playing) return;
    if (this.step >= this.run.result.events.length - 1) this.step = -1;
    this.playing = true;
    this.#timer = setInterval(() => {
      if (!this.run || this.step >= this.run.result.events.length - 1) this.pause();
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
