/**
 * The verdict of one emulator run: did TDX initialize, and if not where it
 * stopped, with which errno and module status, what the kernel printed and
 * which TDMR is to blame. The headline is the one sentence every face shows.
 */
import { humanSize } from '../format/hex.js';
import type { EventResult, ScenarioResult } from '../scenario/run.js';
import { errnoNumber } from '../flow/kernel-tdx.js';
import type { EmulatorRun } from './emulate.js';
import { failedTdmrOf } from './figures.js';
import type { FailedTdmr, Finding, Level, PamtFigures, ReservedNeed, Verdict } from './types.js';
import { rangeText } from './text.js';

export const STAGE_TEXT: Record<string, string> = {
  boot: 'enabling TDX at boot (tdx_init)',
  preconditions: 'checking the CPU features init at boot needs (tdx_enable)',
  refcount: 'allocating the Dynamic PAMT refcount array',
  'cpu-enable': 'bringing CPUs up (tdx_cpu_enable: TDH.SYS.INIT, TDH.SYS.LP.INIT)',
  metadata: 'reading the module metadata (TDH.SYS.RD)',
  features: 'checking the module features',
  tdmrs: 'building TDMRs (fill_out_tdmrs)',
  pamt: 'allocating PAMTs (tdmrs_set_up_pamt_all)',
  reserved: 'populating reserved areas (tdmrs_populate_rsvd_areas_all)',
  config: 'configuring the module (TDH.SYS.CONFIG)',
  'key-config': 'configuring the global KeyID (TDH.SYS.KEY.CONFIG)',
  'tdmr-init': 'initializing TDMRs (TDH.SYS.TDMR.INIT)',
  'already-failed': 'tdx_enable after an earlier failure',
};

interface FailureFacts {
  stage: string;
  errno: string | null;
  errnoValue: number | null;
  status: string | null;
  statusName: string | null;
  statusDetail: string | null;
  seamcall: string | null;
  kernelMessages: string[];
}

function failingSeamcall(records: readonly { name: string; statusName: string }[]): string | null {
  for (let i = records.length - 1; i >= 0; i--) {
    const r = records[i];
    if (r.statusName !== 'TDX_SUCCESS' && r.statusName !== 'TDX_TDMR_ALREADY_INITIALIZED') return r.name;
  }
  return null;
}

/**
 * The init attempt whose failure is the root cause: the first event that
 * tried to initialize and failed (an init event, or a boot event on a kernel
 * that initializes at boot), or the implicit boot's init. A later init event
 * on a boot-time kernel only repeats it.
 */
export function rootInitFailure(
  result: ScenarioResult,
):
  | Pick<
      EventResult,
      'stage' | 'errno' | 'errnoValue' | 'status' | 'statusName' | 'statusDetail' | 'seamcalls' | 'errorLines'
    >
  | undefined {
  const b = result.bootInit;
  if (b && !b.ok)
    return {
      stage: b.stage,
      errno: b.errno,
      errnoValue: b.errno ? errnoNumber(b.errno as Parameters<typeof errnoNumber>[0]) : undefined,
      status: b.status,
      statusName: b.statusName,
      statusDetail: b.statusDetail,
      seamcalls: [],
      errorLines: b.errorLines,
    };
  return result.events.find((e) => !e.ok && e.stage !== undefined && (e.kind === 'init' || e.kind === 'boot'));
}

function failureOf(run: EmulatorRun): FailureFacts | null {
  if (run.kind === 'host') {
    const i = run.init;
    if (i.ok) return null;
    return {
      stage: i.stage,
      errno: i.errno,
      errnoValue: i.errno ? i.errnoValue : null,
      status: i.status,
      statusName: i.statusName,
      statusDetail: i.statusDetail,
      seamcall: i.status ? failingSeamcall(i.seamcalls) : null,
      kernelMessages: i.errorLines,
    };
  }
  if (run.result.final.outcome !== 'init-failed') return null;
  const e = rootInitFailure(run.result);
  if (!e) return null;
  return {
    stage: e.stage ?? 'unknown',
    errno: e.errno ?? null,
    errnoValue: e.errnoValue ?? null,
    status: e.status ?? null,
    statusName: e.statusName ?? null,
    statusDetail: e.statusDetail ?? null,
    seamcall: e.status ? failingSeamcall(e.seamcalls ?? []) : null,
    kernelMessages: e.errorLines ?? [],
  };
}

export interface VerdictContext {
  reservedNeed: ReservedNeed | null;
  tdmrsNeeded: number | null;
  pamt: PamtFigures;
}

function failureHeadline(f: FailureFacts, failed: FailedTdmr | null, run: EmulatorRun, c: VerdictContext): string {
  const limits = run.host.module;
  switch (f.stage) {
    case 'reserved':
      if (failed)
        return `reserved areas exhausted in TDMR ${failed.index} ${rangeText(failed.base, failed.end)}${c.reservedNeed ? `: ${c.reservedNeed.areas.length} needed, the module allows ${c.reservedNeed.limit}` : ''}`;
      break;
    case 'tdmrs':
      return `TDMRs exhausted: the memory needs ${c.tdmrsNeeded ?? 'more'} TDMRs, the module allows ${limits.max_tdmrs}`;
    case 'pamt':
      if (failed) return `no node has contiguous free memory for TDMR ${failed.index}'s PAMT (-ENOMEM)`;
      break;
    case 'config':
      if (failed) return `TDH.SYS.CONFIG rejects TDMR ${failed.index} with ${failed.reason}`;
      break;
  }
  const why = f.statusName ? `${f.statusName}${f.statusDetail ? ` (${f.statusDetail})` : ''}` : (f.errno ?? 'an error');
  return `${STAGE_TEXT[f.stage] ?? `stage ${f.stage}`} failed with ${why}`;
}

function successHeadline(run: EmulatorRun, c: VerdictContext): string {
  const n = run.plan?.tdmrs.length ?? 0;
  const p = c.pamt;
  return `TDX initializes: ${n} TDMR${n === 1 ? '' : 's'}, ${p.printedKb ?? p.kb} KB of PAMT (${humanSize(p.bytes)}, ${p.percent.toFixed(2)}% of TDX memory)`;
}

/** Error when TDX does not initialize; warning when it does and a finding warns; ok otherwise. */
export function levelOf(ok: boolean, findings: readonly Finding[]): Level {
  if (!ok) return 'error';
  return findings.some((f) => f.severity === 'warning' || f.severity === 'error') ? 'warning' : 'ok';
}

export function verdictOf(run: EmulatorRun, c: VerdictContext, findings: readonly Finding[]): Verdict {
  const f = failureOf(run);
  const noInit = run.kind === 'scenario' && run.result.final.outcome === 'no-init';
  const ok = run.kind === 'host' ? run.init.ok : run.result.final.outcome === 'initialized';
  const failedTdmr = failedTdmrOf(run.host, run.plan, f?.status ?? null);
  const firstWarning = findings.find((x) => x.severity === 'warning' || (ok && x.severity === 'error'));
  let headline: string;
  if (noInit) headline = 'TDX was not initialized: the scenario has no init event';
  else if (ok) headline = `${successHeadline(run, c)}${firstWarning ? `; warning: ${firstWarning.title}` : ''}`;
  else headline = `TDX does not initialize: ${f ? failureHeadline(f, failedTdmr, run, c) : 'init failed'}`;
  return {
    ok,
    level: noInit ? 'warning' : levelOf(ok, findings),
    headline,
    stage: f?.stage ?? null,
    stageText: f ? (STAGE_TEXT[f.stage] ?? null) : null,
    errno: f?.errno ?? null,
    errnoValue: f?.errnoValue ?? null,
    seamcall: f?.seamcall ?? null,
    status: f?.status ?? null,
    statusName: f?.statusName ?? null,
    statusDetail: f?.statusDetail ?? null,
    kernelMessages: f?.kernelMessages ?? [],
    failedTdmr,
    noInit,
    basis: 'emulated',
  };
}
