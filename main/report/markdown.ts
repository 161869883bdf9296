/**
 * The Markdown report: what people paste into a GitHub issue, in the manner
 * of canonical/tdx system-report.sh (# title, ## sections, fenced logs).
 * Verdict first, then findings with their fixes, the TDMR table, PAMT per
 * node, logs inside <details> cut around the failure, provenance. It renders
 * the Outcome only.
 */
import { hex } from '../../engine/format/hex.js';
import { excerpt, keySeamcalls, logExcerpt } from '../../engine/outcome/log-excerpt.js';
import {
  blockCounts,
  blockCountsText,
  groupIndexText,
  pamtFigureKb,
  tdmrRowGroups,
  tdmrRows,
} from '../../engine/outcome/rows.js';
import {
  evidenceText,
  excerptLineText,
  fixText,
  PRINTK_LABEL_NOTE,
  printkLabel,
  rangeText,
  sizeText,
  trialText,
} from '../../engine/outcome/text.js';
import type { Finding, Outcome } from '../../engine/outcome/types.js';
import { ENGINE_VERSION } from '../../engine/version.js';
import type { ReportSubject } from './subject.js';
import { comparisonOf, MAX_DIFF_ROWS, summaryRows } from './compare.js';
import { recordedLines } from './evidence-md.js';

const MAX_TDMR_ROWS = 200;
export const MARK = { error: '✗', warning: '⚠', info: 'ℹ', ok: '✓' } as const;

/** A table cell: pipes escaped, one line. */
export function cell(s: string | number): string {
  return String(s).replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

export function table(head: string[], rows: (string | number)[][]): string[] {
  return [
    `| ${head.map(cell).join(' | ')} |`,
    `|${head.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`),
  ];
}

/** A fenced block that no line inside can close. */
export function fence(lines: readonly string[], lang = 'text'): string[] {
  const longest = Math.max(2, ...lines.map((l) => /`+/.exec(l)?.[0].length ?? 0));
  const f = '`'.repeat(longest + 1);
  return [`${f}${lang}`, ...lines, f];
}

export function verdictLines(s: ReportSubject): string[] {
  const o = s.outcome;
  const v = o.verdict;
  const f = v.failedTdmr;
  const bc = blockCounts(o);
  const rows: (string | number)[][] = [
    [
      'verdict',
      `${v.level}${v.ok ? ' (TDX initializes)' : v.noInit ? ' (no init attempted)' : ' (TDX does not initialize)'}`,
    ],
    ['kernel', `${o.subject.kernel}${o.subject.kernelReason ? ` (${o.subject.kernelReason})` : ''}`],
  ];
  if (!v.ok && v.stage) rows.push(['stopped at', v.stageText ?? v.stage]);
  if (v.status)
    rows.push(['module status', `${v.status} ${v.statusName}${v.statusDetail ? ` (${v.statusDetail})` : ''}`]);
  if (v.errno) rows.push(['kernel error', `${v.errno} (${v.errnoValue})`]);
  rows.push(['failed TDMR', f ? `TDMR ${f.index} ${rangeText(f.base, f.end)}: ${f.reason}` : 'none']);
  const kb = pamtFigureKb(o);
  rows.push([
    'PAMT',
    kb === null
      ? 'none allocated'
      : o.pamt.printedKb !== null
        ? `${kb} KB printed (${sizeText(o.pamt.bytes)}, ${o.pamt.percent.toFixed(3)}% of TDX memory)`
        : `${kb} KB planned, freed again when init failed`,
  ]);
  rows.push(['memory blocks', `${blockCountsText(bc)} (${sizeText(bc.blockSize)} each)`]);
  rows.push(['findings', o.findings.map((x) => `\`${x.id}\``).join(', ') || 'none']);
  return [`**${MARK[v.level]} ${v.headline}**`, '', ...table(['', ''], rows)];
}

export function findingLines(f: Finding, level: number): string[] {
  const h = '#'.repeat(level);
  const out = [`${h} ${MARK[f.severity]} ${f.severity}: ${f.title} (\`${f.id}\`)`, '', f.cause, ''];
  for (const e of f.evidence) out.push(`- ${evidenceText(e)}`);
  if (f.evidence.length) out.push('');
  if (f.fixes.length) {
    out.push('**Fixes**', '');
    for (const x of f.fixes) {
      out.push(`- **${x.kind}** ${fixText(x)}`);
      if (x.trial) out.push(`  - ${trialText(x.trial)}`);
      else if (x.notTried) out.push(`  - Not tried in the emulator: ${x.notTried}`);
    }
    out.push('');
  }
  if (f.ruledOut?.length) {
    out.push('**Does not help**', '');
    for (const x of f.ruledOut) {
      out.push(`- **${x.kind}** ${fixText(x)}`);
      if (x.trial) out.push(`  - ${trialText(x.trial)}`);
    }
    out.push('');
  }
  return out;
}

export function tdmrLines(o: Outcome): string[] {
  const rows = tdmrRows(o);
  if (!rows.length)
    return [
      o.plan
        ? 'The kernel built no TDMRs.'
        : `No TDMRs were built: init stopped at ${o.verdict.stageText ?? o.verdict.stage}.`,
    ];
  const groups = tdmrRowGroups(rows);
  const body = groups.slice(0, MAX_TDMR_ROWS).map((g) => {
    const r = g.first;
    const run = g.count > 1;
    const each = run ? ' each' : '';
    const p = r.pamt;
    return [
      groupIndexText(g),
      run
        ? `[${hex(r.base)}, ${hex(r.end)}) … [${hex(g.last.base)}, ${hex(g.last.end)})`
        : `[${hex(r.base)}, ${hex(r.end)})`,
      sizeText(r.end - r.base) + each,
      r.reserved ? `${r.reserved.length}/${r.reservedLimit}${each}` : '—',
      p ? (run ? `${hex(p.base)} … ${hex(g.last.pamt!.base)}` : hex(p.base)) : '—',
      p ? `${sizeText(p.size4k)} / ${sizeText(p.size2m)} / ${sizeText(p.size1g)}${each}` : '—',
      p ? (p.placedNid !== p.wantedNid ? `${p.wantedNid} → ${p.placedNid}` : p.wantedNid) : '—',
      r.failed ?? '',
    ];
  });
  const out = table(['#', 'range', 'size', 'reserved', 'PAMT base', 'PAMT 4K / 2M / 1G', 'PAMT node', 'failure'], body);
  if (groups.length < rows.length)
    out.push(
      '',
      `${rows.length} TDMRs in ${groups.length} rows: a row "a–b ×n" stands for n consecutive TDMRs that differ only in their base (same size, reserved areas and PAMT sizes), with the first and the last range.`,
    );
  if (groups.length > MAX_TDMR_ROWS)
    out.push('', `Showing ${MAX_TDMR_ROWS} of ${groups.length} rows; \`tdx-lab plan --json\` lists every TDMR.`);
  return out;
}

export function neededLines(o: Outcome): string[] {
  const n = o.reservedNeed!;
  return [
    `TDMR ${n.tdmr} needs ${n.areas.length} reserved areas; the module allows ${n.limit}.`,
    '',
    ...table(
      ['#', 'range', 'size', 'why', ''],
      n.areas.map((a, j) => [
        j + 1,
        `[${hex(n.base + a.offset)}, ${hex(n.base + a.offset + a.size)})`,
        sizeText(a.size),
        a.kind === 'pamt' ? `PAMT of TDMR ${a.pamtOf}` : 'hole',
        j >= n.limit ? '**past the limit**' : '',
      ]),
    ),
  ];
}

export function pamtLines(o: Outcome): string[] {
  if (!o.plan?.ok) return ['No PAMT was allocated: the kernel failed before (or while) setting up PAMTs.'];
  return table(
    ['node', 'TDX memory', 'PAMT placed on the node', 'PAMT / memory'],
    [
      ...o.pamt.nodes.map((n) => [n.nid, sizeText(n.tdxBytes), sizeText(n.pamtBytes), `${n.pamtPercent.toFixed(3)}%`]),
      [
        '**total**',
        sizeText(o.pamt.tdxBytes),
        `${sizeText(o.pamt.bytes)} = ${o.pamt.kb} KB`,
        `${o.pamt.percent.toFixed(3)}%`,
      ],
    ],
  );
}

export function logLines(o: Outcome): string[] {
  const items = logExcerpt(o);
  const lines = items.map((it) => excerptLineText(it));
  const labelled = items.some((it) => it.kind === 'line' && printkLabel(it.level));
  const seam = excerpt(
    o.seamcalls.map(
      (s) =>
        `${s.name} cpu${s.lp} -> ${s.status} ${s.statusName}${s.detail ? ` (${s.detail})` : ''}${s.repeat ? ` ×${s.repeat}` : ''}`,
    ),
    keySeamcalls(o),
    { max: 60 },
  ).map((it) =>
    it.kind === 'gap' ? `… ${it.omitted} SEAMCALLs left out` : `${it.text}${it.count > 1 ? `  (×${it.count})` : ''}`,
  );
  return [
    '<details><summary>Kernel log (emulated, ' + o.log.length + ' lines)</summary>',
    '',
    ...fence(lines.length ? lines : ['(the kernel printed nothing)']),
    '',
    ...(labelled ? [PRINTK_LABEL_NOTE, ''] : []),
    '</details>',
    '',
    '<details><summary>SEAMCALLs (emulated, ' + o.seamcalls.length + ')</summary>',
    '',
    ...fence(seam.length ? seam : ['(no SEAMCALLs were made)']),
    '',
    '</details>',
  ];
}

function timelineLines(o: Outcome): string[] {
  return table(
    ['#', 't', 'event', 'what happened', 'result'],
    o.scenario!.events.map((e) => [e.index, e.t ?? '', e.kind, e.summary, e.ok ? 'ok' : (e.errno ?? 'failed')]),
  );
}

function subjectLines(s: ReportSubject, label: string): string[] {
  const o = s.outcome;
  // A recorded host starts with its evidence (evidence-md.ts).
  if (o.recorded) return recordedLines(s, label);
  const out: string[] = [`## ${label}Verdict`, '', ...verdictLines(s), ''];
  if (o.subject.description) out.push(o.subject.description, '');
  out.push(`## ${label}Findings`, '');
  if (!o.findings.length) out.push('No findings.', '');
  for (const f of o.findings) out.push(...findingLines(f, 3));
  if (o.reservedNeed) out.push(`## ${label}Reserved areas needed`, '', ...neededLines(o), '');
  out.push(`## ${label}TDMRs`, '', ...tdmrLines(o), '');
  out.push(`## ${label}PAMT per node`, '', ...pamtLines(o), '');
  if (o.scenario) out.push(`## ${label}Scenario timeline`, '', ...timelineLines(o), '');
  out.push(`## ${label}Logs`, '', ...logLines(o), '');
  return out;
}

function findingRef(f: Finding): string {
  return `${MARK[f.severity]} **${f.title}** (\`${f.id}\`): ${f.cause}`;
}

/** The comparison: the summary grid (rows that differ in bold), why B differs, what differs. */
function comparisonLines(a: ReportSubject, b: ReportSubject): string[] {
  const c = comparisonOf(a, b);
  const grid = summaryRows().map(([k, f]) => {
    const x = f(a.outcome);
    const y = f(b.outcome);
    return x === y ? [k, x, y] : [`**${k}**`, `**${x}**`, `**${y}**`];
  });
  const out = [
    '## Comparison',
    '',
    ...table(['', `A: ${a.file}`, `B: ${b.file}`], grid),
    '',
    'Rows that differ are in bold.',
    '',
  ];
  out.push('### Why B differs', '');
  const w = c.why;
  if (w.verdictDiffers) out.push(`- A: ${a.outcome.verdict.headline}`, `- B: ${b.outcome.verdict.headline}`, '');
  if (w.onlyB.length) out.push('Only B has:', '', ...w.onlyB.map((f) => `- ${findingRef(f)}`), '');
  if (w.onlyA.length) out.push('Only A has:', '', ...w.onlyA.map((f) => `- ${findingRef(f)}`), '');
  for (const x of w.changed)
    out.push(
      `Both have \`${x.b.id}\`, with other evidence:`,
      '',
      `- A: ${findingRef(x.a)}`,
      `- B: ${findingRef(x.b)}`,
      '',
    );
  if (!w.verdictDiffers && !w.onlyA.length && !w.onlyB.length && !w.changed.length)
    out.push('A and B have the same verdict and the same findings.', '');
  out.push('### What differs', '');
  if (!c.rows.length) out.push('The hosts and their outcomes do not differ.', '');
  else {
    const listed = c.rows.slice(0, MAX_DIFF_ROWS);
    out.push(
      ...table(
        ['what', '', 'A', 'B'],
        listed.map((r) => [`${r.section}: ${r.what}`, r.kind, r.a, r.b]),
      ),
      '',
    );
    if (listed.length < c.rows.length) out.push(`Showing ${listed.length} of ${c.rows.length} differences.`, '');
  }
  return out;
}

export function reportMarkdown(subjects: readonly ReportSubject[], o: { timestamp?: string } = {}): string {
  const [a, b] = subjects;
  const title = b
    ? `TDX comparison report: ${a.outcome.subject.name} vs ${b.outcome.subject.name}`
    : `TDX ${a.outcome.scenario ? 'scenario' : a.outcome.recorded ? 'recorded-host' : 'plan'} report: ${a.outcome.subject.name}`;
  const out: string[] = [`# ${title}`, ''];
  if (b) {
    out.push(...comparisonLines(a, b));
    out.push(...subjectLines(a, 'A · '), ...subjectLines(b, 'B · '));
  } else out.push(...subjectLines(a, ''));
  const prov: (string | number)[][] = [['tool', `TDX Platform Lab ${ENGINE_VERSION}`]];
  subjects.forEach((s, i) => {
    const tag = b ? `${String.fromCharCode(65 + i)}: ` : '';
    const p = s.provenance;
    prov.push([`${tag}input`, p.input]);
    if (p.sha256) prov.push([`${tag}input SHA-256`, p.sha256]);
    if (p.command) prov.push([`${tag}command`, `\`${p.command}\``]);
    prov.push([`${tag}kernel variant`, p.kernel]);
    if (p.recorded)
      prov.push([`${tag}stored run`, `#${p.recorded.run} of '${p.recorded.session}', recorded ${p.recorded.at}`]);
  });
  if (o.timestamp) prov.push(['generated', o.timestamp]);
  out.push('## Provenance', '', ...table(['', ''], prov), '');
  return out.join('\n');
}
