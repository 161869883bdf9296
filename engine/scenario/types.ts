/**
 * The scenario format (docs/scenarios.md): a host, a kernel variant and a
 * timeline of events, after validation. Addresses are exact numbers.
 */
import type { Host, KernelVariant } from '../host/types.js';
import type { LeafName } from '../module/leaves.js';

export const EVENT_KINDS = [
  'boot',
  'init',
  'hot-add',
  'hot-remove',
  'online',
  'offline',
  'inject',
  'cpu-offline',
  'cpu-online',
] as const;
export type EventKind = (typeof EVENT_KINDS)[number];

/** A physical range an event acts on, and where it came from. */
export interface EventRange {
  start: number;
  end: number;
  /** The device it names, if it named one. */
  device?: string;
}

interface EventBase {
  /** Optional timestamp (seconds since boot); non-decreasing across events. */
  t?: number;
  /** Free text shown beside the event. */
  note?: string;
}

export type ScenarioEvent =
  | (EventBase & { kind: 'boot' })
  | (EventBase & { kind: 'init' })
  | (EventBase & { kind: 'hot-add'; range: EventRange; nid: number; zone: 'normal' | 'movable'; online: boolean })
  | (EventBase & { kind: 'hot-remove'; range: EventRange })
  | (EventBase & { kind: 'online'; range: EventRange })
  | (EventBase & { kind: 'offline'; range: EventRange })
  | (EventBase & { kind: 'cpu-offline' | 'cpu-online'; cpu: number })
  | (EventBase & { kind: 'inject'; leaf: LeafName; status: bigint; statusName: string; skip: number; count: number });

export interface Scenario {
  name: string;
  description?: string;
  kernel: KernelVariant;
  /** false: the BIOS loaded no TDX module (every SEAMCALL fails with VMFailInvalid). */
  moduleLoaded: boolean;
  /** How the kernel reads module metadata. */
  metadata: 'sys-rd' | 'sys-info';
  host: Host;
  events: ScenarioEvent[];
}
