/**
 * The kernel's TDX host state for one simulated boot: tdx_init at boot,
 * tdx_cpu_enable per CPU, tdx_enable / init_tdx_module steps 1-10 with
 * cleanup (kernel-flow.md §1-§3), against a TdxModule instance.
 * Persistent across scenario events; pure and synchronous.
 */
import { SZ_16M, SZ_1M, SZ_4K, alignUp } from '../format/hex.js';
import type { Host, KernelVariant, MemblockRegion } from '../host/types.js';
import { planTdmrs, type Plan, type Tdmr } from '../kernel/construct.js';
import type { KernelLog } from '../kernel/log.js';
import { tdxLine } from '../kernel/log.js';
import type { TdxMemblock } from '../kernel/memlist.js';
import type { FaultSpec } from '../module/faults.js';
import { MD_FIELD, TDX_FEATURES0_NO_RBP_MOD, type MdFieldName } from '../module/leaves.js';
import { TdxModule } from '../module/module.js';
import { moduleParamsFromHost } from '../module/params.js';
import { tdmrInfoFromPlan } from '../module/tdmr-info.js';
import { tdxInit, type BootOutcome } from './boot.js';
import { SeamcallRunner, type Errno } from './seamcall.js';

export type KernelModuleStatus = 'UNINITIALIZED' | 'INITIALIZED' | 'ERROR';

/** Where tdx_enable stopped (or 'done'). */
export type InitStage =
  | 'boot'
  | 'cpu-enable'
  | 'metadata'
  | 'features'
  | 'tdmrs'
  | 'pamt'
  | 'reserved'
  | 'config'
  | 'key-config'
  | 'tdmr-init'
  | 'done'
  | 'already-failed';

export interface EnableOutcome {
  ok: boolean;
  stage: InitStage;
  errno: Errno | null;
  /** Status of the SEAMCALL that failed, if one did. */
  status?: bigint;
  plan?: Plan;
}

export interface KernelOptions {
  /** false: no TDX module loaded (SEAMCALL fails with VMFailInvalid). Default true. */
  moduleLoaded?: boolean;
  faults?: FaultSpec[];
  /** How the kernel reads module metadata: TDH.SYS.RD (current) or TDH.SYS.INFO (the seed's v11 series). */
  metadata?: 'sys-rd' | 'sys-info';
  /** Logical CPUs offline at boot (e.g. booted with maxcpus=). */
  offlineCpus?: number[];
}

/** Fields read in step 1, in order: upstream reads features first; Ubuntu 6.8 starts at MAX_TDMRS (real logs). */
const METADATA_ORDER: Record<KernelVariant, MdFieldName[]> = {
  upstream: [
    'TDX_FEATURES0',
    'MAX_TDMRS',
    'MAX_RESERVED_PER_TDMR',
    'PAMT_4K_ENTRY_SIZE',
    'PAMT_2M_ENTRY_SIZE',
    'PAMT_1G_ENTRY_SIZE',
  ],
  'cmr-holes': [
    'MAX_TDMRS',
    'MAX_RESERVED_PER_TDMR',
    'PAMT_4K_ENTRY_SIZE',
    'PAMT_2M_ENTRY_SIZE',
    'PAMT_1G_ENTRY_SIZE',
    'TDX_FEATURES0',
  ],
};

/**
 * Physical address of the TDMR_INFO pointer array (TDH.SYS.CONFIG RCX). The
 * lab's model of a kernel allocation: the first 2 MiB-aligned address at or
 * above 16 MiB inside boot memory (512-byte aligned as the module requires).
 */
export function tdmrPointerArrayPa(memblock: readonly MemblockRegion[]): number {
  for (const r of memblock) {
    const a = alignUp(Math.max(r.start, SZ_16M), 2 * SZ_1M);
    if (a + SZ_4K <= r.end) return a;
  }
  return alignUp(Math.max(memblock[0]?.start ?? SZ_1M, SZ_1M), SZ_4K);
}

export class KernelTdx {
  readonly log: KernelLog = [];
  readonly seamcalls: SeamcallRunner;
  readonly module: TdxModule;
  boot: BootOutcome | undefined;
  status: KernelModuleStatus = 'UNINITIALIZED';
  /** The TDX memory list: empty until init succeeds; kept for the life of the system after. */
  memlist: TdxMemblock[] = [];
  tdmrs: Tdmr[] = [];
  pamtKb = 0;
  private readonly cpuEnabled: boolean[];
  /** Online logical CPUs (all at boot unless told otherwise). */
  readonly cpuOnline: boolean[];
  private sysinitDone = false;
  private sysinitErrno: Errno | null = null;

  constructor(
    readonly host: Host,
    readonly variant: KernelVariant = 'upstream',
    readonly options: KernelOptions = {},
  ) {
    this.seamcalls = new SeamcallRunner(this.log);
    this.module = new TdxModule(moduleParamsFromHost(host), { loaded: options.moduleLoaded, faults: options.faults });
    this.cpuEnabled = new Array(this.module.numLps).fill(false);
    this.cpuOnline = new Array(this.module.numLps).fill(true);
    for (const lp of options.offlineCpus ?? []) if (lp >= 0 && lp < this.lps) this.cpuOnline[lp] = false;
  }

  get lps(): number {
    return this.module.numLps;
  }

  /** tdx_init(). */
  runBoot(): BootOutcome {
    this.boot = tdxInit(this.host, this.log);
    return this.boot;
  }

  /** try_init_module_global(): TDH.SYS.INIT once; its result is remembered for every later caller (§2). */
  private initModuleGlobal(lp: number): Errno | null {
    if (this.sysinitDone) return this.sysinitErrno;
    this.sysinitDone = true;
    // RCX is module attributes and all bits are reserved (tdx.c try_init_module_global).
    const r = this.seamcalls.call('TDH_SYS_INIT', lp, { rcx: 0n }, () => this.module.sysInit(), false);
    if (r.errno === '-ENODEV') this.log.push(tdxLine('err', 'module not loaded'));
    this.sysinitErrno = r.errno;
    return r.errno;
  }

  /** tdx_cpu_enable() on one CPU. */
  cpuEnable(lp: number): Errno | null {
    if (!this.boot?.platformEnabled) return '-ENODEV';
    if (this.cpuEnabled[lp]) return null;
    const g = this.initModuleGlobal(lp);
    if (g) return g;
    const r = this.seamcalls.call('TDH_SYS_LP_INIT', lp, {}, () => this.module.lpInit(lp), false);
    if (r.errno) return r.errno;
    this.cpuEnabled[lp] = true;
    return null;
  }

  /** KVM brings every online CPU up; the first failure stops it. */
  cpuEnableAll(): { errno: Errno | null; lp?: number } {
    for (let lp = 0; lp < this.lps; lp++) {
      if (!this.cpuOnline[lp]) continue;
      const e = this.cpuEnable(lp);
      if (e) return { errno: e, lp };
    }
    return { errno: null };
  }

  /**
   * A CPU goes offline or online. Once KVM has enabled TDX, its CPU hotplug
   * callback runs tdx_cpu_enable() on a CPU coming online.
   */
  setCpuOnline(lp: number, online: boolean, kvmTdxLoaded: boolean): Errno | null {
    this.cpuOnline[lp] = online;
    return online && kvmTdxLoaded ? this.cpuEnable(lp) : null;
  }

  /** tdx_enable(): init once; INITIALIZED returns 0 again, ERROR returns -EINVAL forever. */
  enable(memblock: readonly MemblockRegion[]): EnableOutcome {
    if (!this.boot?.platformEnabled) return { ok: false, stage: 'boot', errno: '-ENODEV' };
    if (this.status === 'INITIALIZED') return { ok: true, stage: 'done', errno: null };
    if (this.status === 'ERROR') return { ok: false, stage: 'already-failed', errno: '-EINVAL' };
    const r = this.initTdxModule(memblock);
    if (!r.ok) {
      this.log.push(tdxLine('err', `module initialization failed (${errnoNumber(r.errno!)})`));
      this.status = 'ERROR';
    } else {
      this.log.push(tdxLine('info', 'module initialized'));
      this.status = 'INITIALIZED';
    }
    return r;
  }

  /** Step 1: global metadata, by TDH.SYS.RD field by field or by TDH.SYS.INFO. */
  private readMetadata(lp: number): { errno: Errno | null; status?: bigint; features0: number } {
    if (this.variant === 'cmr-holes') {
      // These kernels print each CMR the module reports (golden README, kernel variants).
      for (const c of this.module.params.cmrs)
        this.log.push(tdxLine('info', `CMR: [0x${c.base.toString(16)}, 0x${(c.base + c.size).toString(16)})`));
    }
    if (this.options.metadata === 'sys-info') {
      const r = this.seamcalls.call('TDH_SYS_INFO', lp, {}, () => this.module.sysInfo(lp), true);
      return { errno: r.errno, status: r.status, features0: TDX_FEATURES0_NO_RBP_MOD };
    }
    let features0 = 0;
    for (const name of METADATA_ORDER[this.variant]) {
      const field = MD_FIELD[name];
      const r = this.seamcalls.call('TDH_SYS_RD', lp, { rdx: field }, () => this.module.sysRd(lp, field), true);
      if (r.errno) return { errno: r.errno, status: r.status, features0 };
      if (name === 'TDX_FEATURES0') features0 = Number(r.result.out.r8 ?? 0n);
    }
    return { errno: null, features0 };
  }

  /** init_tdx_module(), steps 1-10; the first failure cleans up and returns. */
  private initTdxModule(memblock: readonly MemblockRegion[]): EnableOutcome {
    const lp0 = 0;
    const md = this.readMetadata(lp0);
    if (md.errno) return { ok: false, stage: 'metadata', errno: md.errno, status: md.status };
    if ((md.features0 & TDX_FEATURES0_NO_RBP_MOD) === 0) {
      this.log.push(tdxLine('err', 'frame pointer (RBP) clobber bug present, upgrade TDX module'));
      return { ok: false, stage: 'features', errno: '-EINVAL' };
    }
    // Steps 3-6: hotplug lock held; memlist snapshot of memblock; TDMRs, PAMTs, reserved areas.
    const host: Host = { ...this.host, memblock: [...memblock] };
    const plan = planTdmrs(host, this.variant);
    this.log.push(...plan.log);
    if (!plan.ok) {
      // Cleanup frees the TDMR array and the memory list (nothing was allocated for PAMT that survives).
      return { ok: false, stage: plan.stage, errno: plan.errno, plan };
    }
    const fail = (stage: InitStage, errno: Errno, status: bigint): EnableOutcome => {
      // Cleanup after steps 7-9: flush caches, reset/free PAMTs, free TDMRs and the memory list.
      return { ok: false, stage, errno, status, plan };
    };

    // Step 7: TDH.SYS.CONFIG.
    const infos = plan.tdmrs.map(tdmrInfoFromPlan);
    const rcx = tdmrPointerArrayPa(memblock);
    const keyid = this.boot!.globalKeyid;
    const cfg = this.seamcalls.call(
      'TDH_SYS_CONFIG',
      lp0,
      { rcx: BigInt(rcx), rdx: BigInt(infos.length), r8: BigInt(keyid) },
      () => this.module.sysConfig(rcx, infos, keyid),
      false,
    );
    if (cfg.errno) return fail('config', cfg.errno, cfg.status);

    // Step 8: WBINVD, then TDH.SYS.KEY.CONFIG once per package on its first online CPU
    // (config_global_keyid walks online CPUs: a package without one is skipped).
    const lpsPerPkg = this.module.params.lpsPerPackage;
    for (let pkg = 0; pkg < this.module.params.packages; pkg++) {
      let lp = pkg * lpsPerPkg;
      while (lp < (pkg + 1) * lpsPerPkg && !this.cpuOnline[lp]) lp++;
      if (lp === (pkg + 1) * lpsPerPkg) continue;
      const k = this.seamcalls.call('TDH_SYS_KEY_CONFIG', lp, {}, () => this.module.keyConfig(lp), false);
      if (k.errno) return fail('key-config', k.errno, k.status);
    }

    // Step 9: TDH.SYS.TDMR.INIT until RDX reaches each TDMR's end (init_tdmr). Runs of
    // plain successful calls go through tdmrInitRun; any other call takes the full path.
    for (const t of plan.tdmrs) {
      const end = t.base + t.size;
      const args = { rcx: BigInt(t.base) };
      const initChunk = () => this.module.tdmrInit(t.base);
      let next = t.base;
      do {
        const run = this.module.tdmrInitRun(t.base, Infinity);
        if (run.calls > 0) {
          this.seamcalls.recordRun('TDH_SYS_TDMR_INIT', lp0, args, run.calls, { rdx: run.rdx });
          next = Number(run.rdx);
          if (next >= end) break;
        }
        const r = this.seamcalls.call('TDH_SYS_TDMR_INIT', lp0, args, initChunk, true);
        if (r.errno) return fail('tdmr-init', r.errno, r.status);
        next = Number(r.result.out.rdx ?? 0n);
      } while (next < end);
    }

    // Step 10.
    this.log.push(tdxLine('info', `${plan.pamtKb} KB allocated for PAMT`));
    this.memlist = plan.memlist;
    this.tdmrs = plan.tdmrs;
    this.pamtKb = plan.pamtKb;
    return { ok: true, stage: 'done', errno: null, plan };
  }
}

const ERRNO_NUMBERS: Record<Errno, number> = {
  '-EIO': -5,
  '-ENODEV': -19,
  '-EOPNOTSUPP': -95,
  '-EACCES': -13,
  '-EINVAL': -22,
  '-ENOSPC': -28,
  '-ENOMEM': -12,
};

export function errnoNumber(e: Errno): number {
  return ERRNO_NUMBERS[e];
}
