/**
 * The state of a played scenario at any moment of its timeline: which
 * memory blocks exist and in which state (online, offline, refused), the
 * module's state, and the host memblock the kernel saw when it built TDMRs.
 * Derived only from runScenario's result and the parsed scenario. Pure.
 */
import type { Host, MemblockRegion } from '../host/types.js';
import { parseHex } from '../format/hex.js';
import type { ScenarioResult, EventResult, TdxMemoryPoint } from '../scenario/run.js';
import type { Scenario } from '../scenario/types.js';
import { kernelProfile } from '../kernel/profiles.js';

export type SegmentState = 'online' | 'offline' | 'refused';

/** A run of memory blocks in one state, [start, end). */
export interface BlockSegment {
  start: number;
  end: number;
  state: SegmentState;
}

export interface TimelineFrame {
  /** Index of the last event applied; -1 before the first. */
  step: number;
  /** Time of that event on the timeline axis (seconds since boot). */
  time: number;
  blocks: BlockSegment[];
  moduleState: EventResult['moduleState'] | 'NOT_LOADED';
  kernelStatus: EventResult['kernelStatus'] | 'UNINITIALIZED';
  /** Whether init has been played by this step (successfully or not): the init event, or boot on a kernel that initializes at boot. */
  initPlayed: boolean;
  /** TDX memory at this step (static PAMT, refcounts, dynamic 4K PAMT for TDs). */
  tdxMemory: TdxMemoryPoint;
}

/**
 * Each event's time: its own `t`, or one second after the previous event
 * when it has none (so untimed scenarios still spread out on the axis).
 */
export function eventTimes(result: ScenarioResult): number[] {
  const out: number[] = [];
  let last = -1;
  for (const e of result.events) {
    const t = e.t ?? last + 1;
    out.push(t);
    last = t;
  }
  return out;
}

/** The last event at or before time t (-1 before the first). */
export function stepAtTime(result: ScenarioResult, t: number): number {
  const times = eventTimes(result);
  let step = -1;
  for (let i = 0; i < times.length; i++) if (times[i] <= t) step = i;
  return step;
}

/** Paints [start, end) with `state` (or removes it for 'absent') in a sorted, disjoint segment list. */
function paint(segments: BlockSegment[], start: number, end: number, state: SegmentState | 'absent'): BlockSegment[] {
  const out: BlockSegment[] = [];
  for (const s of segments) {
    if (s.end <= start || s.start >= end) out.push(s);
    else {
      if (s.start < start) out.push({ start: s.start, end: start, state: s.state });
      if (s.end > end) out.push({ start: end, end: s.end, state: s.state });
    }
  }
  if (state !== 'absent') out.push({ start, end, state });
  out.sort((a, b) => a.start - b.start);
  // Merge neighbours in the same state so the map draws runs, not thousands of blocks.
  const merged: BlockSegment[] = [];
  for (const s of out) {
    const prev = merged[merged.length - 1];
    if (prev && prev.end === s.start && prev.state === s.state) prev.end = s.end;
    else merged.push({ ...s });
  }
  return merged;
}

/** Block segments after events 0..step have been applied. */
export function blocksAfter(result: ScenarioResult, step: number): BlockSegment[] {
  let segments: BlockSegment[] = [];
  for (let i = 0; i <= step && i < result.events.length; i++) {
    for (const c of result.events[i].blocks) {
      const start = parseHex(c.start);
      const end = parseHex(c.end);
      if (start === undefined || end === undefined) throw new Error(`event ${i}: bad block range ${c.start}-${c.end}`);
      segments = paint(segments, start, end, c.to as SegmentState | 'absent');
    }
  }
  return segments;
}

export function frameAt(result: ScenarioResult, step: number): TimelineFrame {
  const times = eventTimes(result);
  const s = Math.max(-1, Math.min(step, result.events.length - 1));
  const e = s >= 0 ? result.events[s] : null;
  return {
    step: s,
    time: s >= 0 ? times[s] : (times[0] ?? 0) - 1,
    blocks: blocksAfter(result, s),
    moduleState: e ? e.moduleState : 'NOT_LOADED',
    kernelStatus: e ? e.kernelStatus : 'UNINITIALIZED',
    initPlayed: s >= initStep(result),
    tdxMemory: s >= 0 ? result.tdxMemory.points[s] : result.tdxMemory.start,
  };
}

/**
 * Index of the event that ran init: the (first) init event when KVM loading
 * initializes the module, the boot event (-1 for an implicit boot, before
 * the first event) when the kernel does it at boot. events.length if never.
 */
export function initStep(result: ScenarioResult): number {
  if (kernelProfile(result.kernel).initAt === 'boot') return result.events[0]?.kind === 'boot' ? 0 : -1;
  const i = result.events.findIndex((e) => e.kind === 'init');
  return i < 0 ? result.events.length : i;
}

/**
 * The host with its memblock as it stands after events 0..step: boot
 * memory plus memory hot-added (and not removed) so far.
 */
export function hostAt(scenario: Scenario, result: ScenarioResult, step: number): Host {
  const memblock: MemblockRegion[] = scenario.host.memblock.map((m) => ({ ...m }));
  for (let i = 0; i <= step && i < scenario.events.length; i++) {
    const ev = scenario.events[i];
    const ok = result.events[i]?.ok ?? false;
    if (ev.kind === 'hot-add' && ok) {
      const r: MemblockRegion = { start: ev.range.start, end: ev.range.end, nid: ev.nid };
      if (ev.zone === 'movable') r.zone = 'movable';
      memblock.push(r);
    } else if (ev.kind === 'hot-remove' && ok) {
      const k = memblock.findIndex((m) => m.start === ev.range.start && m.end === ev.range.end);
      if (k >= 0) memblock.splice(k, 1);
    }
  }
  memblock.sort((a, b) => a.start - b.start);
  return { ...scenario.host, memblock };
}

/**
 * The host as the kernel saw it when init ran: boot memblock plus memory
 * hot-added (and not removed) before the init event. planTdmrs on it gives
 * the TDMRs the module was configured with.
 */
export function hostAtInit(scenario: Scenario, result: ScenarioResult): Host {
  return hostAt(scenario, result, initStep(result) - 1);
}
