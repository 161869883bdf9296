/**
 * The words and numbers of an Outcome as every face prints them: ranges as
 * exact hex with the human size beside them, sizes as exact hex and human,
 * evidence and fixes as one line each. Faces lay these strings out (a
 * table cell, a Markdown bullet, an HTML list item); they never re-word.
 */
import { hex, humanSize } from '../format/hex.js';
import { PRINTK_LEVELS, type LogLevel } from '../kernel/log.js';
import type { ExcerptItem } from './log-excerpt.js';
import type { Evidence, Finding, Fix, Trial } from './types.js';

/** `0x320000 (3.13 MiB)`: a size exactly, and for people. */
export function sizeText(bytes: number): string {
  return `${hex(bytes)} (${humanSize(bytes)})`;
}

/** `[0x5000000000, 0x6000000000) 64 GiB`. */
export function rangeText(start: number, end: number): string {
  return `[${hex(start)}, ${hex(end)}) ${humanSize(end - start)}`;
}

export function evidenceText(e: Evidence): string {
  switch (e.kind) {
    case 'range':
      return `${e.label}: ${rangeText(e.start, e.end)}`;
    case 'seamcall':
      return `${e.name} returned ${e.status} ${e.statusName}${e.detail ? ` (${e.detail})` : ''}`;
    case 'log':
      return e.line;
    case 'fact':
      return `${e.label}: ${e.value}`;
  }
}

export function trialText(t: Trial): string {
  const on = t.change.includes(t.kernel) ? '' : ` on ${t.kernel}`;
  return `Tried in the emulator (${t.change}${on}): ${t.shows}`;
}

export function fixText(f: Fix): string {
  return `${f.name}: ${f.how}`;
}

/** A finding as plain lines (CLI text, Markdown bodies, log-style output). */
export function findingLines(f: Finding): string[] {
  const out = [`[${f.severity}] ${f.title} (${f.id})`, `  ${f.cause}`];
  for (const e of f.evidence) out.push(`  · ${evidenceText(e)}`);
  for (const x of f.fixes) {
    out.push(`  fix: ${fixText(x)}`);
    if (x.trial) out.push(`       ${trialText(x.trial)}`);
    else if (x.notTried) out.push(`       Not tried in the emulator: ${x.notTried}`);
  }
  for (const x of f.ruledOut ?? []) {
    out.push(`  does not help: ${fixText(x)}`);
    if (x.trial) out.push(`       ${trialText(x.trial)}`);
  }
  return out;
}

/** The label beside a log line that a default dmesg never shows ("pr_debug: not in a default dmesg"), else null. */
export function printkLabel(level: LogLevel | undefined): string | null {
  if (!level || PRINTK_LEVELS[level].inDefaultDmesg) return null;
  return `${PRINTK_LEVELS[level].macro}: not in a default dmesg`;
}

/** Why such lines are labelled, said once under a log that holds any. */
export const PRINTK_LABEL_NOTE =
  'Lines marked pr_debug are printed with pr_debug: the kernel leaves those call sites off unless dynamic debug turns them on (dyndbg=), so a default dmesg from a real host does not show them.';

/** A run's count as faces print it after the line: ` (×3)`, or ` … LAST (×1024)` for alike lines. */
export function runTail(it: Extract<ExcerptItem, { kind: 'line' }>): string {
  if (it.count <= 1) return '';
  return it.last !== undefined ? ` … ${it.last}  (×${it.count})` : `  (×${it.count})`;
}

/** An excerpt item as one line of text (CLI, Markdown): the line, its run, its printk label; or the gap. */
export function excerptLineText(it: ExcerptItem, unit = 'line'): string {
  if (it.kind === 'gap') return `… ${it.omitted} ${unit}${it.omitted === 1 ? '' : 's'} left out`;
  const label = printkLabel(it.level);
  return `${it.text}${runTail(it)}${label ? `  [${label}]` : ''}`;
}

/** "NUMA nodes: 1 (assumed: the artifacts have no node lines)": a fact with where it came from, as every face prints it. */
export function factText(f: import('./types.js').HostFact): string {
  const basis =
    f.basis === 'observed'
      ? `observed${f.source ? ` in ${f.source}` : ''}${f.why ? `; ${f.why}` : ''}`
      : f.basis === 'assumed'
        ? `assumed: ${f.why ?? 'not in the artifacts'}`
        : `from the recorded host${f.why ? `: ${f.why}` : '; where it came from is not recorded'}`;
  return `${f.label}: ${f.value} (${basis})`;
}

const CHECK_WORD = { agree: 'agree', disagree: 'DISAGREE', 'cannot-check': 'cannot check' } as const;

/** A check verdict as faces print it: agree, DISAGREE, cannot check. */
export function checkVerdictText(v: import('./types.js').CheckVerdict): string {
  return CHECK_WORD[v];
}

/** One evidence item as one line: "PAMT: printed 262668 KB; predicted 262664 KB: DISAGREE: …". */
export function evidenceItemText(i: import('./types.js').EvidenceItem): string {
  return `${i.label}: printed ${i.printed}; predicted ${i.predicted}: ${checkVerdictText(i.verdict)}: ${i.reason}`;
}
