/**
 * Emulated fixes: a subject (a host or a scenario) with a change applied,
 * run again through the emulator, summarized as the Trial a fix quotes.
 * Runs are cached per analysis, and skipped with a stated reason when the
 * host is too big to re-run within an interactive budget.
 */
import type { Cmr, Host, KernelVariant, MemblockRegion, ModuleLimits, Platform } from '../host/types.js';
import { addRegion, removeRange } from '../hotplug/memblock-list.js';
import type { Scenario, ScenarioEvent } from '../scenario/types.js';
import { emulateHost, emulateScenario, type EmulatorRun } from './emulate.js';
import { pamtFigures, tdmrsNeeded } from './figures.js';
import type { EmulatorRunInfo, Trial } from './types.js';
import { verdictOf } from './verdict.js';
import { sizeText } from './text.js';

export type Change =
  | { kind: 'kernel'; kernel: KernelVariant }
  /** Keep a device's memory out of memblock until TDX has initialized (kmem onlines it later). */
  | { kind: 'device-after-init'; device: string; start: number; end: number }
  /** The firmware hands a device's memory over as ordinary boot RAM (not Soft Reserved): it is memblock at boot. */
  | { kind: 'device-boot-ram'; device: string; start: number; end: number; nid: number }
  /** Online a device's memory before TDX initializes. */
  | { kind: 'device-before-init'; device: string; start: number; end: number; nid: number; zone: 'normal' | 'movable' }
  /** Online [start, end) into ZONE_MOVABLE, which GFP_KERNEL (so the PAMT) never uses. */
  | { kind: 'zone-movable'; start: number; end: number }
  | { kind: 'module'; patch: Partial<ModuleLimits> }
  /** memmap=SIZE$START: the ranges become reserved, so they leave memblock. */
  | { kind: 'remove-memory'; ranges: Array<[number, number]> }
  /** Reserved ranges freed (e.g. a smaller crashkernel=). */
  | { kind: 'drop-reserved'; indexes: number[] }
  /** The firmware reports [start, end) convertible (a CMR covers it). */
  | { kind: 'cmr-cover'; start: number; end: number }
  /** Every CPU online when TDX initializes. */
  | { kind: 'cpus-online' }
  /** Platform facts (BIOS KeyID split, nohibernate, …). */
  | { kind: 'platform'; patch: Partial<Platform> };

export type TrialSubject =
  { kind: 'host'; host: Host; kernel: KernelVariant } | { kind: 'scenario'; scenario: Scenario };

/** Above this many memblock regions a re-run costs seconds: fixes are named but not emulated. */
export const TRIAL_REGION_LIMIT = 250_000;

function cloneMemblock(m: readonly MemblockRegion[]): MemblockRegion[] {
  return m.map((r) => ({ ...r }));
}

function withMovable(memblock: readonly MemblockRegion[], start: number, end: number): MemblockRegion[] {
  const out: MemblockRegion[] = [];
  for (const r of memblock) {
    if (r.end <= start || r.start >= end) {
      out.push({ ...r });
      continue;
    }
    if (r.start < start) out.push({ ...r, end: start });
    const a = Math.max(r.start, start);
    const b = Math.min(r.end, end);
    out.push({ ...r, start: a, end: b, zone: 'movable' });
    if (r.end > end) out.push({ ...r, start: end });
  }
  return out;
}

function mergeCmrs(cmrs: readonly Cmr[], start: number, end: number): Cmr[] {
  const all = [...cmrs.map((c) => [c.base, c.base + c.size] as [number, number]), [start, end] as [number, number]];
  all.sort((x, y) => x[0] - y[0]);
  const out: Array<[number, number]> = [];
  for (const [a, b] of all) {
    const last = out[out.length - 1];
    if (last && a <= last[1]) last[1] = Math.max(last[1], b);
    else out.push([a, b]);
  }
  return out.map(([a, b]) => ({ base: a, size: b - a }));
}

function applyToHost(host: Host, c: Change): Host {
  switch (c.kind) {
    case 'kernel':
    case 'cpus-online':
      return host;
    case 'device-after-init': {
      const memblock = cloneMemblock(host.memblock);
      removeRange(memblock, c.start, c.end);
      return { ...host, memblock };
    }
    case 'device-before-init': {
      const memblock = cloneMemblock(host.memblock);
      const r: MemblockRegion = { start: c.start, end: c.end, nid: c.nid };
      if (c.zone === 'movable') r.zone = 'movable';
      addRegion(memblock, r);
      return { ...host, memblock };
    }
    case 'device-boot-ram': {
      const memblock = cloneMemblock(host.memblock);
      removeRange(memblock, c.start, c.end);
      addRegion(memblock, { start: c.start, end: c.end, nid: c.nid });
      return { ...host, memblock, devices: host.devices?.filter((d) => d.name !== c.device) };
    }
    case 'zone-movable':
      return {
        ...host,
        memblock: withMovable(host.memblock, c.start, c.end),
        devices: host.devices?.map((d) => (d.start < c.end && c.start < d.end ? { ...d, zone: 'movable' } : d)),
      };
    case 'module':
      return { ...host, module: { ...host.module, ...c.patch } };
    case 'remove-memory': {
      const memblock = cloneMemblock(host.memblock);
      for (const [a, b] of c.ranges) removeRange(memblock, a, b);
      return { ...host, memblock };
    }
    case 'drop-reserved':
      return { ...host, reserved: host.reserved.filter((_, i) => !c.indexes.includes(i)) };
    case 'cmr-cover':
      return { ...host, cmrs: mergeCmrs(host.cmrs, c.start, c.end) };
    case 'platform':
      return { ...host, platform: { ...host.platform, ...c.patch } };
  }
}

const overlaps = (r: { start: number; end: number }, a: number, b: number) => r.start < b && a < r.end;

function applyToScenario(s: Scenario, c: Change): Scenario {
  const firstInit = s.events.findIndex((e) => e.kind === 'init');
  switch (c.kind) {
    case 'kernel':
      return { ...s, kernel: c.kernel };
    case 'device-after-init': {
      if (firstInit < 0) return s;
      // Hot-adds (and onlines) of the device before the first init move to just after it.
      const isDev = (e: ScenarioEvent) =>
        (e.kind === 'hot-add' || e.kind === 'online') && overlaps(e.range, c.start, c.end);
      const before = s.events.slice(0, firstInit).filter((e) => !isDev(e));
      const moved = s.events.slice(0, firstInit).filter(isDev);
      return { ...s, events: [...before, s.events[firstInit], ...moved, ...s.events.slice(firstInit + 1)] };
    }
    case 'device-before-init': {
      if (firstInit < 0) return s;
      const isDev = (e: ScenarioEvent) =>
        (e.kind === 'hot-add' || e.kind === 'online') && overlaps(e.range, c.start, c.end);
      const after = s.events.slice(firstInit + 1);
      return {
        ...s,
        events: [
          ...s.events.slice(0, firstInit),
          ...after.filter(isDev),
          s.events[firstInit],
          ...after.filter((e) => !isDev(e)),
        ],
      };
    }
    case 'device-boot-ram':
      // Boot memory now: its hot-adds and onlines go (there is nothing left to add).
      return {
        ...s,
        host: applyToHost(s.host, c),
        events: s.events.filter(
          (e) => !((e.kind === 'hot-add' || e.kind === 'online') && overlaps(e.range, c.start, c.end)),
        ),
      };
    case 'zone-movable':
      return {
        ...s,
        host: applyToHost(s.host, c),
        events: s.events.map((e) =>
          e.kind === 'hot-add' && overlaps(e.range, c.start, c.end) ? { ...e, zone: 'movable' } : e,
        ),
      };
    case 'cpus-online':
      return {
        ...s,
        events: s.events.filter((e, i) => !(e.kind === 'cpu-offline' && (firstInit < 0 || i < firstInit))),
      };
    default:
      return { ...s, host: applyToHost(s.host, c) };
  }
}

export function applyChanges(subject: TrialSubject, changes: readonly Change[]): TrialSubject {
  if (subject.kind === 'host') {
    let { host, kernel } = subject;
    for (const c of changes) {
      if (c.kind === 'kernel') kernel = c.kernel;
      host = applyToHost(host, c);
    }
    return { kind: 'host', host, kernel };
  }
  let scenario = subject.scenario;
  for (const c of changes) scenario = applyToScenario(scenario, c);
  return { kind: 'scenario', scenario };
}

export function emulate(subject: TrialSubject): EmulatorRun {
  return subject.kind === 'host' ? emulateHost(subject.host, subject.kernel) : emulateScenario(subject.scenario);
}

/** How many planTdmrs calls a run made (one per init that reached TDMR construction). */
export function plansOf(run: EmulatorRun): number {
  return run.kind === 'host' ? (run.plan ? 1 : 0) : run.plans;
}

function printedLines(run: EmulatorRun): string[] {
  return run.kind === 'host' ? run.init.log : run.result.events.flatMap((e) => e.log);
}

/** A trial's one-sentence account of what the run shows. */
export function trialOf(change: string, changes: readonly Change[], run: EmulatorRun): Trial {
  const printed = run.kind === 'host' ? run.init.pamtKb : run.result.final.pamtKb;
  const pamt = pamtFigures(run.host, run.plan, true, printed);
  const v = verdictOf(run, { reservedNeed: null, tdmrsNeeded: tdmrsNeeded(run.plan), pamt }, []);
  const refused = run.memoryBlocks.filter((b) => b.state === 'refused');
  const refusedBytes = refused.reduce((n, b) => n + b.end - b.start, 0);
  const blockSize = run.host.platform?.memory_block_size ?? 128 * 1024 * 1024;
  const refusedBlocks = refusedBytes / blockSize;
  const tdmrs = run.plan?.tdmrs.length ?? 0;
  const shows = v.ok
    ? `TDX initializes with ${printed} KB of PAMT in ${tdmrs} TDMR${tdmrs === 1 ? '' : 's'}${refusedBlocks ? `; the memory notifier then refuses ${refusedBlocks} memory block${refusedBlocks === 1 ? '' : 's'}, ${sizeText(refusedBytes)}` : ''}.`
    : v.noInit
      ? 'no init is attempted.'
      : `TDX still does not initialize: ${v.headline.replace(/^TDX does not initialize: /, '')}.`;
  return {
    change,
    changes: [...changes],
    kernel: run.kernel,
    ok: v.ok,
    headline: v.headline,
    statusName: v.statusName,
    stage: v.stage,
    pamtKb: v.ok ? printed : null,
    refusedBlocks,
    shows,
    printed: v.ok ? printedLines(run).filter((l) => l.includes('KB allocated for PAMT')) : v.kernelMessages.slice(0, 4),
  };
}

/** Runs trials for one analysis: cached by change, recorded as runs, bounded in size. */
export class TrialRunner {
  private readonly cache = new Map<string, Trial>();
  constructor(
    private readonly subject: TrialSubject,
    private readonly runs: EmulatorRunInfo[],
    private readonly enabled: boolean,
  ) {}

  regions(): number {
    return this.subject.kind === 'host'
      ? this.subject.host.memblock.length
      : this.subject.scenario.host.memblock.length;
  }

  /** Why trials are off for this subject, or null when they run. */
  get skipped(): string | null {
    if (!this.enabled) return 'fix trials were turned off for this analysis';
    const n = this.regions();
    return n > TRIAL_REGION_LIMIT
      ? `the host has ${n.toLocaleString('en-US')} memblock regions, more than the ${TRIAL_REGION_LIMIT.toLocaleString('en-US')} the lab re-runs per analysis; run tdx-lab plan on the changed host to try it`
      : null;
  }

  run(change: string, changes: readonly Change[]): Trial | { notTried: string } {
    const why = this.skipped;
    if (why) return { notTried: why };
    const key = JSON.stringify(changes);
    const hit = this.cache.get(key);
    if (hit) return { ...hit, change };
    const subject = applyChanges(this.subject, changes);
    const run = emulate(subject);
    this.runs.push({ purpose: `trial: ${change}`, kernel: run.kernel, plans: plansOf(run) });
    const t = trialOf(change, changes, run);
    this.cache.set(key, t);
    return t;
  }
}
