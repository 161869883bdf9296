/**
 * The comparison section of a two-subject report: the summary grid with the
 * rows that differ highlighted, why B differs (the findings one side has and
 * the other lacks, quoted), and the engine's list of differences.
 */
import { rangeText } from '../../engine/outcome/text.js';
import type { Finding } from '../../engine/outcome/types.js';
import { esc } from './escape.js';
import { escHex } from './hex-html.js';
import { MAX_DIFF_ROWS, summaryRows, type Comparison } from './compare.js';
import type { ReportSubject } from './subject.js';

function findingItem(f: Finding): string {
  return `<li class="finding-ref ${f.severity}"><span class="sev">${f.severity}</span> <strong>${esc(f.title)}</strong> <span class="fid mono">${f.id}</span><br>${esc(f.cause)}</li>`;
}

/** Why B differs, from the findings and verdicts (their own words). */
export function whyHtml(a: ReportSubject, b: ReportSubject, c: Comparison): string {
  const w = c.why;
  const parts: string[] = [];
  if (w.verdictDiffers)
    parts.push(
      `<p>A: <strong>${esc(a.outcome.verdict.headline)}</strong><br>B: <strong>${esc(b.outcome.verdict.headline)}</strong></p>`,
    );
  if (w.onlyB.length) parts.push(`<p>Only B has:</p><ul class="why">${w.onlyB.map(findingItem).join('')}</ul>`);
  if (w.onlyA.length) parts.push(`<p>Only A has:</p><ul class="why">${w.onlyA.map(findingItem).join('')}</ul>`);
  for (const x of w.changed)
    parts.push(
      `<p>Both have <span class="mono">${x.b.id}</span>, with other evidence:</p><ul class="why">${findingItem(x.a).replace('<li class="', '<li class="side-a ')}${findingItem(x.b).replace('<li class="', '<li class="side-b ')}</ul>`,
    );
  if (!parts.length) parts.push('<p>A and B have the same verdict and the same findings.</p>');
  return parts.join('');
}

export function comparisonHtml(a: ReportSubject, b: ReportSubject, c: Comparison, top: number): string {
  const rows = summaryRows().map(([k, f]) => {
    const x = f(a.outcome);
    const y = f(b.outcome);
    return `<tr${x !== y ? ' class="differs"' : ''}><td>${esc(k)}</td><td>${escHex(x)}</td><td>${escHex(y)}</td></tr>`;
  });
  const grid = `<table class="compare summary-grid"><thead><tr><th></th><th>A: ${esc(a.file)}</th><th>B: ${esc(b.file)}</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
  const listed = c.rows.slice(0, MAX_DIFF_ROWS);
  const diff = c.rows.length
    ? `<table class="compare differences"><thead><tr><th>what</th><th></th><th>A</th><th>B</th></tr></thead><tbody>${listed
        .map(
          (r) =>
            `<tr class="differs ${r.kind}"><td>${esc(r.section)}: ${esc(r.what)}</td><td>${r.kind}</td><td>${escHex(r.a)}</td><td>${escHex(r.b)}</td></tr>`,
        )
        .join(
          '',
        )}</tbody></table>${c.rows.length > listed.length ? `<p class="note">Showing ${listed.length} of ${c.rows.length} differences.</p>` : ''}`
    : '<p>The hosts and their outcomes do not differ.</p>';
  return (
    `<div class="keep-together">${grid}<p class="note">Rows that differ are highlighted. Both memory maps share one scale, ${esc(rangeText(0, top))} with the same stretches compressed: an address sits at the same place on each.</p></div>` +
    `<h3>Why B differs</h3><div class="keep-together">${whyHtml(a, b, c)}</div>` +
    `<h3>What differs</h3>${diff}`
  );
}
