/**
 * The Outcome: everything the lab tells about one host, scenario or
 * recorded host, computed once here and rendered by every face (CLI text
 * and JSON, the app, HTML/SVG/PNG/PDF/Markdown reports). Plain data
 * (numbers, strings, arrays): it crosses threads, IPC and HTTP, and is kept
 * with stored runs. Addresses are exact numbers (< 2^53).
 */
import type { Host, KernelVariant } from '../host/types.js';
import type { Plan } from '../kernel/construct.js';
import type { LogLevel } from '../kernel/log.js';
import type { ReservedArea } from '../kernel/reserved.js';
import type { InitResult } from '../flow/init.js';
import type { SeamcallRecord } from '../flow/seamcall.js';
import type { ScenarioResult } from '../scenario/run.js';
import type { BlockState } from '../hotplug/blocks.js';
import type { ObservedBoot } from '../import/observed.js';
import type { BootCheck } from '../import/compare.js';
import type { Change } from './trials.js';
import type { HostFact } from '../import/host-facts.js';
import type { Readiness } from '../readiness/checklist.js';

export type { HostFact, FactBasis } from '../import/host-facts.js';
export type { Readiness, ReadinessCheck, CheckStatus } from '../readiness/checklist.js';

export const OUTCOME_SCHEMA = 1;

export type Severity = 'error' | 'warning' | 'info';
/** How a face colours the verdict: error (TDX does not initialize), warning (it does, with a warning finding), ok. */
export type Level = 'ok' | 'warning' | 'error';

/** The finding rules (engine/outcome/findings/): one id per rule, stable across versions. */
export const FINDING_IDS = [
  'memory-outside-cmrs',
  'pamt-outside-cmrs',
  'reserved-areas-exhausted',
  'too-many-tdmrs',
  'pamt-alloc-failed',
  'blocks-refused',
  'module-too-old',
  'no-rbp-mod',
  'module-not-loaded',
  'tdx-not-enabled',
  'cpus-offline-at-init',
  'precondition-failed',
  'refcount-alloc-failed',
  'dpamt-rejected',
  'seamcall-failed',
  'entropy-retried',
  'pamt-remote-node',
  'non-convertible-reserved',
  'reserved-areas-near-limit',
  'tdmrs-near-limit',
  'event-failed',
  'other-kernel-differs',
  'recorded-disagrees',
] as const;
export type FindingId = (typeof FINDING_IDS)[number];

/** A piece of evidence a finding rests on. Faces render it with engine/outcome/text.ts. */
export type Evidence =
  | {
      kind: 'range';
      label: string;
      start: number;
      end: number;
      /** Map shape it points at, e.g. `tdmr-3`. */ ref?: string;
    }
  | {
      kind: 'seamcall';
      /** Index into the outcome's SEAMCALL list (outcomeSeamcalls). */
      index: number;
      name: string;
      status: string;
      statusName: string;
      detail?: string;
      ref?: string;
    }
  | { kind: 'log'; /** Index into the outcome's log (outcomeLog). */ index: number; line: string; ref?: string }
  | { kind: 'fact'; label: string; value: string; ref?: string };

/** One emulator run with a change applied, as a fix quotes it. */
export interface Trial {
  /** What was changed, in words: "kernel profile cmr-holes", "cxl0 onlined into ZONE_MOVABLE". */
  change: string;
  /** The exact changes emulated (engine/outcome/trials.ts), so anyone can re-run the trial. */
  changes: Change[];
  kernel: KernelVariant;
  ok: boolean;
  /** The run's verdict headline. */
  headline: string;
  statusName: string | null;
  stage: string | null;
  pamtKb: number | null;
  refusedBlocks: number;
  /** What the run shows, one sentence a fix quotes. */
  shows: string;
  /** What the emulated kernel printed about it: the failure lines, or the PAMT line on success. */
  printed: string[];
}

export type FixKind = 'kernel' | 'bios' | 'boot-parameter' | 'cxl-policy' | 'module' | 'platform' | 'operation';

export interface Fix {
  kind: FixKind;
  /** The real thing, named: "Ubuntu 6.8.0-1006-intel or later", "memmap=0x9e000$0x100000", "ZONE_MOVABLE". */
  name: string;
  /** What to do, in a platform engineer's words. */
  how: string;
  /** The emulator run with the fix applied, when it could be emulated. */
  trial?: Trial;
  /** Whether that run shows the fix removes the problem (not merely that TDX initializes). */
  helps?: boolean;
  /** Why it was not emulated, when it was not. */
  notTried?: string;
}

export interface Finding {
  id: FindingId;
  severity: Severity;
  title: string;
  /** The cause in a platform engineer's words. */
  cause: string;
  evidence: Evidence[];
  /** Changes that would change the outcome (each with its trial where one could run). */
  fixes: Fix[];
  /** Changes people reach for that the emulator tried and found do not help (each quotes its trial). */
  ruledOut?: Fix[];
}

/** The TDMR a failure names: by the kernel (its index) or by the module (status bits). */
export interface FailedTdmr {
  index: number;
  base: number;
  end: number;
  by: 'kernel' | 'module';
  /** "reserved areas exhausted", "TDX_PAMT_OUTSIDE_CMRS (PAMT 1G)". */
  reason: string;
  /** The module status's name and the PAMT page size its detail names, when the module rejected it. */
  statusName?: string;
  pageSize?: string;
  /** Its PAMT, when the kernel allocated one. */
  pamt?: { base: number; end: number; wantedNid: number; placedNid: number };
}

export interface Verdict {
  /** TDX initialized (a host: init succeeded; a scenario: the module ends initialized). */
  ok: boolean;
  level: Level;
  /** One line: the whole answer. */
  headline: string;
  /** Where init stopped, null on success: boot, cpu-enable, metadata, features, tdmrs, pamt, reserved, config, key-config, tdmr-init. */
  stage: string | null;
  /** The stage in words: "configuring the module (TDH.SYS.CONFIG)". */
  stageText: string | null;
  errno: string | null;
  errnoValue: number | null;
  /** The failing SEAMCALL's leaf, status (0x%016llx), name and decoded detail. */
  seamcall: string | null;
  status: string | null;
  statusName: string | null;
  statusDetail: string | null;
  /** The kernel's lines about the failure, as printed. */
  kernelMessages: string[];
  failedTdmr: FailedTdmr | null;
  /** No init was attempted (a scenario without an init event, or a recorded boot that never initialized). */
  noInit: boolean;
  /**
   * emulated: the emulator's run; observed: what a recorded host printed (no memory
   * layout to emulate). Absent in Outcomes stored before it existed: emulated.
   */
  basis?: 'emulated' | 'observed';
}

/** A run of memory blocks in one state, with where the memory came from. */
export interface MemoryBlockRun {
  start: number;
  end: number;
  state: BlockState;
  /** boot: present at boot; device: a hot-added device (CXL, NVDIMM, DIMM). */
  origin: 'boot' | 'device';
  device?: string;
  /** Why the blocks are in that state. */
  reason: string;
}

/** When reserved areas ran out: what the failed TDMR needs (the same plan without the limit). */
export interface ReservedNeed {
  tdmr: number;
  base: number;
  end: number;
  limit: number;
  areas: ReservedArea[];
}

export interface NodePamt {
  nid: number;
  tdxBytes: number;
  pamtBytes: number;
  pamtPercent: number;
}

export interface PamtFigures {
  /** What the kernel prints as "N KB allocated for PAMT" (null when it printed nothing). */
  printedKb: number | null;
  /** The PAMT the plan allocates (also when init fails later and frees it again). */
  bytes: number;
  kb: number;
  percent: number;
  tdxBytes: number;
  /** true: allocated and kept (init succeeded); false: the kernel frees it again or never allocated it. */
  kept: boolean;
  nodes: NodePamt[];
}

/** One emulator run an analysis needed, for provenance and for counting the work. */
export interface EmulatorRunInfo {
  purpose: string;
  kernel: KernelVariant;
  /** planTdmrs calls the run made. */
  plans: number;
}

/** What the subject is. */
export interface Subject {
  kind: 'host' | 'scenario' | 'recorded';
  name: string;
  description?: string;
  kernel: KernelVariant;
  /** Why this kernel (a recorded boot's release, --kernel, the scenario's `kernel`). */
  kernelReason?: string;
}

/** A check of what a recorded host printed against what the emulator predicts. */
export type CheckVerdict = 'agree' | 'disagree' | 'cannot-check';

/** The printed items a boot is checked on (issue 14: recorded hosts as evidence). */
export type EvidenceItemId =
  | 'outcome'
  | 'pamt'
  | 'tdmr-count'
  | 'failure'
  | 'failed-tdmr'
  | 'errno'
  | 'seamcall'
  | 'metadata-field'
  | 'module-version'
  | 'keyids'
  | 'acpi-s3';

/** One thing a boot printed, beside what the emulator predicts for the layout that could be built. */
export interface EvidenceItem {
  id: EvidenceItemId;
  label: string;
  /** What the kernel printed, in its words (or that it printed nothing about it). */
  printed: string;
  /** What the emulator predicts (or why it predicts nothing). */
  predicted: string;
  verdict: CheckVerdict;
  /** Why: where they differ, or the concrete reason nothing could be compared. */
  reason: string;
  /** The assumed facts the prediction rests on, each as "label: value (assumed: why)". */
  assumed: string[];
}

/** A module status as the engine's tables name and explain it. */
export interface DecodedStatus {
  leaf: string;
  leafName: string;
  status: string;
  name: string;
  meaning: string;
}

/** A TDH.SYS.RD metadata field id, taken apart. */
export interface DecodedField {
  id: string;
  /** The field's name in the kernel and the module ABI (MAX_TDMRS), or null when the lab does not know it. */
  name: string | null;
  meaning: string;
  /** Its bits: class code 61:56, element size code 33:32 (bytes), field code 31:0. */
  classCode: number;
  elementBytes: number;
  fieldCode: number;
}

/** What a failed (or never initialized) boot's lines mean, from the engine's tables. */
export interface DecodedFailure {
  /** The failure as printed. */
  printed: string;
  /** Where init stopped (a stage of verdict.ts), when the printed line says. */
  stage: string | null;
  stageText: string | null;
  /** What it means, in a platform engineer's words. */
  meaning: string;
  errno: { value: number; name: string } | null;
  statuses: DecodedStatus[];
  field: DecodedField | null;
  /** Kernels that would not fail this way, from the profile table (e.g. CMR-holes for reserved areas exhausted). */
  fixedBy: { profile: KernelVariant; releases: string; install: string; why: string }[];
  /** What to change, in order. */
  fixes: string[];
}

/** One observed boot: what it printed beside what the emulator predicts, item by item. */
export interface BootEvidence {
  source: string;
  kernel: string | null;
  variant: KernelVariant;
  /** Why this kernel profile: from the boot's own release through the profile table, or a guess. */
  variantReason: string;
  variantBasis: 'observed' | 'assumed';
  /** The boot's outcome as printed, in words. */
  printedOutcome: string;
  /** The boot's TDX lines as printed ("file:line: text"). */
  printedLines: string[];
  verdict: CheckVerdict;
  reason: string;
  items: EvidenceItem[];
  /** Every assumed fact the items' predictions rest on (the union of the items' `assumed`). */
  assumed: string[];
  decoded: DecodedFailure | null;
}

/** An artifact that would let the lab check what the log alone cannot. */
export interface ArtifactNeed {
  artifact: string;
  /** How to capture it. */
  command: string;
  why: string;
}

/** What a recorded host printed, beside the emulator (issue 14: recorded hosts as evidence). */
export interface RecordedEvidence {
  boots: { observed: ObservedBoot; check: BootCheck | null; why?: string; evidence: BootEvidence }[];
  assumptions: string[];
  layoutMissing?: string;
  /** The host's facts, each observed (and where) or assumed (and why). */
  facts: HostFact[];
  /** Over every boot: disagree if one disagrees, agree if one agrees, else cannot check. */
  verdict: CheckVerdict;
  reason: string;
  /** The TDX readiness checklist from the facts there are (engine/readiness). */
  readiness: Readiness;
  /** Artifacts that would let the lab check more. */
  needs: ArtifactNeed[];
}

export interface Outcome {
  schema: typeof OUTCOME_SCHEMA;
  engineVersion: string;
  subject: Subject;
  /** The host as the kernel saw it at init (a scenario: boot memory plus what was hot-added before init). */
  host: Host;
  /** The kernel's TDMR plan; null when init stopped before the kernel built TDMRs. */
  plan: Plan | null;
  /** A host's init flow without its log and SEAMCALLs (those are `log`/`seamcalls`); null for scenarios. */
  init: Omit<InitResult, 'log' | 'logLevels' | 'seamcalls' | 'plan' | 'memlist'> | null;
  /** A host's kernel log and SEAMCALLs (a scenario's live in its events: use outcomeLog / outcomeSeamcalls). */
  log: string[];
  /**
   * The printk level of each line of `log` (same length): faces label the
   * lines a default dmesg never shows (pr_debug) from it. Absent in Outcomes
   * stored before levels were kept; a face then cannot tell and labels none.
   */
  logLevels?: LogLevel[];
  seamcalls: SeamcallRecord[];
  scenario: ScenarioResult | null;
  verdict: Verdict;
  memoryBlocks: MemoryBlockRun[];
  reservedNeed: ReservedNeed | null;
  pamt: PamtFigures;
  findings: Finding[];
  runs: EmulatorRunInfo[];
  recorded?: RecordedEvidence;
}
