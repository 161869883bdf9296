/**
 * The Markdown report of a recorded host, the one people attach to a
 * canonical/tdx issue: the evidence first (each boot's printed items beside
 * the emulator's prediction, agree / disagree / cannot check and why), the
 * facts with their basis, then the findings, the emulated tables, the
 * readiness checklist and the logs. Every section says whether it holds
 * what was observed or what was emulated. It lays the Outcome out and never
 * re-words it.
 */
import { checkVerdictText, factText } from '../../engine/outcome/text.js';
import type { BootEvidence, Outcome, RecordedEvidence } from '../../engine/outcome/types.js';
import {
  MARK,
  fence,
  findingLines,
  logLines,
  neededLines,
  pamtLines,
  table,
  tdmrLines,
  verdictLines,
} from './markdown.js';
import type { ReportSubject } from './subject.js';

const CHECK_MARK = { agree: '✓', disagree: '✗', 'cannot-check': '?' } as const;

function bootLines(e: BootEvidence, n: number, level: string): string[] {
  const out = [
    `${level} Boot ${n}: ${e.source}`,
    '',
    `**${CHECK_MARK[e.verdict]} ${checkVerdictText(e.verdict)}**: ${e.reason}`,
    '',
    `Kernel ${e.kernel ?? '(release not in the log)'}, profile \`${e.variant}\` (${e.variantBasis}: ${e.variantReason}). Printed: ${e.printedOutcome}.`,
    '',
    ...table(
      ['item', 'printed (observed)', 'predicted (emulated)', 'check', 'why'],
      e.items.map((i) => [
        i.label,
        i.printed,
        i.predicted,
        `${CHECK_MARK[i.verdict]} ${checkVerdictText(i.verdict)}`,
        i.reason,
      ]),
    ),
    '',
  ];
  if (e.assumed.length)
    out.push('The predictions rest on these assumptions:', '', ...e.assumed.map((a) => `- ${a}`), '');
  if (e.decoded) {
    const d = e.decoded;
    out.push(
      `**Decoded (from the printed lines):** \`${d.printed}\`${d.stageText ? `, stage: ${d.stageText}` : ''}`,
      '',
      d.meaning,
      '',
    );
    for (const s of d.statuses)
      out.push(`- status \`${s.status}\` from ${s.leafName}: ${s.name}${s.meaning ? `: ${s.meaning}` : ''}`);
    if (d.field)
      out.push(
        `- field \`${d.field.id}\`: ${d.field.name ?? 'unknown'}: ${d.field.meaning} (class ${d.field.classCode}, ${d.field.elementBytes}-byte element, field code ${d.field.fieldCode})`,
      );
    if (d.errno) out.push(`- errno ${d.errno.value} (${d.errno.name})`);
    for (const k of d.fixedBy) out.push(`- not on ${k.releases}: it ${k.why} (${k.install})`);
    for (const f of d.fixes) out.push(`- fix: ${f}`);
    out.push('');
  }
  if (e.printedLines.length)
    out.push(
      `<details><summary>Printed lines (observed, ${e.printedLines.length})</summary>`,
      '',
      ...fence(e.printedLines),
      '',
      '</details>',
      '',
    );
  return out;
}

function factsLines(r: RecordedEvidence): string[] {
  return [
    ...table(
      ['fact', 'value', 'basis', 'where / why'],
      r.facts.map((f) => [
        f.label,
        f.value,
        f.basis,
        f.basis === 'observed' ? `${f.source ?? ''}${f.why ? `; ${f.why}` : ''}` : (f.why ?? ''),
      ]),
    ),
    '',
    '<details><summary>The same facts as lines</summary>',
    '',
    ...r.facts.map((f) => `- ${factText(f)}`),
    '',
    '</details>',
  ];
}

function readinessLines(r: RecordedEvidence): string[] {
  const mark = { ok: '✓ ok', problem: '✗ problem', unknown: '? unknown' } as const;
  return [
    `**${r.readiness.summary}**`,
    '',
    ...table(
      ['check', 'status', 'found', 'fix', 'where to change it'],
      r.readiness.checks.map((c) => [
        c.title,
        mark[c.status],
        c.found,
        c.status === 'ok' ? '' : c.fix,
        c.status === 'ok' ? '' : c.where,
      ]),
    ),
  ];
}

function observedVerdictLines(o: Outcome): string[] {
  const v = o.verdict;
  const rows: (string | number)[][] = [
    ['verdict', `${v.level} (observed: what the host printed)`],
    ['kernel', `${o.subject.kernel}${o.subject.kernelReason ? ` (${o.subject.kernelReason})` : ''}`],
  ];
  if (v.stageText) rows.push(['stopped at', v.stageText]);
  if (v.status) rows.push(['module status', `${v.status} ${v.statusName ?? ''}`]);
  if (v.errno) rows.push(['kernel error', `${v.errno} (${v.errnoValue})`]);
  rows.push(['findings', o.findings.map((x) => `\`${x.id}\``).join(', ') || 'none']);
  return [`**${MARK[v.level]} ${v.headline}**`, '', ...table(['', ''], rows)];
}

/** The sections of a recorded host, in the order the report gives them. */
export function recordedLines(s: ReportSubject, label: string): string[] {
  const o = s.outcome;
  const r = o.recorded!;
  const emulated = o.verdict.basis !== 'observed';
  const out: string[] = [
    `## ${label}Evidence: what the host printed against what the lab predicts`,
    '',
    `**${CHECK_MARK[r.verdict]} ${checkVerdictText(r.verdict)}**: ${r.reason}`,
    '',
    'Printed is what the kernel logged (observed); predicted is what the emulator gives for the layout that could be built (emulated).',
    '',
  ];
  r.boots.forEach((b, i) => out.push(...bootLines(b.evidence, i + 1, '###')));
  out.push(`## ${label}Facts (observed or assumed)`, '', ...factsLines(r), '');
  if (r.assumptions.length) out.push(`## ${label}Assumptions`, '', ...r.assumptions.map((a) => `- ${a}`), '');
  if (r.needs.length) {
    out.push(`## ${label}What would let the lab check more`, '');
    for (const n of r.needs) out.push(`- **${n.artifact}** (\`${n.command}\`): ${n.why}`);
    out.push('');
  }
  if (emulated) {
    out.push(
      `## ${label}Verdict (emulated, kernel ${o.subject.kernel})`,
      '',
      ...verdictLines(s),
      '',
      `## ${label}Findings (emulated)`,
      '',
    );
  } else
    out.push(
      `## ${label}Verdict (observed)`,
      '',
      ...observedVerdictLines(o),
      '',
      `## ${label}Findings (from the printed lines)`,
      '',
    );
  if (!o.findings.length) out.push('No findings.', '');
  for (const f of o.findings) out.push(...findingLines(f, 3));
  if (emulated) {
    if (o.reservedNeed) out.push(`## ${label}Reserved areas needed (emulated)`, '', ...neededLines(o), '');
    out.push(`## ${label}TDMRs (emulated)`, '', ...tdmrLines(o), '');
    out.push(`## ${label}PAMT per node (emulated)`, '', ...pamtLines(o), '');
  }
  out.push(`## ${label}Readiness checklist (from the facts above)`, '', ...readinessLines(r), '');
  if (emulated) out.push(`## ${label}Logs (emulated)`, '', ...logLines(o), '');
  return out;
}
