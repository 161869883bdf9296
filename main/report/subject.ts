/**
 * What a report is about: a host planned with one kernel variant, or a
 * scenario played through. Loads and runs everything the report shows, so
 * the rendering code only formats.
 */
import { basename } from 'node:path';
import type { Host, KernelVariant, MemblockRegion } from '../../engine/host/types.js';
import { planTdmrs, type Plan } from '../../engine/kernel/construct.js';
import { initTdx, type InitResult } from '../../engine/flow/init.js';
import { parseScenario } from '../../engine/scenario/parse.js';
import { runScenario, type ScenarioResult } from '../../engine/scenario/run.js';
import type { Scenario } from '../../engine/scenario/types.js';
import type { MemoryBlockState } from '../../renderer/map/index.js';
import { hostFromJson } from '../node/host-file.js';
import { InputError, problemsMessage, readJsonFile } from '../node/input-file.js';

export interface ReportSubject {
  /** Basename of the input file: reports never depend on the cwd. */
  file: string;
  host: Host;
  variant: KernelVariant;
  /** The kernel's TDMR plan that the map and the TDMR table show. */
  plan: Plan;
  /** Kernel + module flow for a host file (boot, CPUs, tdx_enable); absent for scenarios. */
  init?: InitResult;
  scenario?: { scenario: Scenario; result: ScenarioResult };
  memoryBlocks?: MemoryBlockState[];
}

function isScenarioJson(json: unknown): boolean {
  return typeof json === 'object' && json !== null && !Array.isArray(json) && 'events' in json && 'host' in json;
}

/** Loads a host file or a scenario file and runs it. `variant` is ignored for scenarios (they name their kernel). */
export function loadSubject(file: string, variant: KernelVariant): ReportSubject {
  const json = readJsonFile(file);
  if (isScenarioJson(json)) return scenarioSubject(file, json);
  return hostSubject(file, hostFromJson(file, json), variant);
}

/** A host planned with `variant`, kernel + module flow included (what a host file's report shows). */
export function hostSubject(file: string, host: Host, variant: KernelVariant): ReportSubject {
  return { file: basename(file), host, variant, plan: planTdmrs(host, variant), init: initTdx(host, variant) };
}

function scenarioSubject(file: string, json: unknown): ReportSubject {
  const parsed = parseScenario(json);
  if (!parsed.ok) throw new InputError(problemsMessage(file, parsed.problems));
  const scenario = parsed.value;
  const result = runScenario(scenario);
  // The plan the kernel built: from memblock as it was at the first init (hot-adds before it are in).
  const firstInit = scenario.events.findIndex((e) => e.kind === 'init');
  const memblock: MemblockRegion[] = [...scenario.host.memblock];
  scenario.events.forEach((e, i) => {
    if (e.kind === 'hot-add' && (firstInit < 0 || i < firstInit)) {
      const r: MemblockRegion = { start: e.range.start, end: e.range.end, nid: e.nid };
      if (e.zone === 'movable') r.zone = 'movable';
      memblock.push(r);
    }
  });
  memblock.sort((a, b) => a.start - b.start);
  const planHost: Host = { ...scenario.host, memblock };
  return {
    file: basename(file),
    // Memory as the kernel saw it at init, so the map and the plan agree.
    host: planHost,
    variant: scenario.kernel,
    plan: planTdmrs(planHost, scenario.kernel),
    scenario: { scenario, result },
    memoryBlocks: finalBlocks(result, scenario.host.platform?.memory_block_size ?? 128 * 1024 * 1024),
  };
}

/**
 * The last state of every memory block any event touched (boot memory that
 * never changed is not listed), merged into runs of equal state. A block
 * refused and later hot-removed stays on the map as refused: that refusal is
 * usually what the report is about.
 */
export function finalBlocks(result: ScenarioResult, blockSize: number): MemoryBlockState[] {
  const state = new Map<number, { state: MemoryBlockState['state']; refusedAt?: number }>();
  for (const ev of result.events) {
    for (const b of ev.blocks) {
      for (let a = Number(b.start); a < Number(b.end); a += blockSize) {
        const prev = state.get(a);
        const refusedAt = b.to === 'refused' ? (prev?.refusedAt ?? ev.index) : prev?.refusedAt;
        state.set(a, { state: b.to as MemoryBlockState['state'], refusedAt });
      }
    }
  }
  const out: MemoryBlockState[] = [];
  for (const a of [...state.keys()].sort((x, y) => x - y)) {
    const st = state.get(a)!;
    let block: MemoryBlockState;
    if (st.state !== 'absent') block = { start: a, end: a + blockSize, state: st.state };
    else if (st.refusedAt !== undefined)
      block = {
        start: a,
        end: a + blockSize,
        state: 'refused',
        reason: `refused at event ${st.refusedAt}, hot-removed later`,
      };
    else continue;
    const prev = out[out.length - 1];
    if (prev && prev.end === a && prev.state === block.state && prev.reason === block.reason) prev.end = a + blockSize;
    else out.push(block);
  }
  return out;
}
