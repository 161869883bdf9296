/**
 * Every finding rule, in the order their findings are listed within a
 * severity (most serious severity first). A rule only reads its context.
 */
import type { Finding, Severity } from '../types.js';
import { blocksRefused } from './blocks.js';
import { dpamtRejected, preconditionFailed, refcountAllocFailed } from './boot-init.js';
import { memoryOutsideCmrs, nonConvertibleReserved, pamtOutsideCmrs } from './cmrs.js';
import { sortFixes, type Rule, type RuleContext } from './context.js';
import { eventFailed } from './events.js';
import { otherKernelDiffers } from './kernels.js';
import { entropyRetried, moduleNotLoaded, moduleTooOld, noRbpMod, seamcallFailed } from './module.js';
import { pamtAllocFailed, pamtRemoteNode } from './pamt.js';
import { cpusOfflineAtInit, tdxNotEnabled } from './platform.js';
import { recordedDisagrees } from './recorded.js';
import { reservedAreasExhausted, reservedAreasNearLimit } from './reserved.js';
import { tdmrsNearLimit, tooManyTdmrs } from './tdmrs.js';

export const RULES: readonly Rule[] = [
  tdxNotEnabled,
  moduleNotLoaded,
  moduleTooOld,
  noRbpMod,
  cpusOfflineAtInit,
  preconditionFailed,
  refcountAllocFailed,
  dpamtRejected,
  tooManyTdmrs,
  pamtAllocFailed,
  reservedAreasExhausted,
  pamtOutsideCmrs,
  memoryOutsideCmrs,
  seamcallFailed,
  blocksRefused,
  nonConvertibleReserved,
  reservedAreasNearLimit,
  tdmrsNearLimit,
  pamtRemoteNode,
  entropyRetried,
  eventFailed,
  recordedDisagrees,
  otherKernelDiffers,
];

const RANK: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

/** Fixes a trial showed do not help move to `ruledOut`, so a finding never offers a fix that fails. */
function settle(f: Finding): Finding {
  const { fixes, ruledOut } = sortFixes(f.fixes);
  const all = [...(ruledOut ?? []), ...(f.ruledOut ?? [])];
  const out: Finding = { ...f, fixes };
  if (all.length) out.ruledOut = all;
  else delete out.ruledOut;
  return out;
}

export function findingsFor(c: RuleContext): Finding[] {
  const out: Finding[] = [];
  for (const rule of RULES) out.push(...rule(c).map(settle));
  return out.sort((a, b) => RANK[a.severity] - RANK[b.severity]);
}
