/**
 * Sessions and runs for the app, read from the lab store (main/store, the
 * SQLite notebook the CLI writes). Store ids are numbers; the contract
 * carries them as strings so either transport passes them unchanged.
 */
import type { KernelVariant } from '../../engine/host/types.js';
import { KERNEL_VARIANTS } from '../../engine/host/types.js';
import { ApiError, type RunDetail, type RunInfo, type SessionInfo } from '../common/api-contract.js';
import { openLabStore, type LabStore } from '../store/lab-store.js';
import type { RunRecord } from '../store/types.js';
import { InputError } from '../node/input-file.js';
import { StoreError } from '../store/errors.js';

export interface SessionStore {
  listSessions(): SessionInfo[];
  getSession(id: string): SessionInfo;
  listRuns(sessionId: string): RunInfo[];
  getRun(id: string): RunDetail;
  close(): void;
}

/** A session is named by its number or its name (as on the CLI). */
function sessionRef(id: string): number | string {
  return /^\d+$/.test(id) ? Number(id) : id;
}

function runNumber(id: string): number {
  if (!/^\d+$/.test(id))
    throw new ApiError('bad-arguments', `getRun: argument $.id: ${JSON.stringify(id)} is not a run number`);
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
  };
}

/** Store errors already read well; the store's own code says whether something was missing. */
function guard<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof StoreError) throw new ApiError(e.code === 'not-found' ? 'not-found' : 'bad-input', e.message);
    if (e instanceof InputError) throw new ApiError('bad-input', e.message);
    throw e;
  }
}

export async function openSessionStore(path: string, options: { createDir?: boolean } = {}): Promise<SessionStore> {
  const store: LabStore = guard(() => openLabStore(path, { createDir: options.createDir }));
  const session = (s: { id: number; name: string; createdAt: string; runCount: number }): SessionInfo => ({
    id: String(s.id),
    name: s.name,
    createdAt: s.createdAt,
    runCount: s.runCount,
  });
  return {
    listSessions: () => guard(() => store.listSessions().map(session)),
    getSession: (id) =>
      guard(() => {
        const s = store.getSession(sessionRef(id));
        if (!s) throw new ApiError('not-found', `no session ${JSON.stringify(id)} in ${path}`);
        return session(s);
      }),
    listRuns: (sessionId) => guard(() => store.listRuns(sessionRef(sessionId)).map(runInfo)),
    getRun: (id) =>
      guard(() => {
        const r = store.getRun(runNumber(id));
        if (!r) throw new ApiError('not-found', `no run ${id} in ${path}`);
        const host = r.hostId !== null ? store.getHost(r.hostId) : null;
        const variant: KernelVariant = (KERNEL_VARIANTS as readonly string[]).includes(r.kernelVariant)
          ? (r.kernelVariant as KernelVariant)
          : 'upstream';
        return { ...runInfo(r), variant, hostJson: host ? JSON.stringify(host.host) : null, result: r.payload };
      }),
    close: () => store.close(),
  };
}
