/**
 * The TDX module's host-side state machine (tdx-module.md "The state
 * machine"; tdh_sys_*.c): global init, LP init on every logical CPU,
 * CONFIG once after all LPs, KEY.CONFIG once per package, TDMR.INIT until
 * every TDMR is done. A call in the wrong state returns the module's own
 * status. Pure and synchronous: one instance per simulated boot.
 */
import { SZ_1G } from '../format/hex.js';
import type { Cmr } from '../host/types.js';
import { checkTdmr, precheckOverlaps } from './config-checks.js';
import { FaultInjector, type FaultSpec } from './faults.js';
import {
  MD_FIELD,
  TDX_FEATURES0_DYNAMIC_PAMT,
  TDX_FEATURES0_TD_PRESERVING,
  hasFeature,
  mdFieldKey,
  type LeafName,
  type MdFieldName,
} from './leaves.js';
import { parseModuleVersion, type ModuleParams } from './params.js';
import { OPERAND_ID, STATUS, withOperand } from './statuses.js';
import type { TdmrInfo } from './tdmr-info.js';

/** Every metadata field by its key (mdFieldKey): TDH.SYS.RD looks one up per call. */
const MD_FIELD_BY_KEY = new Map<bigint, MdFieldName>(
  (Object.keys(MD_FIELD) as MdFieldName[]).map((n) => [mdFieldKey(MD_FIELD[n]), n]),
);

/** PL.SYS_STATE values. */
export type SysState = 'SYSINIT_PENDING' | 'SYSINIT_DONE' | 'SYSCONFIG_DONE' | 'SYS_READY' | 'SYS_SHUTDOWN';

/** Output registers, where a leaf sets them. */
export interface SeamcallOut {
  rcx?: bigint;
  rdx?: bigint;
  r8?: bigint;
  r9?: bigint;
}

export interface SeamcallResult {
  status: bigint;
  out: SeamcallOut;
}

/** TDH.SYS.TDMR.INIT initializes 1024 4K PAMT entries per call (TDMR_4K_PAMT_INIT_COUNT): 4 MiB of TDMR. */
export const TDMR_INIT_CHUNK = 1024 * 4096;
/** TDMR_INFO_ENTRY_PTR_ARRAY_ALIGNMENT: the RCX array of TDH.SYS.CONFIG. */
export const TDMR_INFO_PA_ARRAY_ALIGNMENT = 512;

interface TdmrEntry {
  base: number;
  size: number;
  lastInitialized: number;
}

/** TDH.SYS.CONFIG R8 (sys_config_options_t): bits 15:0 the global HKID, bit 16 Dynamic PAMT, 63:17 reserved. */
export const SYS_CONFIG_DYNAMIC_PAMT = 1 << 16;
/** MAX_DYNAMIC_PAMT_HKID_START_BIT (pamt_manager.h): Dynamic PAMT needs at most 48 non-KeyID address bits. */
export const MAX_DYNAMIC_PAMT_HKID_START_BIT = 48;
/**
 * The handoff version this emulated module produces and accepts (its
 * MODULE_HV and MIN_UPDATE_HV). An emulator constant, not a claim about any
 * real module's value.
 */
export const EMULATED_MODULE_HV = 1;

/** What TDH.SYS.SHUTDOWN hands the next module (prepare_handoff_data): the configuration that survives. */
export interface ModuleHandoff {
  hv: number;
  hkid: number;
  dynamicPamt: boolean;
  tdmrs: { base: number; size: number; lastInitialized: number }[];
}

export interface TdxModuleOptions {
  /** false: no module was loaded by the BIOS/SEAMLDR; every SEAMCALL fails with VMFailInvalid. */
  loaded?: boolean;
  faults?: FaultSpec[];
  /** Share an injector (a module update keeps the scenario's injected faults and their counts). */
  injector?: FaultInjector;
  /** Handoff data a P-SEAMLDR install left for this module (runtime update). */
  handoff?: ModuleHandoff;
}

export class TdxModule {
  state: SysState = 'SYSINIT_PENDING';
  readonly loaded: boolean;
  readonly faults: FaultInjector;
  private readonly lpInitDone: boolean[];
  private readonly pkgConfigured: boolean[];
  private tdmrTable: TdmrEntry[] = [];
  /** TDMR table entries by base: TDH.SYS.TDMR.INIT looks its TDMR up on every call. */
  private tdmrByBase = new Map<number, TdmrEntry>();
  private hkid = -1;
  /** Dynamic PAMT enabled by TDH.SYS.CONFIG (R8 bit 16). */
  dynamicPamt = false;
  /** Handoff data in the SEAM range: written by TDH.SYS.SHUTDOWN, consumed by TDH.SYS.UPDATE. */
  private handoffData: ModuleHandoff | undefined;
  private parsedVersion: ReturnType<typeof parseModuleVersion> | undefined;

  constructor(
    readonly params: ModuleParams,
    options: TdxModuleOptions = {},
  ) {
    this.loaded = options.loaded ?? true;
    this.faults = options.injector ?? new FaultInjector([...(options.faults ?? [])]);
    this.lpInitDone = new Array(params.packages * params.lpsPerPackage).fill(false);
    this.pkgConfigured = new Array(params.packages).fill(false);
    this.handoffData = options.handoff;
  }

  /** The handoff data left by TDH.SYS.SHUTDOWN (for the P-SEAMLDR install of the next module). */
  get handoff(): ModuleHandoff | undefined {
    return this.handoffData;
  }

  /** TDX_FEATURES0 bit 36. */
  get supportsDynamicPamt(): boolean {
    return hasFeature(this.params.tdxFeatures0, TDX_FEATURES0_DYNAMIC_PAMT);
  }

  /** TDX_FEATURES0 bit 1: TD-preserving update (the handoff metadata exists). */
  get supportsRuntimeUpdate(): boolean {
    return hasFeature(this.params.tdxFeatures0, TDX_FEATURES0_TD_PRESERVING);
  }

  get numLps(): number {
    return this.lpInitDone.length;
  }

  packageOf(lp: number): number {
    return Math.floor(lp / this.params.lpsPerPackage);
  }

  lpIsInit(lp: number): boolean {
    return this.lpInitDone[lp] === true;
  }

  initializedLps(): number {
    return this.lpInitDone.filter(Boolean).length;
  }

  configuredPackages(): number {
    return this.pkgConfigured.filter(Boolean).length;
  }

  /** Snapshot for results: state and progress counters. */
  summary(): {
    state: SysState;
    lpsInitialized: number;
    lps: number;
    packagesConfigured: number;
    tdmrs: number;
    tdmrsInitialized: number;
  } {
    return {
      state: this.state,
      lpsInitialized: this.initializedLps(),
      lps: this.numLps,
      packagesConfigured: this.configuredPackages(),
      tdmrs: this.tdmrTable.length,
      tdmrsInitialized: this.tdmrTable.filter((t) => t.lastInitialized >= t.base + t.size).length,
    };
  }

  /** Instruction-level outcome before the leaf runs: not loaded, or an injected fault. */
  private preamble(leaf: LeafName): bigint | undefined {
    if (!this.loaded) return STATUS.TDX_SEAMCALL_VMFAILINVALID;
    const injected = this.faults.next(leaf);
    if (injected !== undefined) return injected;
    if (this.state === 'SYS_SHUTDOWN') return STATUS.TDX_SYS_SHUTDOWN;
    return undefined;
  }

  private done(status: bigint, out: SeamcallOut = {}): SeamcallResult {
    return { status, out };
  }

  /** TDH.SYS.INIT (33): once for the platform. */
  sysInit(): SeamcallResult {
    const pre = this.preamble('TDH_SYS_INIT');
    if (pre !== undefined) return this.done(pre);
    if (this.state !== 'SYSINIT_PENDING') return this.done(STATUS.TDX_SYS_INIT_NOT_PENDING);
    this.state = 'SYSINIT_DONE';
    return this.done(STATUS.TDX_SUCCESS);
  }

  /** TDH.SYS.LP.INIT (35): once on every logical CPU, after SYS.INIT and before CONFIG. */
  lpInit(lp: number): SeamcallResult {
    const pre = this.preamble('TDH_SYS_LP_INIT');
    if (pre !== undefined) return this.done(pre);
    if (this.state !== 'SYSINIT_DONE') return this.done(STATUS.TDX_SYS_LP_INIT_NOT_PENDING);
    if (this.lpInitDone[lp]) return this.done(STATUS.TDX_SYS_LP_INIT_DONE);
    this.lpInitDone[lp] = true;
    return this.done(STATUS.TDX_SUCCESS);
  }

  /** TDH.SYS.INFO (32, TDX 1.0 API): the CMR array and TDMR limits. */
  sysInfo(lp: number): SeamcallResult & {
    cmrs?: Cmr[];
    limits?: { maxTdmrs: number; maxReservedPerTdmr: number; pamtEntrySize: ModuleParams['pamtEntrySize'] };
  } {
    const pre = this.preamble('TDH_SYS_INFO');
    if (pre !== undefined) return this.done(pre);
    if (!this.lpInitDone[lp]) return this.done(STATUS.TDX_SYS_LP_INIT_NOT_DONE);
    const p = this.params;
    return {
      status: STATUS.TDX_SUCCESS,
      out: { r9: BigInt(p.cmrs.length) },
      cmrs: p.cmrs.map((c) => ({ ...c })),
      limits: { maxTdmrs: p.maxTdmrs, maxReservedPerTdmr: p.maxReservedPerTdmr, pamtEntrySize: { ...p.pamtEntrySize } },
    };
  }

  private metadataValue(field: bigint): bigint | undefined {
    const p = this.params;
    const name = MD_FIELD_BY_KEY.get(mdFieldKey(field));
    if (name === undefined) return undefined;
    switch (name) {
      case 'MINOR_VERSION':
        return BigInt(this.version.minor);
      case 'MAJOR_VERSION':
        return BigInt(this.version.major);
      case 'UPDATE_VERSION':
        return BigInt(this.version.update ?? 0);
      case 'PAMT_PAGE_BITMAP_ENTRY_BITS':
        // metadata_sys.c: the bitmap element is the constant 1; absent without Dynamic PAMT.
        return this.supportsDynamicPamt ? 1n : undefined;
      case 'MODULE_HV':
        return this.supportsRuntimeUpdate ? BigInt(EMULATED_MODULE_HV) : undefined;
      case 'TDX_FEATURES0':
        return BigInt(p.tdxFeatures0);
      case 'MAX_TDMRS':
        return BigInt(p.maxTdmrs);
      case 'MAX_RESERVED_PER_TDMR':
        return BigInt(p.maxReservedPerTdmr);
      case 'PAMT_4K_ENTRY_SIZE':
        return BigInt(p.pamtEntrySize['4k']);
      case 'PAMT_2M_ENTRY_SIZE':
        return BigInt(p.pamtEntrySize['2m']);
      case 'PAMT_1G_ENTRY_SIZE':
        return BigInt(p.pamtEntrySize['1g']);
    }
  }

  /** The module's version, parsed once (params never change). */
  private get version(): ReturnType<typeof parseModuleVersion> {
    return (this.parsedVersion ??= parseModuleVersion(this.params.version));
  }

  /**
   * TDH.SYS.RD (34): one global metadata field, value in R8. A TDX 1.0 module
   * does not implement the leaf and answers TDX_SYS_NOT_READY with the input
   * registers untouched (real hosts: canonical/tdx #83, #331).
   */
  sysRd(lp: number, field: bigint): SeamcallResult {
    const pre = this.preamble('TDH_SYS_RD');
    if (pre !== undefined) return this.done(pre, { rdx: field, r8: 0n });
    if (!this.params.sysRdSupported) return this.done(STATUS.TDX_SYS_NOT_READY, { rcx: 0n, rdx: field, r8: 0n });
    if (!this.lpInitDone[lp]) return this.done(STATUS.TDX_SYS_LP_INIT_NOT_DONE, { rdx: field, r8: 0n });
    const v = this.metadataValue(field);
    if (v === undefined) return this.done(STATUS.TDX_METADATA_FIELD_ID_INCORRECT, { rdx: field, r8: 0n });
    return this.done(STATUS.TDX_SUCCESS, { rdx: field, r8: v });
  }

  /** TDH.SYS.RDALL (47): every field at once (same availability rules as TDH.SYS.RD). */
  sysRdAll(lp: number): SeamcallResult & { fields?: Record<string, bigint> } {
    const pre = this.preamble('TDH_SYS_RDALL');
    if (pre !== undefined) return this.done(pre);
    if (!this.params.sysRdSupported) return this.done(STATUS.TDX_SYS_NOT_READY);
    if (!this.lpInitDone[lp]) return this.done(STATUS.TDX_SYS_LP_INIT_NOT_DONE);
    const fields: Record<string, bigint> = {};
    for (const [name, id] of Object.entries(MD_FIELD)) {
      const v = this.metadataValue(id);
      if (v !== undefined) fields[name] = v;
    }
    return { status: STATUS.TDX_SUCCESS, out: {}, fields };
  }

  private isPrivateHkid(keyid: number): boolean {
    const first = this.params.mktmeKeyids + 1;
    return keyid >= first && keyid < first + this.params.tdxKeyids;
  }

  /**
   * TDH.SYS.CONFIG (45): RCX = PA of the TDMR_INFO pointer array, RDX = count,
   * R8 = sys_config_options (global KeyID in bits 15:0, Dynamic PAMT in bit
   * 16); `tdmrs` is what those pointers point at.
   */
  sysConfig(tdmrInfoPa: number, tdmrs: readonly TdmrInfo[], r8: number): SeamcallResult {
    const pre = this.preamble('TDH_SYS_CONFIG');
    if (pre !== undefined) return this.done(pre);
    if (this.state !== 'SYSINIT_DONE') return this.done(STATUS.TDX_SYS_CONFIG_NOT_PENDING);
    if (this.initializedLps() < this.numLps) return this.done(STATUS.TDX_SYS_CONFIG_NOT_PENDING);
    if (tdmrInfoPa % TDMR_INFO_PA_ARRAY_ALIGNMENT !== 0)
      return this.done(withOperand(STATUS.TDX_OPERAND_INVALID, OPERAND_ID.RCX));
    if (tdmrs.length > this.params.maxTdmrs || tdmrs.length < 1)
      return this.done(withOperand(STATUS.TDX_OPERAND_INVALID, OPERAND_ID.RDX));
    const keyid = r8 % 0x10000;
    const dynamicPamt = Math.floor(r8 / SYS_CONFIG_DYNAMIC_PAMT) % 2 === 1;
    // A module without Dynamic PAMT has bit 16 among its reserved bits.
    const reservedBits =
      Math.floor(r8 / (2 * SYS_CONFIG_DYNAMIC_PAMT)) !== 0 || (dynamicPamt && !this.supportsDynamicPamt);
    if (reservedBits || !this.isPrivateHkid(keyid))
      return this.done(withOperand(STATUS.TDX_OPERAND_INVALID, OPERAND_ID.R8));
    const p = this.params;
    // The module's DPAMT tree covers at most 48 non-KeyID address bits (dynamic-pamt.md §1).
    if (dynamicPamt && p.physAddrBits - p.keyidBits > MAX_DYNAMIC_PAMT_HKID_START_BIT)
      return this.done(withOperand(STATUS.TDX_OPERAND_INVALID, OPERAND_ID.R8));
    const limits = {
      cmrs: p.cmrs,
      maxReservedPerTdmr: p.maxReservedPerTdmr,
      pamtEntrySize: p.pamtEntrySize,
      physAddrBits: p.physAddrBits,
      keyidBits: p.keyidBits,
      dynamicPamt,
    };
    const overlapPrecheck = precheckOverlaps(tdmrs, limits.maxReservedPerTdmr);
    for (let i = 0; i < tdmrs.length; i++) {
      const status = checkTdmr(tdmrs, i, limits, overlapPrecheck);
      if (status !== STATUS.TDX_SUCCESS) return this.done(status);
    }
    this.hkid = keyid;
    this.dynamicPamt = dynamicPamt;
    this.setTdmrTable(tdmrs.map((t) => ({ base: t.base, size: t.size, lastInitialized: t.base })));
    this.pkgConfigured.fill(false);
    this.state = 'SYSCONFIG_DONE';
    return this.done(STATUS.TDX_SUCCESS);
  }

  private setTdmrTable(entries: TdmrEntry[]): void {
    this.tdmrTable = entries;
    // TDMRs are sorted and disjoint (TDH.SYS.CONFIG check 2), so bases are unique.
    this.tdmrByBase = new Map(this.tdmrTable.map((e) => [e.base, e]));
  }

  /** TDH.SYS.KEY.CONFIG (31): once per package, on a CPU of that package. */
  keyConfig(lp: number): SeamcallResult {
    const pre = this.preamble('TDH_SYS_KEY_CONFIG');
    if (pre !== undefined) return this.done(pre);
    if (this.state !== 'SYSCONFIG_DONE') return this.done(STATUS.TDX_SYS_KEY_CONFIG_NOT_PENDING);
    const pkg = this.packageOf(lp);
    if (this.pkgConfigured[pkg]) return this.done(STATUS.TDX_KEY_CONFIGURED);
    this.pkgConfigured[pkg] = true;
    if (this.pkgConfigured.every(Boolean)) this.state = 'SYS_READY';
    return this.done(STATUS.TDX_SUCCESS);
  }

  /**
   * TDH.SYS.TDMR.INIT (36): initializes TDMR_INIT_CHUNK more of the TDMR at
   * RCX; RDX = next-to-initialize address rounded down to 1 GiB. Before
   * SYS_READY the module answers TDX_SYS_NOT_READY (lab model of the
   * dispatcher's readiness check).
   */
  tdmrInit(base: number): SeamcallResult {
    const pre = this.preamble('TDH_SYS_TDMR_INIT');
    if (pre !== undefined) return this.done(pre, { rdx: 0n });
    if (this.state !== 'SYS_READY') return this.done(STATUS.TDX_SYS_NOT_READY, { rdx: 0n });
    const invalid = this.done(withOperand(STATUS.TDX_OPERAND_INVALID, OPERAND_ID.RCX), { rdx: 0n });
    if (base % SZ_1G !== 0) return invalid;
    const t = this.tdmrByBase.get(base);
    if (!t) return invalid;
    if (t.lastInitialized >= t.base + t.size) return this.done(STATUS.TDX_TDMR_ALREADY_INITIALIZED, { rdx: 0n });
    t.lastInitialized += TDMR_INIT_CHUNK;
    const next = t.lastInitialized - (t.lastInitialized % SZ_1G);
    return this.done(STATUS.TDX_SUCCESS, { rdx: BigInt(next) });
  }

  /**
   * Up to `max` consecutive TDH.SYS.TDMR.INIT calls on the TDMR at `base` in
   * one step, exactly as if tdmrInit() had been called that many times, but
   * stopping before any call that would not simply succeed (an injected
   * fault, the wrong state, an unknown base, an initialized TDMR). A 4 TiB
   * host needs a million calls; this keeps the emulation fast.
   */
  tdmrInitRun(base: number, max: number): { calls: number; rdx: bigint } {
    const none = { calls: 0, rdx: 0n };
    if (!this.loaded || this.state !== 'SYS_READY') return none;
    const t = this.tdmrByBase.get(base);
    if (!t || t.lastInitialized >= t.base + t.size) return none;
    const remaining = Math.ceil((t.base + t.size - t.lastInitialized) / TDMR_INIT_CHUNK);
    const n = Math.min(max, remaining, this.faults.cleanRun('TDH_SYS_TDMR_INIT'));
    if (n <= 0) return none;
    this.faults.advance('TDH_SYS_TDMR_INIT', n);
    t.lastInitialized += n * TDMR_INIT_CHUNK;
    return { calls: n, rdx: BigInt(t.lastInitialized - (t.lastInitialized % SZ_1G)) };
  }

  /** Every TDMR fully initialized (the module can take TDs). */
  allTdmrsInitialized(): boolean {
    return this.state === 'SYS_READY' && this.tdmrTable.every((t) => t.lastInitialized >= t.base + t.size);
  }

  /**
   * TDH.SYS.SHUTDOWN (52), RCX = the handoff version to produce
   * (tdh_sys_shutdown.c): an unsupported handoff version is refused;
   * otherwise the module stops (every later host-side call returns TDX_SYS_SHUTDOWN)
   * and writes its handoff data (TDMRs, PAMTs, global KeyID, Dynamic PAMT)
   * for the next module.
   */
  shutdown(hv: number = EMULATED_MODULE_HV): SeamcallResult {
    const pre = this.preamble('TDH_SYS_SHUTDOWN');
    if (pre !== undefined) return this.done(pre);
    if (hv !== EMULATED_MODULE_HV) return this.done(withOperand(STATUS.TDX_OPERAND_INVALID, OPERAND_ID.RCX));
    // The VMM dispatcher admits the leaf only in SYS_READY (the handler asserts it).
    if (this.state !== 'SYS_READY') return this.done(STATUS.TDX_SYS_NOT_READY);
    this.state = 'SYS_SHUTDOWN';
    this.handoffData = {
      hv,
      hkid: this.hkid,
      dynamicPamt: this.dynamicPamt,
      tdmrs: this.tdmrTable.map((t) => ({ ...t })),
    };
    return this.done(STATUS.TDX_SUCCESS);
  }

  /**
   * TDH.SYS.UPDATE (53) on the newly installed module (tdh_sys_update.c):
   * after TDH.SYS.INIT and LP.INIT on every logical CPU it imports the
   * handoff data and is ready at once: no CONFIG, KEY.CONFIG or TDMR.INIT,
   * the TDMRs and PAMTs stay where they are.
   */
  sysUpdate(): SeamcallResult {
    const pre = this.preamble('TDH_SYS_UPDATE');
    if (pre !== undefined) return this.done(pre);
    if (this.state !== 'SYSINIT_DONE' || this.initializedLps() < this.numLps)
      return this.done(STATUS.TDX_SYS_STATE_INCORRECT);
    const h = this.handoffData;
    if (!h || h.hv !== EMULATED_MODULE_HV) return this.done(STATUS.TDX_SYS_INVALID_HANDOFF);
    this.hkid = h.hkid;
    this.dynamicPamt = h.dynamicPamt;
    this.setTdmrTable(h.tdmrs.map((t) => ({ ...t })));
    this.pkgConfigured.fill(true);
    this.handoffData = undefined;
    this.state = 'SYS_READY';
    return this.done(STATUS.TDX_SUCCESS);
  }

  get globalKeyid(): number {
    return this.hkid;
  }
}
