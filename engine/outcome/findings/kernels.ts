/**
 * other-kernel-differs: the same subject on every other kernel variant the
 * lab emulates; a finding for each one whose outcome differs, quoting what
 * that kernel prints. Warns when another kernel breaks a host that works.
 */
import { kernelNamed } from '../kernel-facts.js';
import type { Finding, Trial } from '../types.js';
import type { RuleContext } from './context.js';

function differs(c: RuleContext, t: Trial): boolean {
  if (t.ok !== c.pre.ok) return true;
  if (!t.ok) return t.stage !== c.pre.stage || t.statusName !== c.pre.statusName;
  return (
    t.pamtKb !== (c.pamt.printedKb ?? c.pamt.kb) ||
    t.refusedBlocks !==
      c.run.memoryBlocks.filter((b) => b.state === 'refused').reduce((n, b) => n + (b.end - b.start), 0) /
        (c.host.platform?.memory_block_size ?? 128 * 1024 * 1024)
  );
}

export function otherKernelDiffers(c: RuleContext): Finding[] {
  const out: Finding[] = [];
  for (const k of c.otherKernels) {
    const t = c.trials.run(`kernel ${k}`, [{ kind: 'kernel', kernel: k }]);
    if ('notTried' in t) continue;
    if (!differs(c, t)) continue;
    const breaks = c.pre.ok && !t.ok;
    const fix = {
      kind: 'kernel' as const,
      name: kernelNamed(k),
      how: breaks ? `Stay on ${c.kernel} until the cause is fixed.` : 'Install and boot it.',
      trial: t,
    };
    out.push({
      id: 'other-kernel-differs',
      severity: breaks ? 'warning' : 'info',
      title: `On ${k}: ${t.shows.replace(/\.$/, '')}`,
      cause: breaks
        ? `This host initializes on ${c.kernel}, but the ${k} kernel gives another outcome: moving to it breaks TDX here.`
        : `The ${k} kernel behaves differently on this host from ${c.kernel}.`,
      evidence: t.printed.map((line) => ({ kind: 'fact' as const, label: `${k} prints`, value: line })),
      ...(breaks ? { fixes: [], ruledOut: [fix] } : { fixes: [fix] }),
    });
  }
  return out;
}
