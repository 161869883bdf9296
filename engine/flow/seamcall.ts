/**
 * The kernel's SEAMCALL wrappers (kernel-flow.md §4; tdx.c sc_retry /
 * sc_retry_prerr / seamcall_err / seamcall_err_ret): retry on
 * TDX_RND_NO_ENTROPY up to 10 attempts, map the result to an errno, print
 * the failure lines, and record every attempt for the result.
 */
import { hex64 } from '../format/hex.js';
import type { KernelLog } from '../kernel/log.js';
import { tdxLine } from '../kernel/log.js';
import { LEAF, leafDisplayName, type LeafName } from '../module/leaves.js';
import type { SeamcallResult } from '../module/module.js';
import { STATUS, decodeStatus } from '../module/statuses.js';

/** RDRAND_RETRY_LOOPS: attempts in total before TDX_RND_NO_ENTROPY counts as failure. */
export const SEAMCALL_MAX_ATTEMPTS = 10;

export type Errno = '-EIO' | '-ENODEV' | '-EOPNOTSUPP' | '-EACCES' | '-EINVAL' | '-ENOSPC' | '-ENOMEM';

export interface SeamcallArgs {
  rcx?: bigint;
  rdx?: bigint;
  r8?: bigint;
}

/** One SEAMCALL attempt as the result JSON shows it (hex strings, never bigint). */
export interface SeamcallRecord {
  leaf: number;
  name: string;
  /** Logical CPU that made the call. */
  lp: number;
  args: { rcx?: string; rdx?: string; r8?: string };
  status: string;
  statusName: string;
  detail?: string;
  /** 1-based attempt within the kernel's retry loop. */
  attempt: number;
  out?: { rcx?: string; rdx?: string; r8?: string; r9?: string };
  /** Identical successful TDH.SYS.TDMR.INIT calls folded into one record; `out` is the last one's. */
  repeat?: number;
}

export interface SeamcallOutcome {
  errno: Errno | null;
  status: bigint;
  result: SeamcallResult;
}

function hexRegs<T extends Record<string, bigint | undefined>>(r: T): { [K in keyof T]?: string } {
  const o: Record<string, string> = {};
  for (const [k, v] of Object.entries(r)) if (v !== undefined) o[k] = hex64(v);
  return o as { [K in keyof T]?: string };
}

/** Records and logs SEAMCALLs for one simulated kernel. */
export class SeamcallRunner {
  private readonly list: SeamcallRecord[] = [];
  /** Status of the last attempt of any leaf (undefined before the first call). */
  lastStatus: bigint | undefined;
  /** The record successful TDH.SYS.TDMR.INIT calls are being folded into, and the last call's outputs. */
  private fold:
    { rec: SeamcallRecord; lp: number; rcx: bigint | undefined; lastOut: SeamcallResult['out'] } | undefined;

  /**
   * `recording` false: the lean run of a sweep, which needs only the
   * verdict: no SeamcallRecord is built (their hex strings and decoded
   * statuses are most of a combination's garbage); calls, retries, errnos,
   * printed lines and lastStatus are the same.
   */
  constructor(
    readonly log: KernelLog,
    readonly recording = true,
  ) {}

  /** Every attempt so far, in order (folded TDMR.INIT runs completed). */
  get records(): SeamcallRecord[] {
    this.flush();
    return this.list;
  }

  private flush(): void {
    if (!this.fold) return;
    const out = hexRegs(this.fold.lastOut as Record<string, bigint | undefined>);
    if (Object.keys(out).length) this.fold.rec.out = out;
    this.fold = undefined;
  }

  private record(leaf: LeafName, lp: number, args: SeamcallArgs, res: SeamcallResult, attempt: number): void {
    this.lastStatus = res.status;
    if (!this.recording) return;
    // Fast path: one TDMR takes size / 4 MiB successful TDMR.INIT calls; fold them into one record.
    const foldable = leaf === 'TDH_SYS_TDMR_INIT' && res.status === 0n && attempt === 1;
    if (foldable && this.fold && this.fold.lp === lp && this.fold.rcx === args.rcx) {
      this.fold.rec.repeat = (this.fold.rec.repeat ?? 1) + 1;
      this.fold.lastOut = res.out;
      return;
    }
    this.flush();
    const d = decodeStatus(res.status);
    const rec: SeamcallRecord = {
      leaf: LEAF[leaf],
      name: leafDisplayName(leaf),
      lp,
      args: hexRegs(args as Record<string, bigint | undefined>),
      status: d.hex,
      statusName: d.name,
      attempt,
    };
    if (d.detail) rec.detail = d.detail;
    this.list.push(rec);
    if (foldable) this.fold = { rec, lp, rcx: args.rcx, lastOut: res.out };
    else {
      const out = hexRegs(res.out as Record<string, bigint | undefined>);
      if (Object.keys(out).length) rec.out = out;
    }
  }

  /** Records `calls` successful first-attempt calls made in one step (TdxModule.tdmrInitRun). */
  recordRun(leaf: LeafName, lp: number, args: SeamcallArgs, calls: number, out: SeamcallResult['out']): void {
    const res: SeamcallResult = { status: 0n, out };
    this.record(leaf, lp, args, res, 1);
    if (calls > 1 && this.recording) {
      const rec = this.fold!.rec;
      rec.repeat = (rec.repeat ?? 1) + calls - 1;
    }
  }

  /**
   * sc_retry_prerr(): runs `fn` until it stops returning TDX_RND_NO_ENTROPY
   * (at most 10 attempts); SW errors map to their errnos without a message;
   * other failures print the SEAMCALL line (and, for `withRet` callers, the
   * register lines) and give -EIO.
   */
  call(leaf: LeafName, lp: number, args: SeamcallArgs, fn: () => SeamcallResult, withRet: boolean): SeamcallOutcome {
    let res: SeamcallResult;
    let attempt = 0;
    do {
      attempt++;
      res = fn();
      this.record(leaf, lp, args, res, attempt);
    } while (res.status === STATUS.TDX_RND_NO_ENTROPY && attempt < SEAMCALL_MAX_ATTEMPTS);
    const status = res.status;
    if (status === 0n) return { errno: null, status, result: res };
    if (status === STATUS.TDX_SEAMCALL_VMFAILINVALID) return { errno: '-ENODEV', status, result: res };
    if (status === STATUS.TDX_SEAMCALL_GP) return { errno: '-EOPNOTSUPP', status, result: res };
    if (status === STATUS.TDX_SEAMCALL_UD) return { errno: '-EACCES', status, result: res };
    this.log.push(tdxLine('err', `SEAMCALL (${hex64(LEAF[leaf])}) failed: ${hex64(status)}`));
    if (withRet) {
      // The kernel prints its argument struct after the call: outputs overwrite inputs.
      const r = {
        rcx: 0n,
        rdx: 0n,
        r8: 0n,
        r9: 0n,
        r10: 0n,
        r11: 0n,
        ...stripUndefined(args),
        ...stripUndefined(res.out),
      };
      this.log.push(tdxLine('err', `RCX ${hex64(r.rcx)} RDX ${hex64(r.rdx)} R08 ${hex64(r.r8)}`));
      this.log.push(tdxLine('err', `R09 ${hex64(r.r9)} R10 ${hex64(r.r10)} R11 ${hex64(r.r11)}`));
    }
    return { errno: '-EIO', status, result: res };
  }
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  const r: Partial<T> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) (r as Record<string, unknown>)[k] = v;
  return r;
}
