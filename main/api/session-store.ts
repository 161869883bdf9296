/**
 * Sessions and runs for the app, read from the one lab store the services
 * own (the SQLite notebook the CLI writes). Store ids are numbers; the
 * contract carries them as strings so either transport passes them unchanged.
 * A run opens as it was recorded: its stored Outcome, never a re-plan.
 */
import type { KernelVariant } from '../../engine/host/types.js';
import { KERNEL_VARIANTS } from '../../engine/host/types.js';
import { ApiError, type RunDetail, type RunInfo, type SessionInfo } from '../common/api-contract.js';
import type { AsyncLabStore } from '../store/worker/open-store.js';
import type { RunRecord, RunWithPayload } from '../store/types.js';
import { InputError } from '../node/input-file.js';
import { StoreError } from '../store/errors.js';
import { isStoredRunPayload } from '../store/stored-outcome.js';

/** A session is named by its number or its name (as on the CLI). */
export function sessionRef(id: string): number | string {
  return /^\d+$/.test(id) ? Number(id) : id;
}

export function runNumber(id: string, method = 'getRun', field = 'id'): number {
  if (!/^\d+$/.test(id))
    throw new ApiError('bad-arguments', `${method}: argument $.${field}: ${JSON.stringify(id)} is not a run number`);
  return Number(id);
}

function runInfo(r: RunRecord): RunInfo {
  const name = r.label ?? `${r.kind} ${r.hostName ?? ''}`.trim();
  return {
    id: String(r.id),
    sessionId: String(r.sessionId),
    name,
    kind: r.kind,
    status: r.status,
    hostName: r.hostName,
    createdAt: r.createdAt,
    check: checkOf(r),
  };
}

/** The check verdict record-run kept in a recorded host's run summary (main/store/record-run.ts), if it is one. */
function checkOf(r: RunRecord): RunInfo['check'] {
  const c = r.summary?.check as { verdict?: unknown; reason?: unknown } | undefined;
  if (!c || typeof c.reason !== 'string') return null;
  return c.verdict === 'agree' || c.verdict === 'disagree' || c.verdict === 'cannot-check'
    ? { verdict: c.verdict, reason: c.reason }
    : null;
}

/** Store errors already read well; the store's own code says whether something was missing. */
export async function guard<T>(fn: () => T | Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof StoreError) throw new ApiError(e.code === 'not-found' ? 'not-found' : 'bad-input', e.message);
    if (e instanceof InputError) throw new ApiError('bad-input', e.message);
    throw e;
  }
}

export const sessionInfo = (s: { id: number; name: string; createdAt: string; runCount: number }): SessionInfo => ({
  id: String(s.id),
  name: s.name,
  createdAt: s.createdAt,
  runCount: s.runCount,
});

export function listSessions(store: AsyncLabStore): Promise<SessionInfo[]> {
  return guard(async () => (await store.listSessions()).map(sessionInfo));
}

export function getSession(store: AsyncLabStore, id: string): Promise<SessionInfo> {
  return guard(async () => {
    const s = await store.getSession(sessionRef(id));
    if (!s) throw new ApiError('not-found', `no session ${JSON.stringify(id)} in ${store.path}`);
    return sessionInfo(s);
  });
}

export function listRuns(store: AsyncLabStore, sessionId: string): Promise<RunInfo[]> {
  return guard(async () => (await store.listRuns(sessionRef(sessionId))).map(runInfo));
}

/** The stored run and its host, as the report and the app both need them. */
export function loadRun(store: AsyncLabStore, id: string): Promise<{ run: RunWithPayload; hostJson: string | null }> {
  return guard(async () => {
    const r = await store.getRun(runNumber(id));
    if (!r) throw new ApiError('not-found', `no run ${id} in ${store.path}`);
    const host = r.hostId !== null ? await store.getHost(r.hostId) : null;
    return { run: r, hostJson: host ? JSON.stringify(host.host) : null };
  });
}

/** A run's detail; `outcome` is the recorded one, or null with the reason (the caller may re-analyse plan runs). */
export function runDetail(run: RunWithPayload, hostJson: string | null): RunDetail {
  const variant: KernelVariant = (KERNEL_VARIANTS as readonly string[]).includes(run.kernelVariant)
    ? (run.kernelVariant as KernelVariant)
    : 'upstream';
  const stored = isStoredRunPayload(run.payload) ? run.payload : null;
  return {
    ...runInfo(run),
    variant,
    hostJson,
    outcome: stored?.outcome ?? null,
    outcomeNote: stored ? null : `recorded by tdx-lab ${run.engineVersion} before runs kept their outcome`,
    scenarioJson: stored?.scenario !== undefined ? JSON.stringify(stored.scenario) : null,
  };
}
