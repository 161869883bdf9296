/**
 * A report subject from a lab notebook run (`tdx-lab report --session NAME
 * --run ID`). A run stores its canonical host and kernel variant, so planning
 * it again gives the same report as running `tdx-lab report` on the host file;
 * the subject's file name is the basename the run was recorded from, so even
 * the provenance line matches.
 */
import { basename } from 'node:path';
import { KERNEL_VARIANTS, type KernelVariant } from '../../engine/host/types.js';
import { parseHost } from '../../engine/host/validate.js';
import { planTdmrs } from '../../engine/kernel/construct.js';
import type { ScenarioResult } from '../../engine/scenario/run.js';
import { InputError } from '../node/input-file.js';
import type { LabStore } from '../store/lab-store.js';
import { finalBlocks, hostSubject, type ReportSubject } from './subject.js';

function isScenarioResult(p: unknown): p is ScenarioResult {
  return typeof p === 'object' && p !== null && Array.isArray((p as ScenarioResult).events) && 'final' in p;
}

/** Loads run `runId` of session `session`; a missing session or run, or one of another session, is an InputError. */
export function runSubject(store: LabStore, session: string, runId: number): ReportSubject {
  const s = store.getSession(session);
  if (!s) throw new InputError(`no session '${session}' in ${store.path}`);
  const run = store.getRun(runId);
  if (!run || run.sessionId !== s.id) throw new InputError(`session '${session}' has no run #${runId}`);
  const rec = run.hostId === null ? null : store.getHost(run.hostId);
  if (!rec) throw new InputError(`run #${runId} has no stored host to report on`);
  const parsed = parseHost(rec.host);
  if (!parsed.ok) throw new InputError(`run #${runId}: the stored host is not valid (${parsed.problems[0]?.message})`);
  const host = parsed.value;
  if (!(KERNEL_VARIANTS as readonly string[]).includes(run.kernelVariant))
    throw new InputError(`run #${runId}: unknown kernel variant '${run.kernelVariant}'`);
  const variant = run.kernelVariant as KernelVariant;
  const from = rec.provenance.file;
  const file = typeof from === 'string' && from !== '' ? basename(from) : `${rec.name}.json`;
  if (run.kind === 'simulate' && isScenarioResult(run.payload)) {
    // The stored result stands in for the scenario (its events are not stored): the
    // plan is the stored host's, so hot-adds before the first init are not on the map.
    const result = run.payload;
    return {
      file,
      host,
      variant,
      plan: planTdmrs(host, variant),
      scenario: {
        scenario: { name: result.name, kernel: variant, moduleLoaded: true, metadata: 'sys-rd', host, events: [] },
        result,
      },
      memoryBlocks: finalBlocks(result, host.platform?.memory_block_size ?? 128 * 1024 * 1024),
    };
  }
  return hostSubject(file, host, variant);
}
