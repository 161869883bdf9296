/**
 * A report subject from a lab notebook run (`tdx-lab report --session NAME
 * --run ID`): the Outcome the run was recorded with, never a re-plan of the
 * boot host. A plan run recorded before runs kept their Outcome is analysed
 * again from its stored host and kernel, and the provenance says so.
 */
import { basename } from 'node:path';
import { KERNEL_VARIANTS, type KernelVariant } from '../../engine/host/types.js';
import { parseHost } from '../../engine/host/validate.js';
import { analyzeHost } from '../../engine/outcome/analyze.js';
import type { Outcome } from '../../engine/outcome/types.js';
import { InputError } from '../node/input-file.js';
import type { LabStore } from '../store/lab-store.js';
import type { RunWithPayload } from '../store/types.js';
import type { HostRecord } from '../store/types.js';
import { storedOutcome } from '../store/stored-outcome.js';
import { checkReportRegions } from './limits.js';
import { subjectFor, type ReportSubject } from './subject.js';

/** The stored run's Outcome; an old plan run is re-analysed (and says so), an old simulate run cannot be. */
export function outcomeOfRun(run: RunWithPayload, host: HostRecord | null): { outcome: Outcome; reanalyzed: boolean } {
  const kept = storedOutcome(run.payload);
  // Too many regions for a report's memory budget: refused before laying it out (limits.ts).
  checkReportRegions(
    `run #${run.id}`,
    (kept?.host ?? host?.host)?.memblock.length ?? 0,
    'see its figures with `tdx-lab session show` instead',
  );
  if (kept) return { outcome: kept, reanalyzed: false };
  if (run.kind !== 'plan')
    throw new InputError(
      `run #${run.id} (${run.kind}) was recorded by tdx-lab ${run.engineVersion} before runs kept their outcome, so it cannot be shown as recorded; run it again with --session`,
    );
  if (!host) throw new InputError(`run #${run.id} has no stored host to report on`);
  const parsed = parseHost(host.host);
  if (!parsed.ok) throw new InputError(`run #${run.id}: the stored host is not valid (${parsed.problems[0]?.message})`);
  if (!(KERNEL_VARIANTS as readonly string[]).includes(run.kernelVariant))
    throw new InputError(`run #${run.id}: unknown kernel variant '${run.kernelVariant}'`);
  return { outcome: analyzeHost(parsed.value, run.kernelVariant as KernelVariant), reanalyzed: true };
}

/** Loads run `runId` of session `session`; a missing session or run, or one of another session, is an InputError. */
export function runSubject(store: LabStore, session: string, runId: number): ReportSubject {
  const s = store.getSession(session);
  if (!s) throw new InputError(`no session '${session}' in ${store.path}`);
  const run = store.getRun(runId);
  if (!run || run.sessionId !== s.id) throw new InputError(`session '${session}' has no run #${runId}`);
  const rec = run.hostId === null ? null : store.getHost(run.hostId);
  const { outcome, reanalyzed } = outcomeOfRun(run, rec);
  const from = rec?.provenance.file;
  const file = typeof from === 'string' && from !== '' ? basename(from) : `${outcome.subject.name}.json`;
  return subjectFor(file, outcome, {
    recorded: {
      session: s.name,
      run: run.id,
      at: run.createdAt,
      engine: reanalyzed
        ? `${run.engineVersion} (re-analysed now: the run predates stored outcomes)`
        : run.engineVersion,
    },
  });
}
