/**
 * The HTML (and so PNG/PDF) sections of a recorded host: the evidence first
 * (each boot's printed items beside the emulator's prediction, agree /
 * disagree / cannot check and why, its printed lines), then the facts with
 * their basis, the findings, the map, the emulated tables, the readiness
 * checklist and the emulated logs. Each section says whether it holds what
 * was observed or what was emulated. Renders the Outcome only.
 */
import { checkVerdictText, factText } from '../../engine/outcome/text.js';
import type { BootEvidence, CheckVerdict, RecordedEvidence } from '../../engine/outcome/types.js';
import { esc } from './escape.js';
import {
  findingsHtml,
  logHtml,
  mapsHtml,
  neededHtml,
  pamtTable,
  seamcallTable,
  tdmrTable,
  verdictHtml,
  type ReportSections,
  type Sections,
  type SubjectMaps,
} from './html.js';
import type { ReportSubject } from './subject.js';

const CLASS: Record<CheckVerdict, string> = { agree: 'status-ok', disagree: 'status-fail', 'cannot-check': 'note' };

function basis(text: string): string {
  return `<p class="note basis">${esc(text)}</p>`;
}

function bootHtml(e: BootEvidence, n: number): string {
  const rows = e.items
    .map(
      (i) =>
        `<tr data-item="${i.id}" data-verdict="${i.verdict}"><td>${esc(i.label)}</td><td class="mono">${esc(i.printed)}</td><td class="mono">${esc(i.predicted)}</td><td class="${CLASS[i.verdict]}">${esc(checkVerdictText(i.verdict))}</td><td>${esc(i.reason)}</td></tr>`,
    )
    .join('');
  const parts = [
    `<h3>Boot ${n}: <span class="mono">${esc(e.source)}</span></h3>`,
    `<p><strong class="${CLASS[e.verdict]}">${esc(checkVerdictText(e.verdict))}</strong>: ${esc(e.reason)}</p>`,
    `<p>Kernel ${esc(e.kernel ?? '(release not in the log)')}, profile <span class="mono">${esc(e.variant)}</span> (${esc(e.variantBasis)}: ${esc(e.variantReason)}). Printed: ${esc(e.printedOutcome)}.</p>`,
    `<table class="evidence-items" data-boot="${n}"><thead><tr><th>item</th><th>printed (observed)</th><th>predicted (emulated)</th><th>check</th><th>why</th></tr></thead><tbody>${rows}</tbody></table>`,
  ];
  if (e.assumed.length)
    parts.push(
      `<p>The predictions rest on these assumptions:</p><ul>${e.assumed.map((a) => `<li>${esc(a)}</li>`).join('')}</ul>`,
    );
  if (e.decoded) {
    const d = e.decoded;
    const li = [
      ...d.statuses.map(
        (s) =>
          `status <span class="mono">${esc(s.status)}</span> from ${esc(s.leafName)}: ${esc(s.name)}${s.meaning ? `: ${esc(s.meaning)}` : ''}`,
      ),
      ...(d.field
        ? [
            `field <span class="mono">${esc(d.field.id)}</span>: ${esc(d.field.name ?? 'unknown')}: ${esc(d.field.meaning)} (class ${d.field.classCode}, ${d.field.elementBytes}-byte element, field code ${d.field.fieldCode})`,
          ]
        : []),
      ...(d.errno ? [`errno ${d.errno.value} (${esc(d.errno.name)})`] : []),
      ...d.fixedBy.map((k) => `not on ${esc(k.releases)}: it ${esc(k.why)} (${esc(k.install)})`),
      ...d.fixes.map((f) => `fix: ${esc(f)}`),
    ];
    parts.push(
      `<div class="decoded"><p><strong>Decoded (from the printed lines):</strong> <span class="mono">${esc(d.printed)}</span>${d.stageText ? `, stage: ${esc(d.stageText)}` : ''}</p><p>${esc(d.meaning)}</p>${li.length ? `<ul>${li.map((x) => `<li>${x}</li>`).join('')}</ul>` : ''}</div>`,
    );
  }
  if (e.printedLines.length)
    parts.push(
      `<p>Printed lines (observed, ${e.printedLines.length}):</p><pre class="log printed">${e.printedLines.map(esc).join('\n')}</pre>`,
    );
  return parts.join('\n');
}

function evidenceHtml(r: RecordedEvidence): string {
  return (
    `<p><strong class="${CLASS[r.verdict]}">${esc(checkVerdictText(r.verdict))}</strong>: ${esc(r.reason)}</p>` +
    basis(
      'Printed is what the kernel logged (observed); predicted is what the emulator gives for the layout that could be built (emulated).',
    ) +
    r.boots.map((b, i) => bootHtml(b.evidence, i + 1)).join('\n')
  );
}

function factsHtml(r: RecordedEvidence): string {
  const rows = r.facts
    .map(
      (f) =>
        `<tr data-fact="${f.id}" data-basis="${f.basis}"><td>${esc(f.label)}</td><td>${esc(f.value)}</td><td>${esc(f.basis)}</td><td>${esc(f.basis === 'observed' ? `${f.source ?? ''}${f.why ? `; ${f.why}` : ''}` : (f.why ?? ''))}</td></tr>`,
    )
    .join('');
  const assumptions = r.assumptions.length
    ? `<h3>Assumptions</h3><ul class="assumptions">${r.assumptions.map((a) => `<li>${esc(a)}</li>`).join('')}</ul>`
    : '';
  const needs = r.needs.length
    ? `<h3>What would let the lab check more</h3><ul>${r.needs.map((n) => `<li><strong>${esc(n.artifact)}</strong> (<span class="mono">${esc(n.command)}</span>): ${esc(n.why)}</li>`).join('')}</ul>`
    : '';
  return `<table class="facts-basis"><thead><tr><th>fact</th><th>value</th><th>basis</th><th>where / why</th></tr></thead><tbody>${rows}</tbody></table><p class="note">${r.facts.map((f) => esc(factText(f))).join('<br>')}</p>${assumptions}${needs}`;
}

function readinessHtml(r: RecordedEvidence): string {
  const rows = r.readiness.checks
    .map(
      (c) =>
        `<tr data-check="${c.id}" data-status="${c.status}"><td>${esc(c.title)}</td><td class="${c.status === 'ok' ? 'status-ok' : c.status === 'problem' ? 'status-fail' : 'note'}">${esc(c.status)}</td><td>${esc(c.found)}</td><td>${c.status === 'ok' ? '' : esc(c.fix)}</td><td>${c.status === 'ok' ? '' : esc(c.where)}</td></tr>`,
    )
    .join('');
  return `<p><strong>${esc(r.readiness.summary)}</strong></p><table class="readiness"><thead><tr><th>check</th><th>status</th><th>found</th><th>fix</th><th>where to change it</th></tr></thead><tbody>${rows}</tbody></table>`;
}

/** The sections of a recorded host, in the order the report gives them. */
export function recordedSections(
  sec: Sections,
  s: ReportSubject,
  key: string,
  label: string,
  on: ReportSections,
  maps: SubjectMaps,
): void {
  const o = s.outcome;
  const r = o.recorded!;
  const emulated = o.verdict.basis !== 'observed';
  sec.add(`${key}-evidence`, `${label}Evidence: printed against predicted`, evidenceHtml(r));
  sec.add(`${key}-facts`, `${label}Facts (observed or assumed)`, factsHtml(r));
  sec.add(
    `${key}-summary`,
    emulated ? `${label}Verdict (emulated, kernel ${o.subject.kernel})` : `${label}Verdict (observed)`,
    `${basis(emulated ? `The emulator's run of the layout above on ${o.subject.kernel} (${o.subject.kernelReason ?? ''}).` : 'What the host printed: there is no memory layout to emulate.')}${verdictHtml(o)}`,
  );
  if (on.findings !== false)
    sec.add(
      `${key}-findings`,
      emulated ? `${label}Findings (emulated)` : `${label}Findings (from the printed lines)`,
      findingsHtml(o.findings),
    );
  if (emulated) {
    sec.add(
      `${key}-map`,
      `${label}Memory map (emulated)`,
      mapsHtml(s, maps.model, key, { insets: on.insets !== false, ...maps }),
      true,
    );
    if (o.reservedNeed) sec.add(`${key}-needed`, `${label}Reserved areas needed (emulated)`, neededHtml(o));
    if (on.tables !== false) {
      sec.add(`${key}-tdmrs`, `${label}TDMRs, reserved areas and PAMTs (emulated)`, tdmrTable(o), true);
      sec.add(`${key}-pamt`, `${label}PAMT cost per node (emulated)`, pamtTable(o));
    }
  }
  sec.add(`${key}-readiness`, `${label}Readiness checklist (from the facts above)`, readinessHtml(r));
  if (on.logs === false || !emulated) return;
  sec.add(
    `${key}-log`,
    `${label}Kernel log (emulated)`,
    `${basis("The emulator's lines; the printed lines are with each boot above.")}${logHtml(o)}`,
    true,
  );
  sec.add(`${key}-seamcalls`, `${label}SEAMCALL log (emulated)`, seamcallTable(o));
}
