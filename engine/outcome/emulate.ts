/**
 * One emulator run of a subject, with everything an Outcome is built from:
 * the kernel's plan, the init flow (its log and SEAMCALLs), and the memory
 * blocks as engine/hotplug leaves them. A host file is played as its story
 * says: boot with its memblock, bring CPUs up, initialize TDX, then let kmem
 * hot-add and online every device that is not in memblock yet.
 */
import type { Host, KernelVariant, MemblockRegion } from '../host/types.js';
import type { Plan } from '../kernel/construct.js';
import { initTdxWithPlan, type InitResult } from '../flow/init.js';
import { HotplugMemory } from '../hotplug/memory.js';
import { overlapsMemblock, removeRange } from '../hotplug/memblock-list.js';
import { initsAtBoot } from './kernel-facts.js';
import type { TdxMemblock } from '../kernel/memlist.js';
import { runScenario, type ScenarioResult } from '../scenario/run.js';
import type { Scenario } from '../scenario/types.js';
import type { MemoryBlockRun } from './types.js';
import { hex } from '../format/hex.js';

export interface HostRun {
  kind: 'host';
  kernel: KernelVariant;
  host: Host;
  plan: Plan | null;
  init: InitResult;
  memoryBlocks: MemoryBlockRun[];
}

export interface ScenarioRun {
  kind: 'scenario';
  kernel: KernelVariant;
  scenario: Scenario;
  /** The host as the kernel saw it at the init whose plan stands (see emulateScenario). */
  host: Host;
  plan: Plan | null;
  /** Index of the init event that plan comes from, -1 when none. */
  planEvent: number;
  /** How many init attempts built TDMRs (each planned once). */
  plans: number;
  result: ScenarioResult;
  memoryBlocks: MemoryBlockRun[];
}

export type EmulatorRun = HostRun | ScenarioRun;

function deviceAt(host: Host, start: number, end: number): string | undefined {
  return host.devices?.find((d) => d.start < end && start < d.end)?.name;
}

/** Final block states as runs, split where the device they belong to changes. */
function blockRuns(
  mem: HotplugMemory,
  host: Host,
  reason: (state: MemoryBlockRun['state'], device: string | undefined, start: number) => string,
): MemoryBlockRun[] {
  const out: MemoryBlockRun[] = [];
  const bs = mem.blockSize;
  const devices = [...(host.devices ?? [])].sort((a, b) => a.start - b.start);
  for (const r of mem.blocks.runs()) {
    // Cut the run at device boundaries so each piece names one origin.
    const cuts = new Set<number>([r.first * bs, (r.last + 1) * bs]);
    for (const d of devices) {
      for (const a of [d.start, d.end]) if (a > r.first * bs && a < (r.last + 1) * bs) cuts.add(Math.ceil(a / bs) * bs);
    }
    const points = [...cuts].sort((a, b) => a - b);
    for (let i = 0; i + 1 < points.length; i++) {
      const start = points[i];
      const end = points[i + 1];
      if (start >= end) continue;
      const device = deviceAt(host, start, end);
      const run: MemoryBlockRun = {
        start,
        end,
        state: r.state,
        origin: device ? 'device' : 'boot',
        reason: reason(r.state, device, start),
      };
      if (device) run.device = device;
      out.push(run);
    }
  }
  return out;
}

/** The host with its devices' memory taken out of memblock (they are onlined by kmem later). */
function withoutDeviceMemory(host: Host): Host {
  if (!host.devices?.some((d) => overlapsMemblock(host.memblock, d.start, d.end))) return host;
  const memblock = host.memblock.map((m) => ({ ...m }));
  for (const d of host.devices) removeRange(memblock, d.start, d.end);
  return { ...host, memblock };
}

/**
 * A host file: init runs on its memblock (memory hot-added before init is
 * already there); devices not in memblock are hot-added by kmem afterwards
 * with auto-online, through the TDX memory notifier (kernel-flow.md §5).
 */
export function emulateHost(given: Host, kernel: KernelVariant): HostRun {
  // A kernel that initializes at boot does so before kmem can online any device:
  // a device in the host's memblock comes online only afterwards (dynamic-pamt.md §7).
  const host = initsAtBoot(kernel) ? withoutDeviceMemory(given) : given;
  const { result: init, plan } = initTdxWithPlan(host, kernel, { includePlan: false });
  const mem = new HotplugMemory(host);
  const memlist: readonly TdxMemblock[] = init.ok && plan?.ok ? plan.memlist : [];
  const after = new Set<string>();
  for (const d of host.devices ?? []) {
    if (overlapsMemblock(mem.memblock, d.start, d.end)) continue;
    mem.hotAdd(d.start, d.end, d.nid, d.zone ?? (d.kind === 'dimm' ? 'normal' : 'movable'), true, memlist);
    after.add(d.name);
  }
  const memoryBlocks = blockRuns(mem, host, (state, device) => {
    if (!device) return 'online from boot';
    if (!after.has(device)) return `${device}: hot-added before TDX initialized, so it is in the memblock snapshot`;
    if (state === 'refused' && host !== given)
      return `${device}: this kernel initializes TDX at boot, before kmem onlines ${device}; the TDX memory notifier refused it (not in the TDX memory list)`;
    if (state === 'refused')
      return `${device}: hot-added after TDX initialized; the TDX memory notifier refused to online it (not in the TDX memory list)`;
    return memlist.length === 0
      ? `${device}: hot-added after TDX init ${init.ok ? 'ran' : 'failed'}; with an empty TDX memory list the notifier lets any memory online`
      : `${device}: hot-added after TDX initialized, inside the TDX memory list`;
  });
  return { kind: 'host', kernel, host, plan, init, memoryBlocks };
}

/**
 * A scenario, played once. The plan that stands is the one of the init
 * that succeeded or, when none did, of the first init attempt that got as
 * far as building TDMRs (the root cause a later retry only repeats).
 */
export function emulateScenario(scenario: Scenario): ScenarioRun {
  const inits: { index: number; plan: Plan | undefined; memblock: MemblockRegion[]; ok: boolean }[] = [];
  let memory: HotplugMemory | undefined;
  const result = runScenario(scenario, {
    onInit: (index, plan, memblock, ok) => inits.push({ index, plan, memblock: [...memblock], ok }),
    onEnd: (m) => (memory = m),
  });
  const chosen = inits.find((i) => i.ok && i.plan) ?? inits.find((i) => i.plan) ?? inits[0];
  const host: Host = chosen ? { ...scenario.host, memblock: chosen.memblock } : scenario.host;
  // The last event that refused each block range, to say when it happened.
  const refusals: { start: number; end: number; event: number }[] = [];
  for (const ev of result.events)
    for (const b of ev.blocks)
      if (b.to === 'refused') refusals.push({ start: Number(b.start), end: Number(b.end), event: ev.index });
  const memoryBlocks = memory
    ? blockRuns(memory, scenario.host, (state, device, start) => {
        const what = device ?? `memory at ${hex(start)}`;
        if (state === 'refused') {
          let at: number | undefined;
          for (const r of refusals) if (r.start <= start && start < r.end) at = r.event;
          return `${what}: the TDX memory notifier refused to online it${at !== undefined ? ` (event ${at})` : ''}`;
        }
        return device ? `${what}: ${state}` : `${state} (boot memory)`;
      })
    : [];
  return {
    kind: 'scenario',
    kernel: scenario.kernel,
    scenario,
    host,
    plan: chosen?.plan ?? null,
    planEvent: chosen?.plan ? chosen.index : -1,
    plans: inits.filter((i) => i.plan).length,
    result,
    memoryBlocks,
  };
}
