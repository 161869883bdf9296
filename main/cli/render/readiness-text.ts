/** The readiness checklist (engine/readiness) on a terminal: the verdict, then each check with what was found, why and where to fix it. */
import type { CheckStatus, Readiness } from '../../../engine/readiness/checklist.js';

export function renderReadiness(r: Readiness): string {
  const mark: Record<CheckStatus, string> = { ok: '[ok]     ', problem: '[PROBLEM]', unknown: '[unknown]' };
  const lines = [r.summary];
  for (const c of r.checks) {
    lines.push(`${mark[c.status]} ${c.title}`, `          found: ${c.found}`, `          why:   ${c.why}`);
    if (c.status !== 'ok' && c.fix) lines.push(`          fix:   ${c.fix}`, `          where: ${c.where}`);
  }
  return lines.join('\n');
}
