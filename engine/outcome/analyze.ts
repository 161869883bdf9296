/**
 * The entry points every face calls: analyzeHost, analyzeScenario and
 * analyzeRecordedHost each run the emulator once for their subject and
 * return one Outcome (verdict, figures, memory blocks, findings). Fix
 * trials and other kernels are further runs, recorded in `runs`.
 */
import { KERNEL_VARIANTS, type Host, type KernelVariant } from '../host/types.js';
import type { SeamcallRecord } from '../flow/seamcall.js';
import type { LogLevel } from '../kernel/log.js';
import { ENGINE_VERSION } from '../version.js';
import type { Scenario } from '../scenario/types.js';
import { emulateHost, emulateScenario, type EmulatorRun } from './emulate.js';
import { pamtFigures, reservedNeedOf, tdmrsNeeded } from './figures.js';
import { findingsFor } from './findings/index.js';
import { TrialRunner, plansOf, type TrialSubject } from './trials.js';
import { OUTCOME_SCHEMA, type EmulatorRunInfo, type Outcome, type RecordedEvidence, type Subject } from './types.js';
import { recordedEvidence, type RecordedInput } from './evidence/recorded.js';
import { chosenBoot, observedOutcome } from './observed.js';
import { verdictOf } from './verdict.js';

export interface AnalyzeOptions {
  /** Emulate fixes and the other kernels (default true; skipped with a reason on huge hosts). */
  trials?: boolean;
  /** Why this kernel, shown with it (e.g. "6.8.0-1028-intel: Ubuntu 6.8 -intel kernels …"). */
  kernelReason?: string;
}

function logOf(run: EmulatorRun): string[] {
  if (run.kind === 'host') return run.init.log;
  return [...run.result.bootLog, ...run.result.events.flatMap((e) => e.log)];
}

function logLevelsOf(run: EmulatorRun): LogLevel[] {
  if (run.kind === 'host') return run.init.logLevels;
  return [...run.result.bootLogLevels, ...run.result.events.flatMap((e) => e.logLevels)];
}

function seamcallsOf(run: EmulatorRun): SeamcallRecord[] {
  return run.kind === 'host' ? run.init.seamcalls : run.result.events.flatMap((e) => e.seamcalls);
}

function build(
  run: EmulatorRun,
  subject: Subject,
  trialSubject: TrialSubject,
  runs: EmulatorRunInfo[],
  options: AnalyzeOptions,
  recorded?: RecordedEvidence,
): Outcome {
  const reservedNeed = reservedNeedOf(run.host, run.plan, run.kernel);
  if (reservedNeed) runs.push({ purpose: 'reserved areas needed (limit lifted)', kernel: run.kernel, plans: 1 });
  const printedKb = run.kind === 'host' ? run.init.pamtKb : run.result.final.pamtKb;
  const ok = run.kind === 'host' ? run.init.ok : run.result.final.outcome === 'initialized';
  const pamt = pamtFigures(run.host, run.plan, ok, printedKb);
  const ctx = { reservedNeed, tdmrsNeeded: tdmrsNeeded(run.plan), pamt };
  const log = logOf(run);
  const seamcalls = seamcallsOf(run);
  const pre = verdictOf(run, ctx, []);
  const trials = new TrialRunner(trialSubject, runs, options.trials !== false);
  const findings = findingsFor({
    run,
    kernel: run.kernel,
    host: run.host,
    plan: run.plan,
    pre,
    ...ctx,
    log,
    seamcalls,
    trials,
    otherKernels: KERNEL_VARIANTS.filter((k) => k !== run.kernel),
    recorded,
  });
  let init: Outcome['init'] = null;
  if (run.kind === 'host') {
    const { log: _l, logLevels: _ll, seamcalls: _s, plan: _p, memlist: _m, ...rest } = run.init;
    init = rest;
  }
  const out: Outcome = {
    schema: OUTCOME_SCHEMA,
    engineVersion: ENGINE_VERSION,
    subject,
    host: run.host,
    plan: run.plan,
    init,
    log,
    logLevels: logLevelsOf(run),
    seamcalls,
    scenario: run.kind === 'scenario' ? run.result : null,
    verdict: verdictOf(run, ctx, findings),
    memoryBlocks: run.memoryBlocks,
    reservedNeed,
    pamt,
    findings,
    runs,
  };
  if (recorded) out.recorded = recorded;
  return out;
}

/** A host file on one kernel: boot, init, then kmem onlines the devices not in memblock. */
export function analyzeHost(host: Host, kernel: KernelVariant, options: AnalyzeOptions = {}): Outcome {
  const run = emulateHost(host, kernel);
  const runs: EmulatorRunInfo[] = [{ purpose: 'analysis', kernel, plans: plansOf(run) }];
  const subject: Subject = { kind: 'host', name: host.name, kernel };
  if (host.description) subject.description = host.description;
  if (options.kernelReason) subject.kernelReason = options.kernelReason;
  return build(run, subject, { kind: 'host', host, kernel }, runs, options);
}

/** A scenario played once; the Outcome shows the memory and plan of the init that stands. */
export function analyzeScenario(scenario: Scenario, options: AnalyzeOptions = {}): Outcome {
  const run = emulateScenario(scenario);
  const runs: EmulatorRunInfo[] = [{ purpose: 'analysis', kernel: scenario.kernel, plans: plansOf(run) }];
  const subject: Subject = {
    kind: 'scenario',
    name: scenario.name,
    kernel: scenario.kernel,
    kernelReason: 'the scenario names it',
  };
  if (scenario.description) subject.description = scenario.description;
  return build(run, subject, { kind: 'scenario', scenario }, runs, options);
}

/** A host recorded elsewhere: its layout (when the artifacts had one), what each boot printed, its facts. */
export type RecordedHost = RecordedInput;

/**
 * A recorded host: the evidence first (each boot printed beside what the
 * emulator predicts, evidence/recorded.ts), then the analysis of its layout
 * on the chosen boot's kernel; without a layout, the Outcome of what it
 * printed (observed.ts), never an emulation of an empty host.
 */
export function analyzeRecordedHost(
  r: RecordedHost,
  options: AnalyzeOptions & { kernel?: KernelVariant } = {},
): Outcome {
  const boot = chosenBoot(r.observed);
  const kernel = options.kernel ?? boot?.variant ?? 'upstream';
  const kernelReason = options.kernel
    ? 'set by the caller'
    : (boot?.variant_reason ?? 'no boot recorded: assumed upstream');
  const subject: Subject = { kind: 'recorded', name: r.name, kernel, kernelReason };
  if (!r.host) return observedOutcome(r.name, subject, recordedEvidence(r, []));
  const host = r.host;
  const run = emulateHost(host, kernel);
  const runs: EmulatorRunInfo[] = [{ purpose: 'analysis', kernel, plans: plansOf(run) }];
  const recorded = recordedEvidence(r, runs);
  return build(run, subject, { kind: 'host', host, kernel }, runs, options, recorded);
}
