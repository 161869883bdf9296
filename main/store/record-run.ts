/**
 * One call for every command that wants its run in the notebook
 * (`plan --session`, simulate, sweep): find or create the session, find or add
 * the host, and write the run with its TDMR table, summary and events in one
 * transaction.
 */
import { hostToJson } from '../../engine/format/host-json.js';
import { planToResultJson } from '../../engine/format/result-json.js';
import { summarizePlan } from '../../engine/format/plan-summary.js';
import type { Host, KernelVariant } from '../../engine/host/types.js';
import type { Plan } from '../../engine/kernel/construct.js';
import type { LabStore } from './lab-store.js';
import type { EventInput, HostOrigin, RunKind, RunRecord, RunStatus, RunSummary, StoredTdmr } from './types.js';
import type { Outcome } from '../../engine/outcome/types.js';
import { STORED_RUN_FORMAT, type StoredRunPayload } from './stored-outcome.js';

export interface RecordRunInput {
  kind: RunKind;
  host: Host;
  variant: KernelVariant;
  /** The kernel plan: gives the TDMR table, PAMT per node and (unless `status` is set) the status. */
  plan?: Plan;
  /** Overall outcome when it is not the plan's (e.g. simulate: the module's TDH.SYS.CONFIG failed). */
  status?: RunStatus;
  stage?: string | null;
  errno?: string | null;
  label?: string | null;
  hostOrigin?: HostOrigin;
  /** Where the host came from, e.g. { file: 'hosts/a.json', command: 'plan' }. */
  provenance?: Record<string, unknown>;
  /** Stored compressed; default for a plan: the golden RESULT document. */
  payload?: unknown;
  /** Extra summary fields, merged over the plan's summary. */
  summary?: RunSummary;
  events?: Iterable<EventInput>;
  /**
   * The analysis (engine/outcome): kept with the run, so opening or reporting
   * it later shows what was recorded. Gives the plan, status, stage and errno
   * unless they are set.
   */
  outcome?: Outcome;
  /** A simulate run's scenario document, so the run can replay its own timeline. */
  scenarioJson?: unknown;
}

export interface RecordedRun {
  sessionId: number;
  hostId: number;
  run: RunRecord;
}

/** The plan's TDMR table in store form (failed plans keep the TDMRs built so far, without PAMTs). */
export function tdmrsOfPlan(plan: Plan): StoredTdmr[] {
  if (!plan.ok) return plan.tdmrs.map((t) => ({ base: t.base, size: t.size, pamtNid: null, pamt: null, reserved: [] }));
  return plan.tdmrs.map((t) => ({
    base: t.base,
    size: t.size,
    pamtNid: t.pamtNid,
    pamt: { base: t.pamt.base, size4k: t.pamt.size4k, size2m: t.pamt.size2m, size1g: t.pamt.size1g },
    reserved: t.reserved.map((r) => ({ offset: r.offset, size: r.size, kind: r.kind })),
  }));
}

/** Status, stage, errno and plan from the Outcome; the payload keeps the Outcome itself. */
function fromOutcome(input: RecordRunInput, o: Outcome): RecordRunInput {
  const v = o.verdict;
  const payload: StoredRunPayload = { format: STORED_RUN_FORMAT, outcome: o };
  if (input.payload !== undefined) payload.result = input.payload;
  else if (o.plan) payload.result = planToResultJson(o.plan);
  if (input.scenarioJson !== undefined) payload.scenario = input.scenarioJson;
  // A recorded host's run keeps its check verdict in the summary, so run lists show it without the payload.
  const summary: RunSummary | undefined = o.recorded
    ? { ...input.summary, check: { verdict: o.recorded.verdict, reason: o.recorded.reason } }
    : input.summary;
  return {
    ...input,
    ...(summary && { summary }),
    plan: input.plan ?? o.plan ?? undefined,
    status: input.status ?? (v.ok || v.noInit ? 'ok' : 'failed'),
    stage: input.stage !== undefined ? input.stage : v.ok ? null : v.stage,
    errno: input.errno !== undefined ? input.errno : v.ok ? null : v.errno,
    payload,
  };
}

/** Records one run in session `sessionName` (created if missing). */
export function recordRun(store: LabStore, sessionName: string, input: RecordRunInput): RecordedRun {
  return store.transaction(() => recordRunTx(store, sessionName, input));
}

function recordRunTx(store: LabStore, sessionName: string, given: RecordRunInput): RecordedRun {
  const input = given.outcome ? fromOutcome(given, given.outcome) : given;
  const session = store.ensureSession(sessionName);
  const host = store.findOrAddHost(session.id, {
    host: hostToJson(input.host),
    origin: input.hostOrigin ?? 'planned',
    provenance: input.provenance ?? {},
  });
  const plan = input.plan;
  const s = plan ? summarizePlan(input.host, plan) : undefined;
  const summary: RunSummary | null =
    s || input.summary
      ? {
          ...(s && {
            tdmrCount: s.tdmrCount,
            maxTdmrs: s.maxTdmrs,
            maxReservedPerTdmr: s.maxReservedPerTdmr,
            maxReservedUsed: s.maxReservedUsed,
            pamtBytes: s.pamtBytes,
            pamtPercent: s.pamtPercent,
            nodes: s.nodes.map((x) => ({ nid: x.nid, tdxBytes: x.tdxBytes, pamtBytes: x.pamtBytes })),
            ...(s.failure !== undefined && { failure: s.failure }),
          }),
          ...input.summary,
        }
      : null;
  const run = store.addRun(
    session.id,
    {
      kind: input.kind,
      hostId: host.id,
      kernelVariant: input.variant,
      status: input.status ?? (plan ? (plan.ok ? 'ok' : 'failed') : 'ok'),
      label: input.label ?? null,
      stage: input.stage !== undefined ? input.stage : plan && !plan.ok ? plan.stage : null,
      errno: input.errno !== undefined ? input.errno : plan && !plan.ok ? plan.errno : null,
      tdxBytes: s ? s.tdxBytes : null,
      pamtKb: plan && plan.ok ? plan.pamtKb : null,
      tdmrs: plan ? tdmrsOfPlan(plan) : undefined,
      summary,
      payload: input.payload !== undefined ? input.payload : plan ? planToResultJson(plan) : undefined,
    },
    input.events,
  );
  return { sessionId: session.id, hostId: host.id, run };
}
