/**
 * Long logs cut around what matters, the same way in every face: runs of
 * identical lines collapse into one with a count, the lines a finding or
 * the verdict points at are always kept with a little context, and the
 * rest is elided with the number of lines left out.
 */
import type { Outcome } from './types.js';

export type ExcerptItem =
  { kind: 'line'; index: number; text: string; count: number; key: boolean } | { kind: 'gap'; omitted: number };

export interface ExcerptOptions {
  /** Lines kept at the start and the end. Default 6. */
  edge?: number;
  /** Lines kept on each side of a key line. Default 3. */
  context?: number;
  /** Above this many (collapsed) lines the log is cut; below, it is shown whole. Default 80. */
  max?: number;
}

export function excerpt(
  lines: readonly string[],
  keyIndexes: ReadonlySet<number>,
  o: ExcerptOptions = {},
): ExcerptItem[] {
  const edge = o.edge ?? 6;
  const context = o.context ?? 3;
  const max = o.max ?? 80;
  // Collapse runs of identical lines first: 4,000 identical SEAMCALL lines are one item.
  const runs: { index: number; text: string; count: number; key: boolean }[] = [];
  lines.forEach((text, index) => {
    const last = runs[runs.length - 1];
    const key = keyIndexes.has(index);
    if (last && last.text === text && !key && !last.key) last.count++;
    else runs.push({ index, text, count: 1, key });
  });
  if (runs.length <= max) return runs.map((r) => ({ kind: 'line', ...r }));
  const keep = new Uint8Array(runs.length);
  for (let i = 0; i < Math.min(edge, runs.length); i++) keep[i] = 1;
  for (let i = Math.max(0, runs.length - edge); i < runs.length; i++) keep[i] = 1;
  runs.forEach((r, i) => {
    if (!r.key) return;
    for (let j = Math.max(0, i - context); j <= Math.min(runs.length - 1, i + context); j++) keep[j] = 1;
  });
  const out: ExcerptItem[] = [];
  let omitted = 0;
  runs.forEach((r, i) => {
    if (keep[i]) {
      if (omitted) out.push({ kind: 'gap', omitted });
      omitted = 0;
      out.push({ kind: 'line', ...r });
    } else omitted += r.count;
  });
  if (omitted) out.push({ kind: 'gap', omitted });
  return out;
}

/** The log lines an Outcome's verdict and findings point at. */
export function keyLogLines(o: Outcome): Set<number> {
  const keys = new Set<number>();
  for (const f of o.findings) for (const e of f.evidence) if (e.kind === 'log') keys.add(e.index);
  const msgs = new Set(o.verdict.kernelMessages);
  o.log.forEach((l, i) => {
    if (msgs.has(l)) keys.add(i);
  });
  return keys;
}

/** The SEAMCALLs an Outcome's verdict and findings point at. */
export function keySeamcalls(o: Outcome): Set<number> {
  const keys = new Set<number>();
  for (const f of o.findings) for (const e of f.evidence) if (e.kind === 'seamcall') keys.add(e.index);
  o.seamcalls.forEach((s, i) => {
    if (o.verdict.status && s.status === o.verdict.status) keys.add(i);
  });
  return keys;
}
