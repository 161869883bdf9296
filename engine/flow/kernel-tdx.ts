/**
 * The kernel's TDX host state for one simulated boot: tdx_init at boot,
 * tdx_cpu_enable per CPU, tdx_enable / init_tdx_module steps 1-10 with
 * cleanup (kernel-flow.md §1-§3), against a TdxModule instance.
 * Persistent across scenario events; pure and synchronous.
 */
import { SZ_16M, SZ_1M, SZ_4K, alignUp } from '../format/hex.js';
import type { Host, KernelVariant, MemblockRegion } from '../host/types.js';
import { planTdmrs, type Plan, type Tdmr } from '../kernel/construct.js';
import { STATIC_PAMT, refcountArray, refcountFits, type PamtSizing, type RefcountArray } from '../kernel/dpamt.js';
import type { KernelLog } from '../kernel/log.js';
import { tdxLine } from '../kernel/log.js';
import type { TdxMemblock } from '../kernel/memlist.js';
import { initFailedMessage, kernelProfile, type KernelProfile, type PreconditionCheck } from '../kernel/profiles.js';
import type { FaultSpec } from '../module/faults.js';
import {
  MD_FIELD,
  TDX_FEATURES0_DYNAMIC_PAMT,
  TDX_FEATURES0_NO_RBP_MOD,
  hasFeature,
  type MdFieldName,
} from '../module/leaves.js';
import { SYS_CONFIG_DYNAMIC_PAMT, TdxModule } from '../module/module.js';
import { moduleParamsFromHost } from '../module/params.js';
import { tdmrInfoFromPlan } from '../module/tdmr-info.js';
import { tdxInit, type BootOutcome } from './boot.js';
import { SeamcallRunner, type Errno } from './seamcall.js';

export type KernelModuleStatus = 'UNINITIALIZED' | 'INITIALIZED' | 'ERROR';

/** Where tdx_enable stopped (or 'done'). */
export type InitStage =
  | 'boot'
  | 'preconditions'
  | 'cpu-enable'
  | 'metadata'
  | 'features'
  | 'refcount'
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
  /** The CPU whose bring-up failed (stage cpu-enable). */
  lp?: number;
}

export interface KernelOptions {
  /** false: no TDX module loaded (SEAMCALL fails with VMFailInvalid). Default true. */
  moduleLoaded?: boolean;
  faults?: FaultSpec[];
  /** How the kernel reads module metadata: TDH.SYS.RD (current) or TDH.SYS.INFO (the seed's v11 series). */
  metadata?: 'sys-rd' | 'sys-info';
  /** Logical CPUs offline at boot (e.g. booted with maxcpus=). */
  offlineCpus?: number[];
  /** false: keep no SeamcallRecord (a sweep's lean run; SeamcallRunner). Default true. */
  recordSeamcalls?: boolean;
}

/** Dynamic PAMT as the kernel set it up at init (dynamic-pamt.md §4, §6). */
export interface KernelDpamt {
  /** "Enable Dynamic PAMT" was printed and R8 bit 16 set. */
  enabled: boolean;
  bitmapEntryBits: number;
  refcount?: RefcountArray;
}

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
  /** The TDX module; a runtime update replaces it with the newly installed one. */
  module: TdxModule;
  readonly profile: KernelProfile;
  boot: BootOutcome | undefined;
  /** On a profile that initializes at boot: what tdx_enable() did at boot. */
  bootEnable: EnableOutcome | undefined;
  status: KernelModuleStatus = 'UNINITIALIZED';
  /** The TDX memory list: empty until init succeeds; kept for the life of the system after. */
  memlist: TdxMemblock[] = [];
  tdmrs: Tdmr[] = [];
  pamtKb = 0;
  /** TDX_FEATURES0 as read at init (0 until read). */
  features0 = 0;
  /** The module version as the kernel last read it ("1.5.20"), once read. */
  moduleVersion: string | undefined;
  dpamt: KernelDpamt = { enabled: false, bitmapEntryBits: 0 };
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
    this.profile = kernelProfile(variant);
    this.seamcalls = new SeamcallRunner(this.log, options.recordSeamcalls !== false);
    this.module = new TdxModule(moduleParamsFromHost(host), { loaded: options.moduleLoaded, faults: options.faults });
    this.cpuEnabled = new Array(this.module.numLps).fill(false);
    this.cpuOnline = new Array(this.module.numLps).fill(true);
    for (const lp of options.offlineCpus ?? []) if (lp >= 0 && lp < this.lps) this.cpuOnline[lp] = false;
  }

  get lps(): number {
    return this.module.numLps;
  }

  /**
   * tdx_init() early in boot; on a profile that initializes at boot, then
   * tdx_enable() from its subsys_initcall on the memblock present at boot.
   */
  runBoot(): BootOutcome {
    this.boot = tdxInit(this.host, this.log);
    if (this.profile.initAt === 'boot') this.bootEnable = this.enableAtBoot(this.host.memblock);
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

  /** Every online CPU brought up (by KVM, or by the core's CPU hotplug callback); the first failure stops it. */
  cpuEnableAll(): { errno: Errno | null; lp?: number } {
    for (let lp = 0; lp < this.lps; lp++) {
      if (!this.cpuOnline[lp]) continue;
      const e = this.cpuEnable(lp);
      if (e) return { errno: e, lp };
    }
    return { errno: null };
  }

  /**
   * tdx_module_shutdown() after a successful TDH.SYS.SHUTDOWN: the global
   * and per-CPU init flags are cleared so the new module is initialized
   * again. The TDX memory list, TDMRs and PAMTs are kept.
   */
  resetModuleState(): void {
    this.status = 'UNINITIALIZED';
    this.sysinitDone = false;
    this.sysinitErrno = null;
    this.cpuEnabled.fill(false);
  }

  /**
   * A CPU goes offline or online. Once TDX is enabled (KVM loaded it, or the
   * core did at boot), the CPU hotplug callback runs tdx_cpu_enable() on a CPU
   * coming online.
   */
  setCpuOnline(lp: number, online: boolean, tdxEnabled: boolean): Errno | null {
    this.cpuOnline[lp] = online;
    return online && tdxEnabled ? this.cpuEnable(lp) : null;
  }

  /** tdx_enable() at KVM load: init once; INITIALIZED returns 0 again, ERROR returns -EINVAL forever. */
  enable(memblock: readonly MemblockRegion[]): EnableOutcome {
    if (!this.boot?.platformEnabled) return { ok: false, stage: 'boot', errno: '-ENODEV' };
    if (this.status === 'INITIALIZED') return { ok: true, stage: 'done', errno: null };
    if (this.status === 'ERROR') return { ok: false, stage: 'already-failed', errno: '-EINVAL' };
    const r = this.initTdxModule(memblock);
    this.finishInit(r);
    return r;
  }

  private finishInit(r: EnableOutcome): void {
    if (!r.ok) {
      this.log.push(tdxLine('err', initFailedMessage(this.profile, errnoNumber(r.errno!))));
      this.status = 'ERROR';
    } else {
      this.log.push(tdxLine('info', this.profile.messages.initialized));
      this.status = 'INITIALIZED';
    }
  }

  private preconditionHolds(check: PreconditionCheck): boolean {
    const p = this.host.platform ?? {};
    switch (check) {
      case 'platform':
        return this.boot?.platformEnabled === true;
      case 'xsave':
        return p.xsave !== false;
      case 'movdir64b':
        return p.movdir64b !== false;
      case 'self_snoop':
        return p.self_snoop !== false;
    }
  }

  /**
   * tdx_enable() as a subsys_initcall (mainline tdx.c): the precondition
   * checks, then the CPU hotplug state whose callback brings every online
   * CPU up, then init_tdx_module. A failed precondition or CPU bring-up
   * returns before the "initialization failed" line, as the kernel does.
   */
  private enableAtBoot(memblock: readonly MemblockRegion[]): EnableOutcome {
    for (const pc of this.profile.preconditions) {
      if (this.preconditionHolds(pc.check)) continue;
      this.log.push(tdxLine('err', pc.message));
      this.status = 'ERROR';
      return { ok: false, stage: pc.check === 'platform' ? 'boot' : 'preconditions', errno: pc.errno };
    }
    const cpus = this.cpuEnableAll();
    if (cpus.errno) {
      // cpuhp_setup_state() fails and tdx_enable() returns its error without a line of its own.
      this.status = 'ERROR';
      const last = this.seamcalls.lastStatus;
      const status = last !== undefined && last !== 0n ? last : undefined;
      return { ok: false, stage: 'cpu-enable', errno: cpus.errno, lp: cpus.lp, status };
    }
    const r = this.initTdxModule(memblock);
    this.finishInit(r);
    return r;
  }

  /** read_sys_metadata_field(): one TDH.SYS.RD, printed like the kernel on failure. */
  readField(lp: number, name: MdFieldName): { errno: Errno | null; status?: bigint; value: number } {
    const field = MD_FIELD[name];
    const r = this.seamcalls.call('TDH_SYS_RD', lp, { rdx: field }, () => this.module.sysRd(lp, field), true);
    return r.errno
      ? { errno: r.errno, status: r.status, value: 0 }
      : { errno: null, value: Number(r.result.out.r8 ?? 0n) };
  }

  /** get_tdx_sys_info_version (re-read after a module update): "1.5.20", or undefined if a read failed. */
  readVersion(lp: number): { errno: Errno | null; status?: bigint; version: [number, number, number] } {
    const v: [number, number, number] = [0, 0, 0];
    const at: Record<string, number> = { MAJOR_VERSION: 0, MINOR_VERSION: 1, UPDATE_VERSION: 2 };
    for (const name of ['MINOR_VERSION', 'MAJOR_VERSION', 'UPDATE_VERSION'] as const) {
      const r = this.readField(lp, name);
      if (r.errno) return { errno: r.errno, status: r.status, version: v };
      v[at[name]] = r.value;
    }
    this.moduleVersion = `${v[0]}.${v[1]}.${String(v[2]).padStart(2, '0')}`;
    return { errno: null, version: v };
  }

  /** Step 1: global metadata, by TDH.SYS.RD field by field in the profile's order, or by TDH.SYS.INFO. */
  private readMetadata(lp: number): { errno: Errno | null; status?: bigint; features0: number; sizing: PamtSizing } {
    const md = this.profile.metadata;
    if (md.printsCmrs) {
      // These kernels print each CMR the module reports (golden README, kernel variants).
      for (const c of this.module.params.cmrs)
        this.log.push(tdxLine('info', `CMR: [0x${c.base.toString(16)}, 0x${(c.base + c.size).toString(16)})`));
    }
    if (this.options.metadata === 'sys-info') {
      const r = this.seamcalls.call('TDH_SYS_INFO', lp, {}, () => this.module.sysInfo(lp), true);
      return { errno: r.errno, status: r.status, features0: TDX_FEATURES0_NO_RBP_MOD, sizing: STATIC_PAMT };
    }
    let features0 = 0;
    const version: number[] = [0, 0, 0];
    let failed: { errno: Errno; status?: bigint } | undefined;
    for (const name of md.fields) {
      if (!failed) {
        const r = this.readField(lp, name);
        if (r.errno) failed = { errno: r.errno, status: r.status };
        else if (name === 'TDX_FEATURES0') features0 = r.value;
        else if (name === 'MAJOR_VERSION') version[0] = r.value;
        else if (name === 'MINOR_VERSION') version[1] = r.value;
        else if (name === 'UPDATE_VERSION') version[2] = r.value;
      }
      // get_tdx_sys_info prints the version after its group, whether or not the reads worked.
      if (name === 'UPDATE_VERSION' && md.printsVersion) {
        const text = `${version[0]}.${version[1]}.${String(version[2]).padStart(2, '0')}`;
        this.log.push(tdxLine('info', `Module version: ${text}`));
        if (!failed) this.moduleVersion = text;
      }
      if (failed && !md.printsVersion) break;
    }
    if (failed) return { ...failed, features0, sizing: STATIC_PAMT };
    // Dynamic PAMT kernels read the bitmap's element size last, only when the module offers it (§2).
    if (this.profile.pamt === 'dynamic' && hasFeature(features0, TDX_FEATURES0_DYNAMIC_PAMT)) {
      const r = this.readField(lp, 'PAMT_PAGE_BITMAP_ENTRY_BITS');
      if (r.errno) return { errno: r.errno, status: r.status, features0, sizing: STATIC_PAMT };
      return { errno: null, features0, sizing: { dynamic: true, bitmapEntryBits: r.value } };
    }
    return { errno: null, features0, sizing: STATIC_PAMT };
  }

  /** init_tdx_module(), steps 1-10 (and the refcount array under Dynamic PAMT); the first failure cleans up and returns. */
  private initTdxModule(memblock: readonly MemblockRegion[]): EnableOutcome {
    const lp0 = 0;
    const md = this.readMetadata(lp0);
    if (md.errno) return { ok: false, stage: 'metadata', errno: md.errno, status: md.status };
    this.features0 = md.features0;
    if (!hasFeature(md.features0, TDX_FEATURES0_NO_RBP_MOD)) {
      this.log.push(tdxLine('err', 'frame pointer (RBP) clobber bug present, upgrade TDX module'));
      return { ok: false, stage: 'features', errno: '-EINVAL' };
    }
    // Step 3: the hotplug lock is held from here. Under Dynamic PAMT the refcount
    // array is allocated first, before the memory list (§4); no line of its own on -ENOMEM.
    let refcount: RefcountArray | undefined;
    if (md.sizing.dynamic) {
      refcount = refcountArray(memblock);
      if (!refcountFits(this.host, memblock, refcount.bytes)) return { ok: false, stage: 'refcount', errno: '-ENOMEM' };
    }
    // Steps 4-6: memlist snapshot of memblock; TDMRs, PAMTs, reserved areas.
    const host: Host = { ...this.host, memblock: [...memblock] };
    const plan = planTdmrs(host, this.variant, { sizing: md.sizing });
    this.log.push(...plan.log);
    if (!plan.ok) {
      // Cleanup frees the TDMR array and the memory list (nothing was allocated for PAMT that survives).
      return { ok: false, stage: plan.stage, errno: plan.errno, plan };
    }
    const fail = (stage: InitStage, errno: Errno, status: bigint): EnableOutcome => {
      // Cleanup after steps 7-9: flush caches, reset/free PAMTs, free TDMRs and the memory list.
      return { ok: false, stage, errno, status, plan };
    };

    // Step 7: TDH.SYS.CONFIG. "Enable Dynamic PAMT" is printed first, so it shows even when config fails.
    const infos = plan.tdmrs.map(tdmrInfoFromPlan);
    const rcx = tdmrPointerArrayPa(memblock);
    const keyid = this.boot!.globalKeyid;
    if (md.sizing.dynamic) this.log.push(tdxLine('info', 'Enable Dynamic PAMT'));
    const r8 = keyid + (md.sizing.dynamic ? SYS_CONFIG_DYNAMIC_PAMT : 0);
    const cfg = this.seamcalls.call(
      'TDH_SYS_CONFIG',
      lp0,
      { rcx: BigInt(rcx), rdx: BigInt(infos.length), r8: BigInt(r8) },
      () => this.module.sysConfig(rcx, infos, r8),
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
    this.dpamt = md.sizing.dynamic
      ? { enabled: true, bitmapEntryBits: md.sizing.bitmapEntryBits, refcount }
      : { enabled: false, bitmapEntryBits: 0 };
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

/** The errno name of a printed errno number (-28: -ENOSPC), for the errnos the TDX code returns. */
export function errnoOf(n: number): Errno | undefined {
  return (Object.keys(ERRNO_NUMBERS) as Errno[]).find((e) => ERRNO_NUMBERS[e] === n);
}
