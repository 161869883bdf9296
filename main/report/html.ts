/**
 * The report as one self-contained HTML document: inline SVG maps, inline
 * CSS, no scripts, nothing fetched. It renders the subject's Outcome and
 * nothing else; the same document is printed to PDF and screenshotted to PNG.
 */
import { readFileSync } from 'node:fs';
import { hex, humanSize } from '../../engine/format/hex.js';
import {
  blockCounts,
  blockCountsText,
  groupIndexText,
  tdmrRowGroups,
  tdmrRows,
  type TdmrRow,
} from '../../engine/outcome/rows.js';
import {
  evidenceText,
  fixText,
  trialText,
  sizeText,
  printkLabel,
  PRINTK_LABEL_NOTE,
} from '../../engine/outcome/text.js';
import { excerpt, keySeamcalls, logExcerpt } from '../../engine/outcome/log-excerpt.js';
import type { Finding, Fix, Outcome } from '../../engine/outcome/types.js';
import { ENGINE_VERSION } from '../../engine/version.js';
import { esc } from './escape.js';
import { escHex } from './hex-html.js';
import { chooseInsets, MAP_WIDTH, mapSvg, subjectModel } from './map-svg.js';
import { comparisonHtml } from './compare-html.js';
import { comparedModels, comparisonOf, differenceShapes } from './compare.js';
import type { MapModel } from '../../renderer/map/index.js';
import { templatePath } from './project-root.js';
import type { ReportSubject } from './subject.js';
import { recordedSections } from './evidence-html.js';

/** Tables are capped so a 100,000-region host still gives a readable, printable report (rows after collapsing alike TDMRs). */
const MAX_TDMR_ROWS = 200;
const MAX_RSVD_LISTED = 6;

/** Which optional parts a report carries; every part is on unless set to false (the CLI's report). */
export interface ReportSections {
  /** The findings section. */
  findings?: boolean;
  /** The zoomed map insets below the full map. */
  insets?: boolean;
  /** The TDMR table and the PAMT-per-node table. */
  tables?: boolean;
  /** Kernel log, SEAMCALL log and the scenario timeline. */
  logs?: boolean;
}

export interface HtmlOptions {
  /** ISO time to print in the provenance; omitted by default so output is byte-identical. */
  timestamp?: string;
  sections?: ReportSections;
  /** Width the maps are drawn at, in CSS px (the PDF draws them at the printed width, so map text stays legible). */
  mapWidth?: number;
}

// Hex never wraps inside a cell: every hex figure sits in a nowrap span (report.css `.hex`, `.range`, `.sz`).
export function rangeCell(start: number, end: number): string {
  return `<span class="mono range hex">[${hex(start)}, ${hex(end)})</span>`;
}
/** `0x320000 (3.13 MiB)` as markup: sizeText's two parts, kept on one line. */
export function sizeCell(bytes: number): string {
  return `<span class="sz"><span class="mono hex">${hex(bytes)}</span> <span class="size">(${esc(humanSize(bytes))})</span></span>`;
}

export class Sections {
  readonly toc: Array<{ id: string; title: string }> = [];
  readonly parts: string[] = [];
  /** newPage: in print, start the section on a new page (big maps, tables, logs). */
  add(id: string, title: string, html: string, newPage = false): void {
    this.toc.push({ id, title });
    this.parts.push(
      `<section id="${id}"${newPage ? ' class="new-page"' : ''}><h2>${esc(title)}</h2>\n${html}\n</section>`,
    );
  }
}

export function verdictHtml(o: Outcome): string {
  const v = o.verdict;
  const facts: string[] = [];
  if (!v.ok && v.stage) facts.push(`stage: ${v.stageText ?? v.stage}`);
  if (v.status) facts.push(`module status ${v.status} ${v.statusName}${v.statusDetail ? ` (${v.statusDetail})` : ''}`);
  if (v.errno) facts.push(`kernel error ${v.errno} (${v.errnoValue})`);
  const msgs = v.kernelMessages.length ? `<pre class="log">${v.kernelMessages.map(esc).join('\n')}</pre>` : '';
  return `<div class="verdict ${v.level}" data-level="${v.level}"><strong>${esc(v.headline)}</strong>${facts.length ? `<p>${facts.map(esc).join(' · ')}</p>` : ''}${msgs}</div>`;
}

export function hostFacts(s: ReportSubject): string {
  const o = s.outcome;
  const h = o.host;
  const mem = h.memblock.reduce((n, r) => n + r.end - r.start, 0);
  const nodes = new Set(h.memblock.map((r) => r.nid)).size;
  const bc = blockCounts(o);
  const facts: Array<[string, string]> = [
    ['host', h.name],
    ['input', s.provenance.input],
    ['kernel', `${o.subject.kernel}${o.subject.kernelReason ? ` (${o.subject.kernelReason})` : ''}`],
    ['memblock memory at init', `${sizeText(mem)} in ${h.memblock.length} region${h.memblock.length === 1 ? '' : 's'}`],
    ['NUMA nodes', String(nodes)],
    ['CMRs', `${h.cmrs.length} covering ${sizeText(h.cmrs.reduce((n, c) => n + c.size, 0))}`],
    ['reserved ranges', String(h.reserved.length)],
    [
      'module',
      `TDX ${h.module.version ?? '1.5'}; max ${h.module.max_tdmrs} TDMRs, ${h.module.max_reserved_per_tdmr} reserved areas each`,
    ],
    ['memory blocks', `${blockCountsText(bc)} (${sizeText(bc.blockSize)} each)`],
  ];
  if (h.devices?.length)
    facts.push([
      'devices',
      h.devices.map((d) => `${d.name} (${d.kind.toUpperCase()}, ${sizeText(d.end - d.start)})`).join(', '),
    ]);
  return `<div class="facts">${facts.map(([k, v]) => `<div><span class="k">${esc(k)}</span>${esc(v)}</div>`).join('')}</div>`;
}

function fixHtml(f: Fix, ruledOut: boolean): string {
  const trial = f.trial
    ? `<div class="trial ${f.trial.ok ? 'ok' : 'fail'}">${esc(trialText(f.trial))}</div>`
    : f.notTried
      ? `<div class="trial none">Not tried in the emulator: ${esc(f.notTried)}</div>`
      : '';
  return `<li class="fix${ruledOut ? ' ruled-out' : ''}"><span class="fix-kind">${esc(ruledOut ? 'does not help' : f.kind)}</span> ${esc(fixText(f))}${trial}</li>`;
}

export function findingsHtml(list: readonly Finding[]): string {
  if (!list.length) return '<p>No findings: nothing in this outcome needs attention.</p>';
  return `<ul class="findings">${list
    .map(
      (f) =>
        `<li class="finding ${f.severity}" data-finding="${f.id}"><span class="sev">${f.severity}</span><h3>${esc(f.title)}</h3> <span class="fid mono">${f.id}</span>` +
        `<p>${esc(f.cause)}</p>` +
        (f.evidence.length
          ? `<ul class="evidence">${f.evidence.map((e) => `<li>${esc(evidenceText(e))}</li>`).join('')}</ul>`
          : '') +
        (f.fixes.length || f.ruledOut?.length
          ? `<ul class="fixes">${f.fixes.map((x) => fixHtml(x, false)).join('')}${(f.ruledOut ?? []).map((x) => fixHtml(x, true)).join('')}</ul>`
          : '') +
        '</li>',
    )
    .join('\n')}</ul>`;
}

export function mapsHtml(
  s: ReportSubject,
  model: MapModel,
  prefix: string,
  o: { insets: boolean; width: number; highlight?: readonly string[]; note?: string },
): string {
  const draw = { width: o.width, ...(o.highlight?.length && { highlightIds: o.highlight }) };
  const parts = [
    `<figure>${mapSvg(model, { idPrefix: `${prefix}-full`, height: 420, ...draw })}<figcaption>The whole physical address space [0x0, ${hex(model.top)}) ${esc(humanSize(model.top))}; long empty stretches are drawn compressed (grey bands). ${model.counts.tdmr} TDMRs, ${model.counts['reserved-area']} reserved areas, ${model.counts.pamt} PAMT blocks.${o.note ? ` ${esc(o.note)}` : ''}</figcaption></figure>`,
  ];
  (o.insets ? chooseInsets(s, model) : []).forEach((inset, i) => {
    parts.push(
      `<h3>${esc(inset.title)}</h3><figure>${mapSvg(model, { idPrefix: `${prefix}-inset${i}`, height: 330, domain: inset.domain, legend: false, ...draw })}<figcaption>${esc(inset.caption)}</figcaption></figure>`,
    );
  });
  return parts.join('\n');
}

export function neededHtml(o: Outcome): string {
  const n = o.reservedNeed!;
  const rows = n.areas.map((a, j) => {
    const over = j >= n.limit;
    return `<tr${over ? ' class="failed"' : ''}><td class="num">${j + 1}</td><td>${rangeCell(n.base + a.offset, n.base + a.offset + a.size)}</td><td>${sizeCell(a.size)}</td><td>${a.kind === 'pamt' ? `PAMT of TDMR ${a.pamtOf}` : 'hole'}</td><td>${over ? '<strong>past the limit</strong>' : 'within the limit'}</td></tr>`;
  });
  return `<p>TDMR ${n.tdmr} needs ${n.areas.length} reserved areas; the module allows ${n.limit}.</p><table><thead><tr><th class="num">#</th><th>range</th><th>size</th><th>why</th><th></th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function reservedList(r: TdmrRow): string {
  const listed = r
    .reserved!.slice(0, MAX_RSVD_LISTED)
    .map(
      (a) =>
        `${a.kind === 'pamt' ? `PAMT ${a.pamtOf}` : 'hole'} <span class="mono hex">+${hex(a.offset)}</span> ${sizeCell(a.size)}`,
    )
    .join('<br>');
  const more =
    r.reserved!.length > MAX_RSVD_LISTED
      ? `<br><span class="note">… ${r.reserved!.length - MAX_RSVD_LISTED} more</span>`
      : '';
  return listed + more;
}

export function tdmrTable(o: Outcome): string {
  const rows = tdmrRows(o);
  if (!rows.length)
    return `<p>${o.plan ? 'The kernel built no TDMRs.' : `No TDMRs were built: init stopped at ${esc(o.verdict.stageText ?? o.verdict.stage ?? 'an earlier step')}.`}</p>`;
  const groups = tdmrRowGroups(rows);
  const out: string[] = [];
  for (const g of groups.slice(0, MAX_TDMR_ROWS)) {
    const r = g.first;
    const run = g.count > 1;
    const idx = `<td class="num idx">${esc(groupIndexText(g))}</td>`;
    const range = run
      ? `${rangeCell(r.base, r.end)}<br>… ${rangeCell(g.last.base, g.last.end)}`
      : rangeCell(r.base, r.end);
    const size = `<br>${sizeCell(r.end - r.base)}${run ? ' each' : ''}`;
    if (!r.pamt || !r.reserved) {
      out.push(
        `<tr${r.failed ? ' class="failed"' : run ? ' class="group"' : ''}>${idx}<td>${range}${size}</td><td colspan="4">${r.failed ? `<strong>failed here: ${esc(r.failed)}</strong>` : 'not completed'}</td></tr>`,
      );
      continue;
    }
    const p = r.pamt;
    const lp = g.last.pamt!;
    const pamtRange = run
      ? `${rangeCell(p.base, p.base + p.total)}<br>… ${rangeCell(lp.base, lp.base + lp.total)}`
      : rangeCell(p.base, p.base + p.total);
    out.push(
      `<tr${r.failed ? ' class="failed"' : run ? ' class="group"' : ''}>${idx}<td>${range}${size}${r.failed ? `<br><strong>${esc(r.failed)}</strong>` : ''}</td>` +
        `<td class="num">${r.reserved.length} / ${r.reservedLimit}${run ? ' each' : ''}</td><td>${reservedList(r)}</td>` +
        `<td>${pamtRange}<br>4K ${sizeCell(p.size4k)}<br>2M ${sizeCell(p.size2m)}<br>1G ${sizeCell(p.size1g)}${run ? ' each' : ''}</td>` +
        `<td class="num">${p.wantedNid}${p.placedNid !== p.wantedNid ? ` → ${p.placedNid}` : ''}</td></tr>`,
    );
  }
  const collapsed = groups.length < rows.length;
  const notes: string[] = [];
  if (collapsed)
    notes.push(
      `${rows.length} TDMRs in ${groups.length} rows: a row “a–b ×n” stands for n consecutive TDMRs that differ only in their base (same size, reserved areas and PAMT sizes), with the first and the last range.`,
    );
  if (groups.length > MAX_TDMR_ROWS)
    notes.push(`Showing ${MAX_TDMR_ROWS} of ${groups.length} rows; <code>tdx-lab plan --json</code> lists every TDMR.`);
  return (
    `<table class="tdmrs"><thead><tr><th class="num">#</th><th>range and size</th><th class="num">reserved</th><th>reserved areas (offset, size)</th><th>PAMT (4K, 2M, 1G)</th><th class="num">PAMT node</th></tr></thead><tbody>\n${out.join('\n')}\n</tbody></table>` +
    notes.map((n) => `<p class="note">${n}</p>`).join('')
  );
}

export function pamtTable(o: Outcome): string {
  const p = o.pamt;
  if (!o.plan?.ok) return '<p>No PAMT was allocated: the kernel failed before (or while) setting up PAMTs.</p>';
  const rows = p.nodes.map(
    (n) =>
      `<tr><td class="num">${n.nid}</td><td class="num">${sizeCell(n.tdxBytes)}</td><td class="num">${sizeCell(n.pamtBytes)}</td><td class="num">${n.pamtPercent.toFixed(3)}%</td></tr>`,
  );
  rows.push(
    `<tr><th>total</th><th class="num">${sizeCell(p.tdxBytes)}</th><th class="num">${sizeCell(p.bytes)} = ${p.kb} KB</th><th class="num">${p.percent.toFixed(3)}%</th></tr>`,
  );
  const note = p.kept
    ? `<p>The kernel printed <span class="mono">${p.printedKb} KB allocated for PAMT</span>.</p>`
    : '<p class="note">Init failed after the PAMTs were allocated, so the kernel freed them again: these are the figures it planned.</p>';
  return `${note}<table><thead><tr><th class="num">node</th><th class="num">TDX memory</th><th class="num">PAMT placed on the node</th><th class="num">PAMT / memory</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

export function logHtml(o: Outcome): string {
  const items = logExcerpt(o);
  if (!items.length) return '<p>The kernel printed nothing.</p>';
  let labelled = false;
  const lines = items.map((it) => {
    if (it.kind === 'gap')
      return `<span class="gap">… ${it.omitted} line${it.omitted === 1 ? '' : 's'} left out</span>`;
    const tail =
      it.count > 1
        ? it.last !== undefined
          ? ` <span class="count">… ${esc(it.last)} ×${it.count}</span>`
          : ` <span class="count">×${it.count}</span>`
        : '';
    const label = printkLabel(it.level);
    if (label) labelled = true;
    const text = esc(it.text) + tail + (label ? ` <span class="printk">[${esc(label)}]</span>` : '');
    return it.key ? `<span class="err">${text}</span>` : label ? `<span class="debug">${text}</span>` : text;
  });
  return `<pre class="log">${lines.join('\n')}</pre>${labelled ? `<p class="note">${esc(PRINTK_LABEL_NOTE)}</p>` : ''}`;
}

export function seamcallTable(o: Outcome): string {
  if (!o.seamcalls.length) return '<p>No SEAMCALLs were made.</p>';
  const names = o.seamcalls.map((r) => `${r.name} ${r.status}`);
  const items = excerpt(names, keySeamcalls(o), { max: 60 });
  const rows = items.map((it) => {
    if (it.kind === 'gap') return `<tr><td colspan="6" class="note">… ${it.omitted} SEAMCALLs left out</td></tr>`;
    const r = o.seamcalls[it.index];
    const ok = r.statusName === 'TDX_SUCCESS';
    const rep = (r.repeat ?? 1) * it.count;
    return `<tr${it.key ? ' class="failed"' : ''}><td class="num">${it.index}</td><td class="mono">${esc(r.name)}</td><td class="num">${r.lp}</td><td class="num">${r.attempt}${rep > 1 ? ` ×${rep}` : ''}</td><td class="mono hex">${esc(r.status)}</td><td class="${ok ? 'status-ok' : 'status-fail'}">${esc(r.statusName)}${r.detail ? ` (${esc(r.detail)})` : ''}</td></tr>`;
  });
  return `<table><thead><tr><th class="num">#</th><th>leaf</th><th class="num">CPU</th><th class="num">attempt</th><th>status</th><th>meaning</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function scenarioTimeline(o: Outcome): string {
  const r = o.scenario!;
  const rows = r.events.map(
    (e) =>
      `<tr${e.ok ? '' : ' class="failed"'}><td class="num">${e.index}</td><td>${e.t ?? ''}</td><td>${esc(e.kind)}</td><td>${escHex(e.summary)}${e.note ? `<br><span class="note">${esc(e.note)}</span>` : ''}</td><td class="${e.ok ? 'status-ok' : 'status-fail'}">${e.ok ? 'ok' : esc(e.errno ?? 'failed')}</td></tr>`,
  );
  return `<table><thead><tr><th class="num">#</th><th>t</th><th>event</th><th>what happened</th><th>result</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

export interface SubjectMaps {
  model: MapModel;
  width: number;
  highlight?: readonly string[];
  note?: string;
}

function subjectSections(
  sec: Sections,
  s: ReportSubject,
  key: string,
  label: string,
  on: ReportSections,
  maps: SubjectMaps,
): void {
  const o = s.outcome;
  // A recorded host starts with its evidence (evidence-html.ts).
  if (o.recorded) return recordedSections(sec, s, key, label, on, maps);
  sec.add(
    `${key}-summary`,
    `${label}Summary`,
    // The verdict and the facts grid print together, after their heading (never the heading alone).
    `<div class="keep-together">${verdictHtml(o)}${hostFacts(s)}</div>${o.subject.description ? `<p>${esc(o.subject.description)}</p>` : ''}`,
  );
  if (on.findings !== false) sec.add(`${key}-findings`, `${label}Findings`, findingsHtml(o.findings));
  sec.add(
    `${key}-map`,
    `${label}Memory map`,
    mapsHtml(s, maps.model, key, { insets: on.insets !== false, ...maps }),
    true,
  );
  if (o.reservedNeed) sec.add(`${key}-needed`, `${label}Reserved areas needed`, neededHtml(o));
  if (on.tables !== false) {
    sec.add(`${key}-tdmrs`, `${label}TDMRs, reserved areas and PAMTs`, tdmrTable(o), true);
    sec.add(`${key}-pamt`, `${label}PAMT cost per node`, pamtTable(o));
  }
  if (on.logs === false) return;
  if (o.scenario) sec.add(`${key}-timeline`, `${label}Scenario timeline`, scenarioTimeline(o));
  sec.add(`${key}-log`, `${label}Kernel log (emulated)`, logHtml(o), true);
  sec.add(`${key}-seamcalls`, `${label}SEAMCALL log (emulated)`, seamcallTable(o));
}

function provenanceRows(subjects: readonly ReportSubject[], o: HtmlOptions): Array<[string, string]> {
  const rows: Array<[string, string]> = [['tool', `TDX Platform Lab ${ENGINE_VERSION}`]];
  subjects.forEach((s, i) => {
    const p = s.provenance;
    const tag = subjects.length > 1 ? `${String.fromCharCode(65 + i)}: ` : '';
    rows.push([`${tag}input`, p.input]);
    if (p.sha256) rows.push([`${tag}input SHA-256`, p.sha256]);
    if (p.command) rows.push([`${tag}command`, p.command]);
    rows.push([`${tag}kernel variant`, `${p.kernel}${p.kernelReason ? ` (${p.kernelReason})` : ''}`]);
    if (p.recorded)
      rows.push([
        `${tag}stored run`,
        `#${p.recorded.run} of session '${p.recorded.session}', recorded ${p.recorded.at} with engine ${p.recorded.engine}`,
      ]);
    rows.push([`${tag}emulator runs`, s.outcome.runs.map((r) => r.purpose).join('; ')]);
  });
  if (o.timestamp) rows.push(['generated', o.timestamp]);
  return rows;
}

export interface ReportDocument {
  title: string;
  html: string;
}

/** The full report page for one subject, or two side by side (compare). */
export function reportHtml(subjects: readonly ReportSubject[], o: HtmlOptions = {}): ReportDocument {
  const [a, b] = subjects;
  const kind = a.outcome.scenario
    ? 'Scenario report'
    : b
      ? 'Comparison report'
      : a.outcome.recorded
        ? 'TDX recorded-host report'
        : 'TDX plan report';
  const title = b
    ? `${kind}: ${a.outcome.subject.name} vs ${b.outcome.subject.name}`
    : `${kind}: ${a.outcome.subject.name}`;
  const sec = new Sections();
  const width = o.mapWidth ?? MAP_WIDTH;
  if (b) {
    const c = comparisonOf(a, b);
    const [ma, mb] = comparedModels(a, b);
    const [ha, hb] = differenceShapes(c, ma, mb);
    const note = 'Drawn on the same scale as the other side’s map; what differs is highlighted.';
    sec.add('comparison', 'Comparison', comparisonHtml(a, b, c, ma.top));
    subjectSections(sec, a, 'a', 'A · ', o.sections ?? {}, { model: ma, width, highlight: ha, note });
    subjectSections(sec, b, 'b', 'B · ', o.sections ?? {}, { model: mb, width, highlight: hb, note });
  } else subjectSections(sec, a, 's', '', o.sections ?? {}, { model: subjectModel(a), width });
  // The provenance and the closing line stay together, and with the end of the section before:
  // no printed page holds only the provenance (report.css .tail).
  const provenance = `<section id="provenance"><h2>Provenance</h2>\n<table>${provenanceRows(subjects, o)
    .map(([k, v]) => `<tr><th>${esc(k)}</th><td>${escHex(v)}</td></tr>`)
    .join(
      '',
    )}</table><p class="note">Same inputs, same engine version: byte-identical HTML, SVG and PDF.</p>\n</section>`;
  sec.toc.push({ id: 'provenance', title: 'Provenance' });

  const toc = `<nav class="toc"><h2>Contents</h2><ol>${sec.toc.map((t) => `<li><a href="#${t.id}">${esc(t.title)}</a></li>`).join('')}</ol></nav>`;
  const sub = b ? `${a.file} and ${b.file}` : (a.outcome.subject.description ?? a.file);
  const body = `<header><h1>${esc(title)}</h1><p class="subtitle">${esc(sub)}</p></header>\n${toc}\n${sec.parts.join('\n')}\n<div class="tail">${provenance}\n<footer>Generated by tdx-lab report, TDX Platform Lab ${ENGINE_VERSION}.</footer></div>`;
  const template = readFileSync(templatePath('report.html'), 'utf8');
  const css = readFileSync(templatePath('report.css'), 'utf8');
  // Function replacers: `$` in the content must not be read as a replacement pattern.
  const html = template
    .replace('{{title}}', () => esc(title))
    .replace('{{generator}}', () => `tdx-lab ${ENGINE_VERSION}`)
    .replace('{{style}}', () => css.trim())
    .replace('{{body}}', () => body);
  return { title, html };
}
