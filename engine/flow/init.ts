/**
 * One-call entry point: boot, bring every CPU up, run tdx_enable on the
 * host's memblock, and return a JSON-serializable InitResult. This is what
 * `tdx-lab sweep` workers call per configuration. Pure and deterministic.
 */
import { hex } from '../format/hex.js';
import type { Host, KernelVariant } from '../host/types.js';
import { planToResultJson, type ResultJson } from '../format/result-json.js';
import type { FaultSpec } from '../module/faults.js';
import type { SysState } from '../module/module.js';
import { decodeStatus } from '../module/statuses.js';
import {
  KernelTdx,
  errnoNumber,
  type EnableOutcome,
  type InitStage,
  type KernelModuleStatus,
  type KernelOptions,
} from './kernel-tdx.js';
import type { SeamcallRecord } from './seamcall.js';
import type { Plan } from '../kernel/construct.js';
import type { LogLevel } from '../kernel/log.js';

export interface InitOptions {
  moduleLoaded?: boolean;
  faults?: FaultSpec[];
  metadata?: KernelOptions['metadata'];
  /** Logical CPUs offline when KVM loads. */
  offlineCpus?: number[];
  /** Include the golden RESULT document of the TDMR plan (default true). */
  includePlan?: boolean;
}

export interface InitResult {
  ok: boolean;
  stage: InitStage;
  errno: string | null;
  errnoValue: number;
  /** The failing SEAMCALL's status as 0x%016llx, with its name and decoded detail. */
  status: string | null;
  statusName: string | null;
  statusDetail: string | null;
  kernelStatus: KernelModuleStatus;
  moduleState: SysState;
  seamcalls: SeamcallRecord[];
  /** Every line the kernel printed, in order. */
  log: string[];
  /** The printk level of each line of `log` (same length). */
  logLevels: LogLevel[];
  /** The lines of `log` printed at error or warning level (pr_err, pr_warn). */
  errorLines: string[];
  pamtKb: number | null;
  /** Under Dynamic PAMT (dpamt profile, module with bit 36): the refcount array, not part of pamtKb. */
  dpamt: { refcountBytes: number; refcountKb: number } | null;
  tdmrCount: number | null;
  memlist: { start: string; end: string; nid: number }[];
  plan: ResultJson | null;
}

/** Runs the whole kernel + module flow for one host on any kernel profile (at KVM load or at boot, as it says). */
export function initTdx(host: Host, variant: KernelVariant = 'upstream', options: InitOptions = {}): InitResult {
  return initTdxWithPlan(host, variant, options).result;
}

/**
 * initTdx, also handing back the kernel's own TDMR plan (null when init
 * stopped before the kernel built TDMRs), so an analysis plans a host once.
 */
export function initTdxWithPlan(
  host: Host,
  variant: KernelVariant = 'upstream',
  options: InitOptions = {},
): { result: InitResult; plan: Plan | null } {
  const { k, stage, errno, status, plan: rawPlan } = runInit(host, variant, options, true);
  const d = status !== undefined ? decodeStatus(status) : undefined;
  const result: InitResult = {
    ok: errno === null,
    stage,
    errno,
    errnoValue: errno ? errnoNumber(errno as Parameters<typeof errnoNumber>[0]) : 0,
    status: d?.hex ?? null,
    statusName: d?.name ?? null,
    statusDetail: d?.detail ?? null,
    kernelStatus: k.status,
    moduleState: k.module.state,
    seamcalls: k.seamcalls.records,
    log: k.log.map((l) => l.text),
    logLevels: k.log.map((l) => l.level),
    errorLines: k.log.filter((l) => l.level === 'err' || l.level === 'warn').map((l) => l.text),
    pamtKb: k.status === 'INITIALIZED' ? k.pamtKb : null,
    dpamt:
      k.status === 'INITIALIZED' && k.dpamt.refcount
        ? { refcountBytes: k.dpamt.refcount.bytes, refcountKb: k.dpamt.refcount.pages * 4 }
        : null,
    tdmrCount: rawPlan ? rawPlan.tdmrs.length : null,
    memlist: k.memlist.map((m) => ({ start: hex(m.start), end: hex(m.end), nid: m.nid })),
    plan: rawPlan && options.includePlan !== false ? planToResultJson(rawPlan) : null,
  };
  return { result, plan: rawPlan };
}

/** What a sweep row needs of an init: the verdict and the kernel's plan, nothing printed or recorded. */
export interface InitVerdict {
  ok: boolean;
  stage: InitStage;
  errno: string | null;
  status: string | null;
  statusName: string | null;
  statusDetail: string | null;
  /** As initTdxWithPlan's: null when init stopped before the kernel built TDMRs. */
  plan: Plan | null;
}

/**
 * The same init as initTdxWithPlan (one flow, runInit), for sweeps: no
 * SEAMCALL records and no result document (log texts, hex memory list) are
 * built, only the fields a row takes, equal to the full result's.
 */
export function initTdxVerdict(
  host: Host,
  variant: KernelVariant = 'upstream',
  options: Omit<InitOptions, 'includePlan'> = {},
): InitVerdict {
  const { stage, errno, status, plan } = runInit(host, variant, options, false);
  const d = status !== undefined ? decodeStatus(status) : undefined;
  return {
    ok: errno === null,
    stage,
    errno,
    status: d?.hex ?? null,
    statusName: d?.name ?? null,
    statusDetail: d?.detail ?? null,
    plan,
  };
}

/** Boot, CPU bring-up and tdx_enable: where init stopped, and the kernel it leaves. */
function runInit(
  host: Host,
  variant: KernelVariant,
  options: InitOptions,
  recordSeamcalls: boolean,
): { k: KernelTdx; stage: InitStage; errno: string | null; status: bigint | undefined; plan: Plan | null } {
  const k = new KernelTdx(host, variant, {
    moduleLoaded: options.moduleLoaded,
    faults: options.faults,
    metadata: options.metadata,
    offlineCpus: options.offlineCpus,
    recordSeamcalls,
  });
  const boot = k.runBoot();
  let stage: InitStage = 'boot';
  let errno: string | null = boot.platformEnabled ? null : '-ENODEV';
  let status: bigint | undefined;
  let plan: Plan | null = null;
  const took = (r: EnableOutcome): void => {
    stage = r.stage;
    errno = r.errno;
    status = r.status;
    if (r.plan) plan = r.plan;
  };
  if (k.bootEnable) {
    // The profile initializes at boot (subsys_initcall): boot did everything.
    took(k.bootEnable);
  } else if (boot.platformEnabled) {
    const cpus = k.cpuEnableAll();
    if (cpus.errno) {
      stage = 'cpu-enable';
      errno = cpus.errno;
      const last = k.seamcalls.lastStatus;
      if (last !== undefined && last !== 0n) status = last;
    } else took(k.enable(host.memblock));
  }
  return { k, stage, errno, status, plan };
}
