/**
 * What a finding rule sees: the run it explains, the preliminary verdict,
 * the figures, the flattened log and SEAMCALLs (for evidence indices), and
 * a trial runner for emulated fixes. Plus the small helpers rules share.
 */
import type { Device, Host, KernelVariant } from '../../host/types.js';
import type { Plan } from '../../kernel/construct.js';
import type { SeamcallRecord } from '../../flow/seamcall.js';
import { outsideCmrs } from '../../host/cmr-coverage.js';
import type { EmulatorRun } from '../emulate.js';
import type { Change, TrialRunner } from '../trials.js';
import type { Evidence, Fix, FixKind, PamtFigures, RecordedEvidence, ReservedNeed, Trial, Verdict } from '../types.js';

export interface RuleContext {
  run: EmulatorRun;
  kernel: KernelVariant;
  /** The host as the kernel saw it at init. */
  host: Host;
  plan: Plan | null;
  /** The verdict before findings (ok, stage, status, failed TDMR). */
  pre: Verdict;
  reservedNeed: ReservedNeed | null;
  tdmrsNeeded: number | null;
  pamt: PamtFigures;
  log: readonly string[];
  seamcalls: readonly SeamcallRecord[];
  trials: TrialRunner;
  /** Every other kernel variant the lab emulates. */
  otherKernels: readonly KernelVariant[];
  recorded?: RecordedEvidence;
}

/** A rule: zero or more findings, each only from evidence in the context. */
export type Rule = (c: RuleContext) => import('../types.js').Finding[];

/** The SEAMCALL whose status failed init, as evidence. */
export function failingSeamcallEvidence(c: RuleContext, ref?: string): Evidence | null {
  for (let i = c.seamcalls.length - 1; i >= 0; i--) {
    const s = c.seamcalls[i];
    if (c.pre.status && s.status === c.pre.status) {
      const e: Evidence = { kind: 'seamcall', index: i, name: s.name, status: s.status, statusName: s.statusName };
      if (s.detail) e.detail = s.detail;
      if (ref) e.ref = ref;
      return e;
    }
  }
  return null;
}

/** The first log line that `match` accepts, as evidence. */
export function logEvidence(c: RuleContext, match: (line: string) => boolean, ref?: string): Evidence | null {
  const i = c.log.findIndex(match);
  if (i < 0) return null;
  const e: Evidence = { kind: 'log', index: i, line: c.log[i] };
  if (ref) e.ref = ref;
  return e;
}

export function present<T>(xs: readonly (T | null | undefined)[]): T[] {
  return xs.filter((x): x is T => x !== null && x !== undefined);
}

/** A fix, with the emulator run that shows what it changes when one could run. */
export function triedFix(
  c: RuleContext,
  kind: FixKind,
  name: string,
  how: string,
  change: string,
  changes: readonly Change[],
  /** What "it helps" means for this finding; default: TDX initializes. */
  helps: (t: Trial) => boolean = (t) => t.ok,
): Fix {
  const t = c.trials.run(change, changes);
  return 'notTried' in t ? { kind, name, how, notTried: t.notTried } : { kind, name, how, trial: t, helps: helps(t) };
}

/** Splits fixes into those that help (or could not be tried) and those a trial ruled out. */
export function sortFixes(fixes: readonly Fix[]): { fixes: Fix[]; ruledOut?: Fix[] } {
  const works = (f: Fix) => !f.trial || (f.helps ?? f.trial.ok);
  const ok = fixes.filter(works);
  const out = fixes.filter((f) => !works(f));
  return out.length ? { fixes: ok, ruledOut: out } : { fixes: ok };
}

export function untriedFix(kind: FixKind, name: string, how: string, notTried: string): Fix {
  return { kind, name, how, notTried };
}

/** Devices (host.devices) overlapping [start, end). */
export function devicesIn(host: Host, start: number, end: number): Device[] {
  return (host.devices ?? []).filter((d) => d.start < end && start < d.end);
}

/** Parts of the TDX memory list that no CMR covers. */
export function tdxMemoryOutsideCmrs(host: Host, plan: Plan): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (const m of plan.memlist) out.push(...outsideCmrs(host, m.start, m.end));
  // Neighbouring memlist entries give touching pieces: merge them for the reader.
  const merged: Array<[number, number]> = [];
  for (const r of out) {
    const last = merged[merged.length - 1];
    if (last && last[1] === r[0]) last[1] = r[1];
    else merged.push([...r]);
  }
  return merged;
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
}

/** At most `max` items, with a count of the rest. */
export function capped<T>(items: readonly T[], max: number): { shown: T[]; more: number } {
  return { shown: items.slice(0, max), more: Math.max(0, items.length - max) };
}
