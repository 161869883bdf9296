/**
 * Long logs cut around what matters, the same way in every face: runs of
 * identical lines collapse into one with a count, the lines a finding or
 * the verdict points at are always kept with a little context, and the
 * rest is elided with the number of lines left out.
 */
import type { LogLevel } from '../kernel/log.js';
import type { Outcome } from './types.js';

export type ExcerptItem =
  | {
      kind: 'line';
      /** Index of the run's first line. */
      index: number;
      text: string;
      /** Lines in the run (identical, or alike with `alike`). */
      count: number;
      key: boolean;
      /** The run's last line, when the run holds alike lines that are not all identical. */
      last?: string;
      /** The printk level of the run's lines, when the caller gave levels. */
      level?: LogLevel;
    }
  | { kind: 'gap'; omitted: number };

export interface ExcerptOptions {
  /** Lines kept at the start and the end. Default 6. */
  edge?: number;
  /** Lines kept on each side of a key line. Default 3. */
  context?: number;
  /** Above this many (collapsed) lines the log is cut; below, it is shown whole. Default 80. */
  max?: number;
  /** The printk level of each line: runs never mix levels, and each item carries its level. */
  levels?: readonly LogLevel[];
  /**
   * Collapse runs of lines that differ only in their numbers too (one
   * online_pages line per refused block), keeping the first and the last.
   */
  alike?: boolean;
}

/** A line with its numbers blanked: lines with the same shape are alike. */
function shapeOf(text: string): string {
  return text.replace(/0x[0-9a-f]+|\d+/gi, '#');
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
  type Run = { index: number; text: string; count: number; key: boolean; last?: string; level?: LogLevel };
  const runs: Run[] = [];
  let lastShape = '';
  lines.forEach((text, index) => {
    const last = runs[runs.length - 1];
    const key = keyIndexes.has(index);
    const level = o.levels?.[index];
    const shape = o.alike ? shapeOf(text) : '';
    const joins =
      last &&
      !key &&
      !last.key &&
      last.level === level &&
      ((last.last ?? last.text) === text || (o.alike === true && shape === lastShape));
    if (joins) {
      last.count++;
      if (text !== last.text || last.last !== undefined) last.last = text;
    } else {
      const r: Run = { index, text, count: 1, key };
      if (level !== undefined) r.level = level;
      runs.push(r);
    }
    lastShape = shape;
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

/**
 * The kernel log of an Outcome as every face shows it: cut around the lines
 * the verdict and findings point at, runs of identical or alike lines
 * collapsed with their count, each line with its printk level.
 */
export function logExcerpt(o: Outcome, options: ExcerptOptions = {}): ExcerptItem[] {
  const levels = o.logLevels?.length === o.log.length ? o.logLevels : undefined;
  return excerpt(o.log, keyLogLines(o), { alike: true, ...(levels && { levels }), ...options });
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
