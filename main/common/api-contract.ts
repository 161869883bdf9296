/**
 * The one API contract between the app's UI and its Node side. The preload
 * bridge (Electron IPC), the serve bridge (HTTP + WebSocket) and main/api
 * all derive from this file, so one change reaches every transport.
 *
 * Browser-safe: no node:* or electron imports (the renderer bundles it).
 * Every method takes ONE plain object argument, validated with the zod
 * schema below wherever it crosses a process or network boundary.
 */
import { z } from 'zod';
import type { KernelVariant } from '../../engine/host/types.js';
import type { Outcome } from '../../engine/outcome/types.js';
import type { ShapeLinks } from '../../engine/outcome/links.js';
import { variantSchema } from './kernel-schema.js';
import { PLANNING_ARGS, type PlanningResults } from './planning-contract.js';
import { REPORT_ARGS, type ReportResults } from './report-contract.js';
import { SESSION_ARGS, type SessionResults } from './session-contract.js';
import { EDITOR_ARGS, type EditorResults } from './editor-contract.js';
import { DOCUMENT_ARGS, type DocumentResults } from './document-contract.js';

export const CONTRACT_VERSION = 2;

const variant = variantSchema;
/** Host files are passed as text: the UI reads a dropped or chosen file and never needs a path. */
const jsonText = z
  .string()
  .min(1, 'must not be empty')
  .max(512 * 1024 * 1024, 'is larger than 512 MiB');
const name = z.string().min(1, 'must not be empty').max(200, 'is longer than 200 characters');
const id = z.string().min(1, 'must not be empty').max(200, 'is longer than 200 characters');

/** Argument schema of every method; the keys are the method names. */
export const API_ARGS = {
  /**
   * Analyse a document given as text: a host (canonical HOST or a golden case),
   * a scenario or a recorded host. Parsing, validation and the emulator all run
   * in the engine pool; the answer is the Outcome every face renders.
   */
  analyze: z.strictObject({
    text: jsonText,
    variant,
    source: z.string().max(500).optional(),
    /** false: a recorded host runs its chosen boot's own kernel (from its release), not `variant`. Default true. */
    kernelGiven: z.boolean().optional(),
  }),
  /** Build a host from recorded artifacts (dmesg, /proc/iomem, lsmem, numactl, e820, cxl list) given as text. */
  importArtifacts: z.strictObject({
    files: z
      .array(
        z.strictObject({
          name: z.string().min(1, 'must not be empty').max(500),
          text: z.string().max(256 * 1024 * 1024, 'is larger than 256 MiB'),
        }),
      )
      .min(1, 'must list at least one file')
      .max(32, 'lists more than 32 files'),
    name: z.string().min(1).max(200).optional(),
  }),
  listSamples: z.strictObject({}),
  loadSample: z.strictObject({ name }),
  /** Engine version and which optional back-ends (pool, store, scenarios) are present. */
  getInfo: z.strictObject({}),
  listSessions: z.strictObject({}),
  getSession: z.strictObject({ id }),
  listRuns: z.strictObject({ sessionId: id }),
  getRun: z.strictObject({ id }),
  /** Sweeps and scenarios for the planning views (planning-contract.ts). */
  ...PLANNING_ARGS,
  /** The visual report of the open host (report-contract.ts). */
  ...REPORT_ARGS,
  /** The Sessions tab: rename, delete and undo, notes, diffs (session-contract.ts). */
  ...SESSION_ARGS,
  /** The host editor's raw table: pasted /proc/iomem lines (editor-contract.ts). */
  ...EDITOR_ARGS,
  /** The map view's documents: opened off the UI thread, read back by window, page and query (document-contract.ts). */
  ...DOCUMENT_ARGS,
} as const;

export type ApiMethod = keyof typeof API_ARGS;
export const API_METHODS = Object.keys(API_ARGS) as ApiMethod[];
export type ApiArgs<M extends ApiMethod> = z.input<(typeof API_ARGS)[M]>;

export interface AnalysisResult {
  outcome: Outcome;
  engineVersion: string;
  /**
   * Log and SEAMCALL rows to shapes (engine/outcome/links.ts), computed on
   * the Node side so no emulator code runs on the UI thread. Absent for a
   * stored run shown as recorded.
   */
  links?: ShapeLinks;
}

export interface ImportedHost {
  /** The recorded host document built from the artifacts (its layout, when they had one, and what each boot printed), ready for analyze. */
  hostJson: string;
  hostName: string;
  /** What the importer had to assume (module limits, CMRs, …). */
  assumptions: string[];
  /** Why there is no memory layout (a dmesg alone): the analysis is then what the host printed. */
  layoutMissing?: string;
}

export interface SampleInfo {
  name: string;
  description: string;
}

export interface SampleText {
  name: string;
  hostJson: string;
}

export interface AppInfo {
  engineVersion: string;
  contractVersion: number;
  workerPool: boolean;
  store: boolean;
  variants: KernelVariant[];
  /** The largest document the app opens (document-contract.ts MAX_DOCUMENT_BYTES). */
  maxDocumentBytes: number;
}

export interface SessionInfo {
  id: string;
  name: string;
  createdAt: string;
  runCount: number;
}

export interface RunInfo {
  id: string;
  sessionId: string;
  name: string;
  kind: string;
  status: string;
  hostName: string | null;
  createdAt: string;
  /** A recorded host's run: its check of what the host printed against the emulator, as recorded with the run. */
  check: { verdict: 'agree' | 'disagree' | 'cannot-check'; reason: string } | null;
}

/** A stored run: what was recorded, to show it as it was (never a re-plan of its boot host). */
export interface RunDetail extends RunInfo {
  variant: KernelVariant;
  hostJson: string | null;
  /** The Outcome the run was recorded with (re-analysed from the stored host for plan runs that predate it). */
  outcome: Outcome | null;
  /** Why there is no outcome, or that it was re-analysed. */
  outcomeNote: string | null;
  /** A simulate run's scenario document, to replay its timeline. */
  scenarioJson: string | null;
}

export interface ApiResults extends PlanningResults, ReportResults, SessionResults, EditorResults, DocumentResults {
  analyze: AnalysisResult;
  importArtifacts: ImportedHost;
  listSamples: SampleInfo[];
  loadSample: SampleText;
  getInfo: AppInfo;
  listSessions: SessionInfo[];
  getSession: SessionInfo;
  listRuns: RunInfo[];
  getRun: RunDetail;
}

/** Progress of a long call, pushed on the event channel. */
export interface ProgressEvent {
  method: ApiMethod;
  /** The caller's id for a long call it may cancel (runSweep). */
  requestId?: string;
  /** Short phase name, e.g. "validate", "plan", "init", "done". */
  phase: string;
  message: string;
  done: number;
  total: number;
}

/** The object the renderer sees as `window.tdxLab`, whatever the transport. */
export type TdxLabApi = {
  [M in ApiMethod]: (args: ApiArgs<M>) => Promise<ApiResults[M]>;
} & {
  /** Subscribes to progress events; returns the unsubscribe function. */
  onProgress(listener: (e: ProgressEvent) => void): () => void;
  /** Application-menu commands (Electron only; the HTTP bridge never calls it). */
  onMenu(listener: (c: MenuCommand) => void): () => void;
  /** Which transport this is, for the status bar. */
  readonly transport: 'electron' | 'http';
};

/** What every transport carries back: a value, or an error message meant for people. */
export type ApiEnvelope<T> = { ok: true; value: T } | { ok: false; error: { code: ApiErrorCode; message: string } };
export type ApiErrorCode = 'bad-arguments' | 'bad-input' | 'not-found' | 'unavailable' | 'internal';

/** An API failure with a message meant for people (no stack traces cross the boundary). */
export class ApiError extends Error {
  constructor(
    readonly code: ApiErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** `$.a[0].b` from a zod issue path. */
function issuePath(path: readonly PropertyKey[]): string {
  let s = '$';
  for (const p of path) s += typeof p === 'number' ? `[${p}]` : `.${String(p)}`;
  return s;
}

/**
 * Validates a method name and its argument; throws ApiError('bad-arguments')
 * naming the method, the JSON path and the problem.
 */
export function validateCall<M extends ApiMethod>(
  method: unknown,
  args: unknown,
): { method: M; args: z.output<(typeof API_ARGS)[M]> } {
  if (typeof method !== 'string' || !Object.hasOwn(API_ARGS, method)) {
    throw new ApiError(
      'bad-arguments',
      `unknown API method ${JSON.stringify(method)}; known: ${API_METHODS.join(', ')}`,
    );
  }
  const schema = API_ARGS[method as M];
  const r = schema.safeParse(args);
  if (!r.success) {
    const i = r.error.issues[0];
    const more = r.error.issues.length > 1 ? ` (and ${r.error.issues.length - 1} more)` : '';
    // zod 4 leaves `input` out of its issues: look the value up to tell "missing" from "wrong".
    const given = i.path.reduce<unknown>(
      (v, k) => (v !== null && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[k] : undefined),
      args,
    );
    const msg = i.code === 'invalid_type' && given === undefined ? `missing (expected ${i.expected})` : i.message;
    throw new ApiError('bad-arguments', `${method}: argument ${issuePath(i.path)}: ${msg}${more}`);
  }
  return { method: method as M, args: r.data as z.output<(typeof API_ARGS)[M]> };
}

/** Turns an envelope back into a value or a thrown ApiError (used by both bridges). */
export function unwrapEnvelope<T>(e: ApiEnvelope<T>): T {
  if (e.ok) return e.value;
  throw new ApiError(e.error.code, e.error.message);
}

/** IPC channel names (Electron) and URL paths (serve). */
export const IPC_INVOKE = 'tdx-lab:invoke';
export const IPC_PROGRESS = 'tdx-lab:progress';
export const IPC_MENU = 'tdx-lab:menu';
export const HTTP_API_PREFIX = '/api/';
export const WS_EVENTS_PATH = '/events';
export const TOKEN_HEADER = 'x-tdx-lab-token';

/** Menu commands main sends to the renderer (Electron only; the file is read in main, its text sent). */
export type MenuCommand =
  | { kind: 'open-host'; name: string; hostJson: string }
  | { kind: 'import-artifacts'; files: { name: string; text: string }[] }
  | { kind: 'export-report' }
  | { kind: 'open-sessions' }
  | { kind: 'open-session'; id: string };
