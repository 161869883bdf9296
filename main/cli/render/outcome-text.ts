/**
 * An Outcome on a terminal: the verdict first, then the findings with their
 * fixes and trials, the TDMR table, PAMT per node, memory blocks and the
 * kernel log cut around the failure. `plan` prints it whole; `simulate`
 * prints its events and then this.
 */
import { hex, humanSize } from '../../../engine/format/hex.js';
import { logExcerpt } from '../../../engine/outcome/log-excerpt.js';
import { blockCounts, blockCountsText, tdmrRows } from '../../../engine/outcome/rows.js';
import {
  excerptLineText,
  findingLines,
  PRINTK_LABEL_NOTE,
  printkLabel,
  rangeText,
} from '../../../engine/outcome/text.js';
import type { Outcome } from '../../../engine/outcome/types.js';
import { table } from './table.js';

const MAX_ROWS = 200;
const MARK = { ok: '✓', warning: '⚠', error: '✗' } as const;

function clip<T>(rows: readonly T[]): T[] {
  return rows.length > MAX_ROWS ? rows.slice(0, MAX_ROWS) : [...rows];
}

export function verdictText(o: Outcome): string[] {
  const v = o.verdict;
  const out = [`  ${MARK[v.level]} ${v.headline}`];
  if (!v.ok && v.stage) out.push(`    stopped at: ${v.stageText ?? v.stage}`);
  if (v.status)
    out.push(`    module status: ${v.status} ${v.statusName}${v.statusDetail ? ` (${v.statusDetail})` : ''}`);
  if (v.errno) out.push(`    kernel error: ${v.errno} (${v.errnoValue})`);
  if (v.failedTdmr)
    out.push(
      `    failed TDMR: ${v.failedTdmr.index} ${rangeText(v.failedTdmr.base, v.failedTdmr.end)}: ${v.failedTdmr.reason}`,
    );
  for (const m of v.kernelMessages) out.push(`    the kernel prints: ${m}`);
  return out;
}

export function findingsText(o: Outcome): string[] {
  if (!o.findings.length) return ['Findings: none'];
  return [`Findings (${o.findings.length}):`, ...o.findings.flatMap((f) => findingLines(f).map((l) => `  ${l}`))];
}

function tablesText(o: Outcome): string[] {
  const out: string[] = [];
  const plan = o.plan;
  if (!plan) {
    out.push(`No TDMRs were built: init stopped at ${o.verdict.stageText ?? o.verdict.stage}.`);
    return out;
  }
  out.push(`TDX memory regions (${plan.memlist.length}, ${humanSize(o.pamt.tdxBytes)}):`);
  out.push(
    table(
      ['start', 'end', 'size', 'node'],
      clip(plan.memlist).map((m) => [hex(m.start), hex(m.end), humanSize(m.end - m.start), String(m.nid)]),
      [false, false, true, true],
    ),
  );
  if (plan.memlist.length > MAX_ROWS) out.push(`  … ${plan.memlist.length - MAX_ROWS} more (use --json for all)`);
  out.push('');
  const rows = tdmrRows(o);
  if (plan.ok) {
    out.push(`TDMRs (${rows.length} of ${o.host.module.max_tdmrs}):`);
    out.push(
      table(
        ['#', 'base', 'size', 'node', 'PAMT base', 'PAMT 4K', 'PAMT 2M', 'PAMT 1G', 'reserved', ''],
        clip(rows).map((r) => [
          String(r.index),
          hex(r.base),
          humanSize(r.end - r.base),
          String(r.pamt!.wantedNid),
          hex(r.pamt!.base),
          humanSize(r.pamt!.size4k),
          humanSize(r.pamt!.size2m),
          humanSize(r.pamt!.size1g),
          `${r.reserved!.length}/${r.reservedLimit}`,
          r.failed ? `✗ ${r.failed}` : '',
        ]),
        [true, false, true, true, false, true, true, true, true, false],
      ),
    );
    if (rows.length > MAX_ROWS) out.push(`  … ${rows.length - MAX_ROWS} more (use --json for all)`);
    out.push('');
    const p = o.pamt;
    out.push(
      `PAMT: ${p.kb} KB (${humanSize(p.bytes)}, ${p.percent.toFixed(3)}% of TDX memory)${p.kept ? '' : ': planned, then freed again when init failed'}`,
    );
    out.push(
      table(
        ['node', 'TDX memory', 'PAMT KiB', 'PAMT %'],
        p.nodes.map((n) => [
          String(n.nid),
          humanSize(n.tdxBytes),
          String(n.pamtBytes / 1024),
          n.pamtPercent.toFixed(3) + '%',
        ]),
        [true, true, true, true],
      ),
    );
  } else if (rows.length) {
    out.push(`TDMRs built before the failure: ${rows.length} of ${o.host.module.max_tdmrs}`);
  }
  if (o.reservedNeed) {
    const n = o.reservedNeed;
    out.push('');
    out.push(`Reserved areas TDMR ${n.tdmr} needs: ${n.areas.length} (the module allows ${n.limit}):`);
    out.push(
      table(
        ['#', 'range', 'size', 'why', ''],
        n.areas.map((a, j) => [
          String(j + 1),
          `[${hex(n.base + a.offset)}, ${hex(n.base + a.offset + a.size)})`,
          humanSize(a.size),
          a.kind === 'pamt' ? `PAMT of TDMR ${a.pamtOf}` : 'hole',
          j >= n.limit ? 'past the limit' : '',
        ]),
        [true, false, true, false, false],
      ),
    );
  }
  return out;
}

function blocksText(o: Outcome): string[] {
  const c = blockCounts(o);
  const out = [`Memory blocks (${humanSize(c.blockSize)}): ${blockCountsText(c)}`];
  for (const b of o.memoryBlocks.filter((x) => x.state === 'refused').slice(0, 8))
    out.push(`  refused ${rangeText(b.start, b.end)}: ${b.reason}`);
  return out;
}

export function logText(o: Outcome, title = 'Kernel log'): string[] {
  const items = logExcerpt(o);
  const out = [`${title}:`];
  if (!items.length) out.push('  (nothing printed)');
  for (const it of items) out.push(`  ${excerptLineText(it)}`);
  if (items.some((it) => it.kind === 'line' && printkLabel(it.level))) out.push(`  ${PRINTK_LABEL_NOTE}`);
  return out;
}

/** The whole Outcome, as `tdx-lab plan` prints it for one host file. */
export function renderOutcomeText(file: string, o: Outcome): string {
  const out: string[] = [];
  out.push(`${o.subject.name}  (${file})`);
  if (o.subject.description) out.push(`  ${o.subject.description}`);
  out.push(`  kernel variant: ${o.subject.kernel}${o.subject.kernelReason ? ` (${o.subject.kernelReason})` : ''}`);
  out.push(...verdictText(o), '');
  out.push(...findingsText(o), '');
  out.push(...tablesText(o), '');
  out.push(...blocksText(o), '');
  out.push(...logText(o));
  return out.join('\n');
}

/** What `simulate` prints after its events: the verdict, findings and memory blocks of the run. */
export function renderOutcomeSummary(o: Outcome): string {
  return [`Outcome:`, ...verdictText(o), '', ...findingsText(o), '', ...blocksText(o)].join('\n');
}
