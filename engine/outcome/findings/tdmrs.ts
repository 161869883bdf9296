/**
 * TDMR count: every 1 GiB-aligned range that holds TDX memory needs a TDMR,
 * and the module allows MAX_TDMRS (fill_out_tdmrs fails with -ENOSPC past it).
 */
import { humanSize } from '../../format/hex.js';
import { fillOutTdmrs } from '../../kernel/tdmr.js';
import { ref } from '../refs.js';
import type { Evidence, Finding, Fix } from '../types.js';
import { logEvidence, plural, present, triedFix, type RuleContext } from './context.js';

export function tooManyTdmrs(c: RuleContext): Finding[] {
  const plan = c.plan;
  if (!plan || plan.ok || plan.stage !== 'tdmrs') return [];
  const max = c.host.module.max_tdmrs;
  const needed = c.tdmrsNeeded;
  // The TDMRs the module could take: the first MAX_TDMRS of a fill-out with no limit.
  const all = fillOutTdmrs(plan.memlist, Number.MAX_SAFE_INTEGER, []);
  const last = all.ok ? all.tdmrs[max - 1] : undefined;
  const covered = last ? last.base + last.size : 0;
  const rest = plan.memlist
    .filter((m) => m.end > covered)
    .map((m) => [Math.max(m.start, covered), m.end] as [number, number]);
  const restBytes = rest.reduce((n, [a, b]) => n + b - a, 0);
  const fixes: Fix[] = [];
  if (rest.length)
    fixes.push(
      triedFix(
        c,
        'boot-parameter',
        `memmap= (or mem=) to give up the ${humanSize(restBytes)} past TDMR ${max - 1}`,
        rest.length <= 4
          ? `Mark it reserved: ${rest.map(([a, b]) => `memmap=0x${(b - a).toString(16)}$0x${a.toString(16)}`).join(' ')}`
          : `mem=0x${covered.toString(16)} stops the kernel using memory above the last TDMR the module allows.`,
        `memory past TDMR ${max - 1} removed`,
        [{ kind: 'remove-memory', ranges: rest }],
      ),
    );
  return [
    {
      id: 'too-many-tdmrs',
      severity: 'error',
      title: `The memory needs ${needed ?? 'more'} TDMRs; the module allows ${max}`,
      cause: `Each 1 GiB-aligned range that holds TDX memory needs its own TDMR, and this memory spans ${needed ?? 'more'} of them. The module reports MAX_TDMRS ${max}, so fill_out_tdmrs gives up with -ENOSPC.`,
      evidence: present<Evidence>([
        { kind: 'fact', label: 'TDMRs', value: `${needed ?? '?'} needed, ${max} allowed` },
        logEvidence(c, (l) => l.includes('TDMRs exhausted')),
        rest.length
          ? {
              kind: 'range',
              label: `TDX memory no TDMR can cover (${humanSize(restBytes)} in ${plural(rest.length, 'range')}, spanning)`,
              start: rest[0][0],
              end: rest[rest.length - 1][1],
            }
          : null,
      ]),
      fixes,
    },
  ];
}

export function tdmrsNearLimit(c: RuleContext): Finding[] {
  const plan = c.plan;
  if (!plan?.ok) return [];
  const max = c.host.module.max_tdmrs;
  const n = plan.tdmrs.length;
  if (!(n > max - 4 || n >= max * 0.9)) return [];
  return [
    {
      id: 'tdmrs-near-limit',
      severity: 'warning',
      title: `${n} of ${max} TDMRs used`,
      cause:
        'The kernel needs almost every TDMR the module offers: memory in new 1 GiB-aligned ranges (a device onlined before init, a DIMM added) would exceed MAX_TDMRS and init would fail.',
      evidence: present<Evidence>([
        { kind: 'fact', label: 'TDMRs', value: `${n} used, ${max} allowed` },
        logEvidence(c, (l) => l.includes('consumed TDMRs reaching limit'), ref.tdmr(n - 1)),
      ]),
      fixes: [],
    },
  ];
}
