/**
 * Why two outcomes differ, in the engine's own words: the findings one side
 * has and the other lacks (matched by id), and whether the verdicts differ.
 * A face quotes the findings' titles and causes; it never words a reason
 * of its own. Pure.
 */
import type { Finding, Outcome } from '../outcome/types.js';

export interface CompareWhy {
  /** The verdicts differ: one initializes and the other does not, their levels differ, or they say something else. */
  verdictDiffers: boolean;
  /** Findings B has and A lacks, most serious first. */
  onlyB: Finding[];
  /** Findings A has and B lacks. */
  onlyA: Finding[];
  /** Findings both have (same id) that say something else (title or cause). */
  changed: { a: Finding; b: Finding }[];
}

export function compareWhy(a: Outcome, b: Outcome): CompareWhy {
  const aIds = new Map(a.findings.map((f) => [f.id, f]));
  const bIds = new Map(b.findings.map((f) => [f.id, f]));
  const changed: CompareWhy['changed'] = [];
  for (const f of b.findings) {
    const g = aIds.get(f.id);
    if (g && (g.title !== f.title || g.cause !== f.cause)) changed.push({ a: g, b: f });
  }
  return {
    verdictDiffers:
      a.verdict.ok !== b.verdict.ok || a.verdict.level !== b.verdict.level || a.verdict.headline !== b.verdict.headline,
    onlyB: b.findings.filter((f) => !aIds.has(f.id)),
    onlyA: a.findings.filter((f) => !bIds.has(f.id)),
    changed,
  };
}
