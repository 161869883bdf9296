/**
 * The facts a TDX module instance is built from, taken from the Host with the
 * documented defaults (engine/host/types.ts Platform/ModuleLimits).
 */
import type { Cmr, Host, PamtEntrySize } from '../host/types.js';
import { TDX_FEATURES0_NO_RBP_MOD } from './leaves.js';

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

export function moduleParamsFromHost(host: Host): ModuleParams {
  const p = host.platform ?? {};
  const version = host.module.version ?? '1.5';
  return {
    cmrs: host.cmrs,
    maxTdmrs: host.module.max_tdmrs,
    maxReservedPerTdmr: host.module.max_reserved_per_tdmr,
    pamtEntrySize: host.module.pamt_entry_size,
    version,
    tdxFeatures0: host.module.tdx_features0 ?? TDX_FEATURES0_NO_RBP_MOD,
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
