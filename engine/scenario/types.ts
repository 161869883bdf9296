/**
 * The scenario format (docs/scenarios.md): a host, a kernel variant and a
 * timeline of events, after validation. Addresses are exact numbers.
 */
import type { Host, KernelVariant } from '../host/types.js';
import type { LeafName } from '../module/leaves.js';
import type { TdGroup } from '../workload/types.js';

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
  'module-update',
  'td-create',
  'td-destroy',
  'td-memory',
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
  | (EventBase & { kind: 'inject'; leaf: LeafName; status: bigint; statusName: string; skip: number; count: number })
  /** Runtime module update through tdx_host: the new module's version (and TDX_FEATURES0, if given). */
  | (EventBase & { kind: 'module-update'; version: string; tdxFeatures0?: number })
  /** KVM creates `count` TDs of a `tds` group, each with `assigned` bytes of its memory mapped. */
  | (EventBase & { kind: 'td-create'; td: string; count: number; assigned: number })
  /** KVM destroys `count` running TDs of a group (all of them when absent). */
  | (EventBase & { kind: 'td-destroy'; td: string; count?: number })
  /** Every running TD of a group now has `assigned` bytes of its memory mapped (TDH.MEM.PAGE.AUG / REMOVE). */
  | (EventBase & { kind: 'td-memory'; td: string; assigned: number });

export interface Scenario {
  name: string;
  description?: string;
  kernel: KernelVariant;
  /** false: the BIOS loaded no TDX module (every SEAMCALL fails with VMFailInvalid). */
  moduleLoaded: boolean;
  /** How the kernel reads module metadata. */
  metadata: 'sys-rd' | 'sys-info';
  host: Host;
  /** The TD workload the `td-*` events draw on (absent or empty: none). */
  tds?: TdGroup[];
  events: ScenarioEvent[];
}
