/** Small module fixtures shared by the module tests. */
import { SZ_1G } from '../../engine/format/hex.js';
import type { ModuleParams } from '../../engine/module/params.js';
import type { TdmrInfo } from '../../engine/module/tdmr-info.js';

/** 2 packages × 2 LPs, CMR [0, 8 GiB), standard limits. */
export function params(over: Partial<ModuleParams> = {}): ModuleParams {
  return {
    cmrs: [{ base: 0, size: 8 * SZ_1G }],
    maxTdmrs: 64,
    maxReservedPerTdmr: 16,
    pamtEntrySize: { '4k': 16, '2m': 16, '1g': 16 },
    version: '1.5.06',
    tdxFeatures0: 1 << 18,
    sysRdSupported: true,
    packages: 2,
    lpsPerPackage: 2,
    physAddrBits: 46,
    keyidBits: 6,
    mktmeKeyids: 63,
    tdxKeyids: 64,
    ...over,
  };
}

/** A valid TDMR_INFO of `gib` GiB at `base` whose PAMT sits at `pamtBase` (in a reserved area). */
export function tdmr(
  base: number,
  gib: number,
  pamtBase: number,
  reserved: { offset: number; size: number }[] = [],
): TdmrInfo {
  const size = gib * SZ_1G;
  const s4k = (size / 4096) * 16;
  const s2m = (size / 0x200000) * 16;
  const s1g = 4096;
  return {
    base,
    size,
    pamt4kBase: pamtBase,
    pamt4kSize: s4k,
    pamt2mBase: pamtBase + s4k,
    pamt2mSize: s2m,
    pamt1gBase: pamtBase + s4k + s2m,
    pamt1gSize: s1g,
    reserved,
  };
}

/** PAMT bytes of a TDMR of `gib` GiB (4K + 2M + 1G parts). */
export function pamtBytes(gib: number): number {
  const size = gib * SZ_1G;
  return (size / 4096) * 16 + (size / 0x200000) * 16 + 4096;
}
