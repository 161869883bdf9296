/**
 * The facts a TDX module instance is built from, taken from the Host with the
 * documented defaults (engine/host/types.ts Platform/ModuleLimits).
 */
import type { Cmr, Host, PamtEntrySize } from '../host/types.js';
import { TDX_FEATURES0_DYNAMIC_PAMT, TDX_FEATURES0_NO_RBP_MOD, TDX_FEATURES0_TD_PRESERVING } from './leaves.js';

export interface ModuleParams {
  cmrs: Cmr[];
  maxTdmrs: number;
  maxReservedPerTdmr: number;
  pamtEntrySize: PamtEntrySize;
  version: string;
  tdxFeatures0: number;
  /** TDX 1.0 modules implement TDH.SYS.INFO only; TDH.SYS.RD fails. */
  sysRdSupported: boolean;
  packages: number;
  lpsPerPackage: number;
  physAddrBits: number;
  keyidBits: number;
  mktmeKeyids: number;
  tdxKeyids: number;
}

/** Nodes with boot memory: the default package count. */
function nodeCount(host: Host): number {
  return new Set(host.memblock.map((r) => r.nid)).size || 1;
}

/** "1.5.06" → 1, 5, 6; "2.0.08.00" → 2, 0, 8 (the internal number is ignored); "1.5" → no update. */
export function parseModuleVersion(v: string): { major: number; minor: number; update?: number } {
  const [major, minor, update] = v.split('.').map(Number);
  return update === undefined ? { major, minor: minor ?? 0 } : { major, minor: minor ?? 0, update };
}

/** The first module source with Dynamic PAMT (dynamic-pamt.md §1: the 1.5.20 import). */
const FIRST_DPAMT = [1, 5, 20];

function versionAtLeast(v: { major: number; minor: number; update?: number }, [a, b, c]: number[]): boolean {
  if (v.major !== a) return v.major > a;
  if (v.minor !== b) return v.minor > b;
  return (v.update ?? 0) >= c;
}

export interface ModuleFeatures {
  features0: number;
  /** true: the host did not say; the lab assumed this value (see `reason`). */
  assumed: boolean;
  reason: string;
}

/**
 * TDX_FEATURES0 as the module reports it: the host's `module.tdx_features0`
 * when given; otherwise what the module version implies (NO_RBP_MOD always;
 * TD-preserving update from 1.5 on; Dynamic PAMT, bit 36, from 1.5.20 on).
 * Without a full version the lab assumes a current 1.5 module (1.5.20 or
 * later), as the golden DPAMT harness did, and says so.
 */
export function moduleFeatures(host: Host): ModuleFeatures {
  const m = host.module;
  if (m.tdx_features0 !== undefined)
    return { features0: m.tdx_features0, assumed: false, reason: 'module.tdx_features0 in the host file' };
  const current = TDX_FEATURES0_NO_RBP_MOD + TDX_FEATURES0_TD_PRESERVING + TDX_FEATURES0_DYNAMIC_PAMT;
  if (m.version === undefined)
    return {
      features0: current,
      assumed: true,
      reason:
        'assumed: the host gives no module.version or tdx_features0, so a current module (1.5.20 or later) is assumed',
    };
  const v = parseModuleVersion(m.version);
  if (v.major < 1 || (v.major === 1 && v.minor < 5))
    return {
      features0: TDX_FEATURES0_NO_RBP_MOD,
      assumed: true,
      reason: `module ${m.version} is TDX 1.0 (no runtime update, no Dynamic PAMT)`,
    };
  if (v.update === undefined)
    return {
      features0: current,
      assumed: true,
      reason: `assumed: module ${m.version} has no update number and is taken as 1.5.20 or later`,
    };
  const dpamt = versionAtLeast(v, FIRST_DPAMT);
  return {
    features0: TDX_FEATURES0_NO_RBP_MOD + TDX_FEATURES0_TD_PRESERVING + (dpamt ? TDX_FEATURES0_DYNAMIC_PAMT : 0),
    assumed: true,
    reason: dpamt ? `module ${m.version} is 1.5.20 or later` : `module ${m.version} is older than 1.5.20`,
  };
}

export function moduleParamsFromHost(host: Host): ModuleParams {
  const p = host.platform ?? {};
  const version = host.module.version ?? '1.5';
  return {
    cmrs: host.cmrs,
    maxTdmrs: host.module.max_tdmrs,
    maxReservedPerTdmr: host.module.max_reserved_per_tdmr,
    pamtEntrySize: host.module.pamt_entry_size,
    version,
    tdxFeatures0: moduleFeatures(host).features0,
    sysRdSupported: host.module.sys_rd_supported ?? !/^1\.0(\.|$)/.test(version),
    packages: p.packages ?? nodeCount(host),
    lpsPerPackage: p.lps_per_package ?? 2,
    physAddrBits: p.phys_addr_bits ?? 52,
    keyidBits: p.keyid_bits ?? 6,
    mktmeKeyids: p.mktme_keyids ?? 63,
    tdxKeyids: p.tdx_keyids ?? 64,
  };
}

/** The module's MAX_CMR. */
export const MAX_CMRS = 32;
