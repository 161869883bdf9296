/**
 * The TDX module itself: too old for the kernel's metadata reads, missing
 * the NO_RBP_MOD feature, not loaded at all, or a SEAMCALL failing for a
 * reason no other rule explains; and entropy retries that still succeeded.
 */
import { MODULE_UPDATE, BIOS_ENABLE_TDX } from '../advice.js';
import { TDX_FEATURES0_NO_RBP_MOD } from '../../module/leaves.js';
import { statusMeaning } from '../status-meaning.js';
import type { Evidence, Finding } from '../types.js';
import {
  failingSeamcallEvidence,
  logEvidence,
  plural,
  present,
  triedFix,
  untriedFix,
  type RuleContext,
} from './context.js';

export function moduleTooOld(c: RuleContext): Finding[] {
  if (c.pre.stage !== 'metadata' || c.host.module.sys_rd_supported !== false) return [];
  const version = c.host.module.version ?? '1.0';
  return [
    {
      id: 'module-too-old',
      severity: 'error',
      title: `TDX module ${version} cannot answer TDH.SYS.RD`,
      cause: `The kernel reads the module's global metadata with TDH.SYS.RD (leaf 34), one field per call. TDX 1.0 modules only implement TDH.SYS.INFO, so the first read fails with ${c.pre.statusName ?? 'an error'} and init fails with ${c.pre.errno ?? '-EIO'} (as on canonical/tdx #83 and #331).`,
      evidence: present<Evidence>([
        failingSeamcallEvidence(c),
        logEvidence(c, (l) => l.includes('SEAMCALL (0x0000000000000022) failed')),
        { kind: 'fact', label: 'module version', value: version },
      ]),
      fixes: [
        triedFix(c, 'module', 'a TDX 1.5 (or later) module', MODULE_UPDATE, 'module 1.5 with TDH.SYS.RD', [
          { kind: 'module', patch: { version: '1.5.06', sys_rd_supported: true } },
        ]),
      ],
    },
  ];
}

export function noRbpMod(c: RuleContext): Finding[] {
  if (c.pre.stage !== 'features') return [];
  const f0 = c.host.module.tdx_features0 ?? TDX_FEATURES0_NO_RBP_MOD;
  return [
    {
      id: 'no-rbp-mod',
      severity: 'error',
      title: 'The TDX module clobbers RBP (TDX_FEATURES0 lacks NO_RBP_MOD)',
      cause:
        "The kernel requires TDX_FEATURES0 bit 18 (NO_RBP_MOD): older modules may change RBP across SEAMCALLs, which breaks the kernel's frame pointers, so it refuses the module with -EINVAL (kernel-flow.md §3 step 2).",
      evidence: present<Evidence>([
        logEvidence(c, (l) => l.includes('frame pointer (RBP) clobber bug present')),
        { kind: 'fact', label: 'TDX_FEATURES0', value: `0x${f0.toString(16)} (bit 18 clear)` },
      ]),
      fixes: [
        triedFix(c, 'module', 'a module that reports NO_RBP_MOD (TDX 1.5.x)', MODULE_UPDATE, 'module with NO_RBP_MOD', [
          { kind: 'module', patch: { tdx_features0: (f0 | TDX_FEATURES0_NO_RBP_MOD) >>> 0 } },
        ]),
      ],
    },
  ];
}

export function moduleNotLoaded(c: RuleContext): Finding[] {
  const line = logEvidence(c, (l) => l === 'virt/tdx: module not loaded');
  if (c.pre.ok || !line) return [];
  return [
    {
      id: 'module-not-loaded',
      severity: 'error',
      title: 'No TDX module is loaded',
      cause:
        'TDH.SYS.INIT failed with VMFailInvalid: the SEAMCALL instruction found no module in SEAM range memory, so the BIOS did not load one and every CPU bring-up fails with -ENODEV.',
      evidence: present<Evidence>([line, failingSeamcallEvidence(c)]),
      fixes: [
        untriedFix(
          'bios',
          BIOS_ENABLE_TDX,
          'The BIOS loads the TDX module at boot through the SEAM Loader; a BIOS without a TDX module needs an update.',
          'the module is loaded by the firmware before Linux runs',
        ),
      ],
    },
  ];
}

/** Statuses other rules explain; seamcall-failed speaks for the rest. */
const EXPLAINED = new Set(['TDX_TDMR_OUTSIDE_CMRS', 'TDX_PAMT_OUTSIDE_CMRS', 'TDX_SYS_CONFIG_NOT_PENDING']);

export function seamcallFailed(c: RuleContext): Finding[] {
  if (c.pre.ok || !c.pre.status || !c.pre.statusName) return [];
  if (EXPLAINED.has(c.pre.statusName) || (c.pre.stage === 'metadata' && c.host.module.sys_rd_supported === false))
    return [];
  if (c.pre.statusName === 'TDX_SEAMCALL_VMFAILINVALID') return [];
  if (
    c.pre.statusName === 'TDX_OPERAND_INVALID' &&
    c.pre.statusDetail === 'operand R8' &&
    c.log.some((l) => l.includes('Enable Dynamic PAMT'))
  )
    return []; // dpamt-rejected
  const meaning = statusMeaning(c.pre.statusName);
  return [
    {
      id: 'seamcall-failed',
      severity: 'error',
      title: `${c.pre.seamcall ?? 'A SEAMCALL'} failed with ${c.pre.statusName}`,
      cause: `${c.pre.seamcall ?? 'The SEAMCALL'} returned ${c.pre.status} (${c.pre.statusName}${c.pre.statusDetail ? `: ${c.pre.statusDetail}` : ''}), so ${c.pre.stageText ?? 'init'} failed with ${c.pre.errno ?? 'an error'}. ${meaning}`,
      evidence: present<Evidence>([failingSeamcallEvidence(c)]),
      fixes: [],
    },
  ];
}

export function entropyRetried(c: RuleContext): Finding[] {
  const retried = c.seamcalls.filter((s) => s.statusName === 'TDX_RND_NO_ENTROPY');
  if (!retried.length || !c.pre.ok) return [];
  const i = c.seamcalls.indexOf(retried[0]);
  return [
    {
      id: 'entropy-retried',
      severity: 'info',
      title: `${retried[0].name} ran out of entropy ${plural(retried.length, 'time')}; the kernel retried`,
      cause:
        "TDX_RND_NO_ENTROPY means the CPU's random number generator had no entropy for the call. The kernel retries such a SEAMCALL up to 10 attempts in all (kernel-flow.md §4), and here a retry succeeded.",
      evidence: [
        {
          kind: 'seamcall',
          index: i,
          name: retried[0].name,
          status: retried[0].status,
          statusName: retried[0].statusName,
        },
      ],
      fixes: [],
    },
  ];
}
