/**
 * The store's plain-object types: everything a LabStore method returns is
 * JSON-serializable (numbers, strings, arrays, objects), so the Electron main
 * process and the HTTP serve mode can hand results on unchanged.
 * Addresses are exact numbers (< 2^53); times are ISO 8601 UTC strings.
 */
import type { KernelVariant } from '../../engine/host/types.js';
import type { HostJson } from '../../engine/format/host-json.js';

export type RunKind = 'plan' | 'simulate' | 'sweep';
export const RUN_KINDS: readonly RunKind[] = ['plan', 'simulate', 'sweep'];
export type RunStatus = 'ok' | 'failed';
export type HostOrigin = 'recorded' | 'planned';

export interface SessionInfo {
  id: number;
  name: string;
  description: string | null;
  createdAt: string;
  runCount: number;
  hostCount: number;
  noteCount: number;
  /** Time of the newest run, or null. */
  lastRunAt: string | null;
}

export interface HostInput {
  host: HostJson;
  origin?: HostOrigin;
  /** Where the host came from: file, command, machine... (any JSON object). */
  provenance?: Record<string, unknown>;
  createdAt?: string;
}

export interface HostRecord {
  id: number;
  sessionId: number;
  name: string;
  origin: HostOrigin;
  provenance: Record<string, unknown>;
  host: HostJson;
  /** sha256 of the canonical host JSON: same host, same digest. */
  digest: string;
  createdAt: string;
}

/** One TDMR of a run, as the kernel built it (PAMT fields null when the run failed before PAMT setup). */
export interface StoredTdmr {
  base: number;
  size: number;
  pamtNid: number | null;
  pamt: { base: number; size4k: number; size2m: number; size1g: number } | null;
  reserved: { offset: number; size: number; kind?: 'hole' | 'pamt' }[];
}

/** Per-node figures a run's summary carries (from engine/format/plan-summary.ts). */
export interface NodeFigures {
  nid: number;
  tdxBytes: number;
  pamtBytes: number;
}

/** Summary columns' JSON part: free-form, but `nodes` is what diff reads. */
export interface RunSummary {
  nodes?: NodeFigures[];
  [key: string]: unknown;
}

export interface RunInput {
  kind: RunKind;
  hostId?: number | null;
  kernelVariant: KernelVariant;
  status: RunStatus;
  /** Defaults to the running ENGINE_VERSION. */
  engineVersion?: string;
  label?: string | null;
  stage?: string | null;
  errno?: string | null;
  tdxBytes?: number | null;
  pamtKb?: number | null;
  tdmrs?: StoredTdmr[];
  summary?: RunSummary | null;
  /** Anything JSON-serializable: the golden RESULT, an InitResult, sweep rows... */
  payload?: unknown;
  createdAt?: string;
}

export interface RunRecord {
  id: number;
  sessionId: number;
  hostId: number | null;
  hostName: string | null;
  kind: RunKind;
  engineVersion: string;
  kernelVariant: string;
  status: RunStatus;
  label: string | null;
  stage: string | null;
  errno: string | null;
  tdmrCount: number | null;
  tdxBytes: number | null;
  pamtKb: number | null;
  eventCount: number;
  summary: RunSummary | null;
  createdAt: string;
}

export interface RunWithPayload extends RunRecord {
  payload: unknown;
}

/** One timeline event to write; seq is assigned 0, 1, 2... in the order given unless set. */
export interface EventInput {
  seq?: number;
  /** Time within the run (the emitter's unit, e.g. emulated µs); windows select on it. */
  t: number;
  /** 'hotplug', 'seamcall', 'log', ... */
  kind: string;
  /** The physical range the event touches, [addrStart, addrEnd); omit both for none. */
  addrStart?: number | null;
  addrEnd?: number | null;
  payload?: unknown;
}

export interface EventRecord {
  seq: number;
  t: number;
  kind: string;
  addrStart: number | null;
  addrEnd: number | null;
  payload: unknown;
}

export interface NoteInput {
  text: string;
  runId?: number | null;
  eventSeq?: number | null;
  addrStart?: number | null;
  addrEnd?: number | null;
  createdAt?: string;
}

export interface NoteRecord {
  id: number;
  sessionId: number;
  runId: number | null;
  eventSeq: number | null;
  addrStart: number | null;
  addrEnd: number | null;
  text: string;
  createdAt: string;
}

export interface SessionDetail extends SessionInfo {
  hosts: HostRecord[];
  runs: RunRecord[];
  notes: NoteRecord[];
}
