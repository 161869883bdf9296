/**
 * Turns a simulated timeline (the steps `tdx-lab simulate` plays: boot, init,
 * hot-add, online...) into store events: one event per step, one per memory
 * block change (with its physical range), one per SEAMCALL, one per kernel log
 * line — all at the step's time, in order. Typed structurally so it does not
 * depend on the engine's scenario types beyond these fields.
 */
import { parseHex } from '../../engine/format/hex.js';
import type { EventInput } from './types.js';

export interface TimelineStep {
  index: number;
  /** Seconds since boot, when the scenario gave one; else the step index is the time. */
  t?: number;
  kind: string;
  summary: string;
  ok: boolean;
  errno?: string;
  status?: string;
  statusName?: string;
  /** The physical range the step acts on, if any (exact numbers). */
  range?: { start: number; end: number };
  seamcalls?: readonly { name: string; status: string; [k: string]: unknown }[];
  log?: readonly string[];
  blocks?: readonly { start: string; end: string; from: string; to: string }[];
}

export function* eventsFromTimeline(steps: Iterable<TimelineStep>): Generator<EventInput> {
  for (const s of steps) {
    const t = s.t ?? s.index;
    yield {
      t,
      kind: s.kind,
      addrStart: s.range?.start ?? null,
      addrEnd: s.range?.end ?? null,
      payload: {
        step: s.index,
        summary: s.summary,
        ok: s.ok,
        errno: s.errno ?? null,
        status: s.status ?? null,
        statusName: s.statusName ?? null,
      },
    };
    for (const b of s.blocks ?? []) {
      const start = parseHex(b.start);
      const end = parseHex(b.end);
      const ranged = start !== undefined && end !== undefined && end > start;
      yield {
        t,
        kind: 'block',
        addrStart: ranged ? start : null,
        addrEnd: ranged ? end : null,
        payload: { step: s.index, from: b.from, to: b.to },
      };
    }
    for (const c of s.seamcalls ?? []) yield { t, kind: 'seamcall', payload: { step: s.index, ...c } };
    for (const line of s.log ?? []) yield { t, kind: 'log', payload: { step: s.index, text: line } };
  }
}
