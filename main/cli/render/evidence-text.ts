/**
 * A recorded host's evidence (engine/outcome/evidence) on a terminal: per
 * boot, each printed item beside the emulator's prediction with agree /
 * disagree / cannot check and the reason; the facts with their basis; what
 * would let the lab check more; the readiness checklist. Lays out the
 * Outcome's words; never re-derives them.
 */
import { checkVerdictText, factText } from '../../../engine/outcome/text.js';
import type { BootEvidence, RecordedEvidence } from '../../../engine/outcome/types.js';
import { renderReadiness } from './readiness-text.js';

export function bootEvidenceLines(e: BootEvidence): string[] {
  const out = [
    `${e.source} [${e.variant}]: ${checkVerdictText(e.verdict).toUpperCase()}: ${e.reason}`,
    `  kernel: ${e.kernel ?? 'release not in the log'}, profile ${e.variant} (${e.variantBasis}: ${e.variantReason})`,
    `  printed: ${e.printedOutcome}`,
  ];
  for (const i of e.items) {
    out.push(`  ${i.label}: ${checkVerdictText(i.verdict)}`);
    out.push(`      printed:   ${i.printed}`, `      predicted: ${i.predicted}`, `      why:       ${i.reason}`);
  }
  if (e.assumed.length) out.push('  the predictions rest on:', ...e.assumed.map((a) => `      ${a}`));
  if (e.decoded) {
    out.push(`  decoded: ${e.decoded.printed}${e.decoded.stageText ? ` (stage: ${e.decoded.stageText})` : ''}`);
    out.push(`      ${e.decoded.meaning}`);
    for (const s of e.decoded.statuses)
      out.push(`      status ${s.status}: ${s.name}${s.meaning ? `: ${s.meaning}` : ''}`);
    if (e.decoded.field)
      out.push(`      field ${e.decoded.field.id}: ${e.decoded.field.name ?? 'unknown'}: ${e.decoded.field.meaning}`);
    for (const k of e.decoded.fixedBy) out.push(`      fixed in: ${k.releases} (${k.install})`);
    for (const f of e.decoded.fixes) out.push(`      fix: ${f}`);
  }
  return out;
}

export function recordedEvidenceLines(r: RecordedEvidence): string[] {
  const out = [`Evidence: ${checkVerdictText(r.verdict).toUpperCase()}: ${r.reason}`];
  for (const b of r.boots) out.push(...bootEvidenceLines(b.evidence));
  out.push('Facts:', ...r.facts.map((f) => `  ${factText(f)}`));
  if (r.needs.length) {
    out.push('To check more, add:');
    for (const n of r.needs) out.push(`  ${n.artifact} (${n.command}): ${n.why}`);
  }
  out.push(
    'Readiness:',
    ...renderReadiness(r.readiness)
      .split('\n')
      .map((l) => `  ${l}`),
  );
  return out;
}
