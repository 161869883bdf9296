/**
 * The report as one self-contained HTML document: inline SVG maps, inline
 * CSS, no scripts, nothing fetched. The same document is printed to PDF
 * and screenshotted to PNG by Chromium.
 */
import { readFileSync } from 'node:fs';
import { hex, humanSize } from '../../engine/format/hex.js';
import { summarizePlan, nodeOfAddress } from '../../engine/format/plan-summary.js';
import { pamtTotal } from '../../engine/kernel/pamt.js';
import { ENGINE_VERSION } from '../../engine/version.js';
import { esc } from './escape.js';
import { findingsFor, type Finding } from './findings.js';
import { chooseInsets, mapSvg, subjectModel } from './map-svg.js';
import { templatePath } from './project-root.js';
import type { ReportSubject } from './subject.js';

/** Tables and logs are capped so a 100,000-region host still gives a readable, printable report. */
const MAX_TDMR_ROWS = 200;
const MAX_RSVD_LISTED = 6;
const MAX_LOG_LINES = 1500;
const MAX_SEAMCALL_ROWS = 300;

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
}

function rangeCell(start: number, end: number): string {
  return `<span class="mono">[${hex(start)}, ${hex(end)})</span>`;
}
function sizeCell(bytes: number): string {
  return `<span class="size">${esc(humanSize(bytes))}</span>`;
}

class Sections {
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

function verdict(s: ReportSubject): { ok: boolean; headline: string; detail: string } {
  const sum = summarizePlan(s.host, s.plan);
  if (s.scenario) {
    const f = s.scenario.result.final;
    const ok = f.outcome === 'initialized';
    const failed = s.scenario.result.events.find((e) => !e.ok);
    return {
      ok: ok && !failed,
      headline: ok
        ? `TDX initialized (${f.tdmrCount} TDMRs${f.pamtKb !== null ? `, ${humanSize(f.pamtKb * 1024)} PAMT` : ''})`
        : f.outcome === 'no-init'
          ? 'TDX was not initialized'
          : 'TDX initialization failed',
      detail: failed
        ? `First failing event: #${failed.index} ${failed.summary}`
        : `Module state ${f.moduleState}, kernel status ${f.kernelStatus}; memory blocks: ${f.blocks.online} online, ${f.blocks.offline} offline, ${f.blocks.refused} refused.`,
    };
  }
  if (s.init && !s.init.ok) {
    return {
      ok: false,
      headline: `TDX initialization fails at ${s.init.stage} (${s.init.errno})`,
      detail:
        sum.failure ??
        (s.init.statusName
          ? `The module returned ${s.init.status} ${s.init.statusName}${s.init.statusDetail ? ` (${s.init.statusDetail})` : ''}.`
          : ''),
    };
  }
  if (!s.plan.ok)
    return {
      ok: false,
      headline: `The kernel fails to build TDMRs (${s.plan.stage} stage, ${s.plan.errno})`,
      detail: sum.failure ?? '',
    };
  return {
    ok: true,
    headline: `TDX initializes: ${sum.tdmrCount} TDMRs, ${humanSize(sum.pamtBytes)} PAMT (${sum.pamtPercent.toFixed(2)}%)`,
    detail: `${humanSize(sum.tdxBytes)} of TDX memory; at most ${sum.maxReservedUsed} of ${sum.maxReservedPerTdmr} reserved areas used by one TDMR; ${sum.tdmrCount} of ${sum.maxTdmrs} TDMRs.`,
  };
}

function hostFacts(s: ReportSubject): string {
  const h = s.host;
  const mem = h.memblock.reduce((n, r) => n + r.end - r.start, 0);
  const nodes = new Set(h.memblock.map((r) => r.nid)).size;
  const facts: Array<[string, string]> = [
    ['host', h.name],
    ['input file', s.file],
    ['kernel variant', s.variant],
    ['memblock memory', `${humanSize(mem)} in ${h.memblock.length} region${h.memblock.length === 1 ? '' : 's'}`],
    ['NUMA nodes', String(nodes)],
    ['CMRs', `${h.cmrs.length} covering ${humanSize(h.cmrs.reduce((n, c) => n + c.size, 0))}`],
    ['reserved ranges', String(h.reserved.length)],
    [
      'module',
      `TDX ${h.module.version ?? '1.5'}; max ${h.module.max_tdmrs} TDMRs, ${h.module.max_reserved_per_tdmr} reserved areas each`,
    ],
    [
      'PAMT entry sizes',
      `4K ${h.module.pamt_entry_size['4k']} B, 2M ${h.module.pamt_entry_size['2m']} B, 1G ${h.module.pamt_entry_size['1g']} B`,
    ],
  ];
  if (h.devices?.length)
    facts.push([
      'devices',
      h.devices.map((d) => `${d.name} (${d.kind.toUpperCase()}, ${humanSize(d.end - d.start)})`).join(', '),
    ]);
  return `<div class="facts">${facts.map(([k, v]) => `<div><span class="k">${esc(k)}</span>${esc(v)}</div>`).join('')}</div>`;
}

function findingsHtml(list: Finding[]): string {
  return `<ul class="findings">${list
    .map(
      (f) =>
        `<li class="finding ${f.severity}"><span class="sev">${f.severity}</span><h3>${esc(f.title)}</h3><p>${esc(f.text)}</p></li>`,
    )
    .join('\n')}</ul>`;
}

function mapsHtml(s: ReportSubject, prefix: string, insets: boolean): string {
  const model = subjectModel(s);
  const parts = [
    `<figure>${mapSvg(model, { idPrefix: `${prefix}-full`, height: 420 })}<figcaption>The whole physical address space [0x0, ${hex(model.top)}) ${esc(humanSize(model.top))}; long empty stretches are drawn compressed (grey bands). ${model.counts.tdmr} TDMRs, ${model.counts['reserved-area']} reserved areas, ${model.counts.pamt} PAMT blocks.</figcaption></figure>`,
  ];
  (insets ? chooseInsets(s, model) : []).forEach((inset, i) => {
    parts.push(
      `<h3>${esc(inset.title)}</h3><figure>${mapSvg(model, { idPrefix: `${prefix}-inset${i}`, height: 330, domain: inset.domain, legend: false })}<figcaption>${esc(inset.caption)}</figcaption></figure>`,
    );
  });
  return parts.join('\n');
}

function tdmrTable(s: ReportSubject): string {
  const plan = s.plan;
  const rows: string[] = [];
  const n = plan.tdmrs.length;
  if (n === 0) return '<p>The kernel built no TDMRs.</p>';
  for (let i = 0; i < Math.min(n, MAX_TDMR_ROWS); i++) {
    const t = plan.tdmrs[i];
    const failed = !plan.ok && plan.failedTdmr === i;
    if (!plan.ok) {
      rows.push(
        `<tr${failed ? ' class="failed"' : ''}><td class="num">${i}</td><td>${rangeCell(t.base, t.base + t.size)}</td><td>${sizeCell(t.size)}</td><td colspan="4">${failed ? `<strong>failed here (${esc(plan.stage)} stage, ${esc(plan.errno)})</strong>` : 'not completed'}</td></tr>`,
      );
      continue;
    }
    const full = plan.tdmrs[i];
    const r = full.reserved;
    const listed = r
      .slice(0, MAX_RSVD_LISTED)
      .map(
        (a) =>
          `${a.kind === 'pamt' ? `PAMT ${a.pamtOf}` : 'hole'} <span class="mono">+${hex(a.offset)}</span> ${sizeCell(a.size)}`,
      )
      .join('<br>');
    const more = r.length > MAX_RSVD_LISTED ? `<br><span class="note">… ${r.length - MAX_RSVD_LISTED} more</span>` : '';
    const p = full.pamt;
    rows.push(
      `<tr><td class="num">${i}</td><td>${rangeCell(t.base, t.base + t.size)}</td><td>${sizeCell(t.size)}</td>` +
        `<td class="num">${r.length} / ${s.host.module.max_reserved_per_tdmr}</td><td>${listed}${more}</td>` +
        `<td>${rangeCell(p.base, p.base + pamtTotal(p))}<br>4K ${sizeCell(p.size4k)} · 2M ${sizeCell(p.size2m)} · 1G ${sizeCell(p.size1g)}</td>` +
        `<td class="num">${full.pamtNid}${nodeOfAddress(s.host, p.base) !== full.pamtNid ? ` → ${nodeOfAddress(s.host, p.base)}` : ''}</td></tr>`,
    );
  }
  const cap =
    n > MAX_TDMR_ROWS
      ? `<p class="note">Showing ${MAX_TDMR_ROWS} of ${n} TDMRs; <code>tdx-lab plan --json</code> lists them all.</p>`
      : '';
  return (
    `<table><thead><tr><th class="num">#</th><th>range</th><th>size</th><th class="num">reserved</th><th>reserved areas (offset, size)</th><th>PAMT (4K · 2M · 1G)</th><th class="num">PAMT node</th></tr></thead><tbody>\n${rows.join('\n')}\n</tbody></table>` +
    cap
  );
}

function pamtTable(s: ReportSubject): string {
  const sum = summarizePlan(s.host, s.plan);
  if (!s.plan.ok) return '<p>No PAMT was allocated: the kernel failed before (or while) setting up PAMTs.</p>';
  const rows = sum.nodes.map(
    (n) =>
      `<tr><td class="num">${n.nid}</td><td class="num">${esc(humanSize(n.tdxBytes))}</td><td class="num">${esc(humanSize(n.pamtBytes))}</td><td class="num">${n.pamtPercent.toFixed(3)}%</td></tr>`,
  );
  rows.push(
    `<tr><th>total</th><th class="num">${esc(humanSize(sum.tdxBytes))}</th><th class="num">${esc(humanSize(sum.pamtBytes))} (${sum.pamtKb} KB)</th><th class="num">${sum.pamtPercent.toFixed(3)}%</th></tr>`,
  );
  return `<table><thead><tr><th class="num">node</th><th class="num">TDX memory</th><th class="num">PAMT placed on the node</th><th class="num">PAMT / memory</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function logHtml(lines: readonly string[]): string {
  const shown = lines.slice(0, MAX_LOG_LINES).map((l) => {
    const cls = /failed|error|exhausted|refus/i.test(l) ? 'err' : /warn|fallback/i.test(l) ? 'warn' : '';
    return cls ? `<span class="${cls}">${esc(l)}</span>` : esc(l);
  });
  const more = lines.length > MAX_LOG_LINES ? `\n… ${lines.length - MAX_LOG_LINES} more lines` : '';
  return `<pre class="log">${shown.join('\n')}${more}</pre>`;
}

function seamcallTable(
  records: ReadonlyArray<{
    name: string;
    lp: number;
    status: string;
    statusName: string;
    detail?: string;
    attempt: number;
    repeat?: number;
  }>,
): string {
  if (!records.length) return '<p>No SEAMCALLs were made.</p>';
  const rows = records.slice(0, MAX_SEAMCALL_ROWS).map((r, i) => {
    const ok = r.statusName === 'TDX_SUCCESS';
    return `<tr><td class="num">${i}</td><td class="mono">${esc(r.name)}</td><td class="num">${r.lp}</td><td class="num">${r.attempt}${r.repeat ? ` ×${r.repeat}` : ''}</td><td class="mono">${esc(r.status)}</td><td class="${ok ? 'status-ok' : 'status-fail'}">${esc(r.statusName)}${r.detail ? ` (${esc(r.detail)})` : ''}</td></tr>`;
  });
  const more =
    records.length > MAX_SEAMCALL_ROWS
      ? `<p class="note">Showing ${MAX_SEAMCALL_ROWS} of ${records.length} SEAMCALLs.</p>`
      : '';
  return `<table><thead><tr><th class="num">#</th><th>leaf</th><th class="num">CPU</th><th class="num">attempt</th><th>status</th><th>meaning</th></tr></thead><tbody>${rows.join('')}</tbody></table>${more}`;
}

function scenarioTimeline(s: ReportSubject): string {
  const r = s.scenario!.result;
  const rows = r.events.map(
    (e) =>
      `<tr${e.ok ? '' : ' class="failed"'}><td class="num">${e.index}</td><td>${e.t ?? ''}</td><td>${esc(e.kind)}</td><td>${esc(e.summary)}${e.note ? `<br><span class="note">${esc(e.note)}</span>` : ''}</td><td class="${e.ok ? 'status-ok' : 'status-fail'}">${e.ok ? 'ok' : esc(e.errno ?? 'failed')}</td></tr>`,
  );
  return `<table><thead><tr><th class="num">#</th><th>t</th><th>event</th><th>what happened</th><th>result</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function subjectSections(sec: Sections, s: ReportSubject, key: string, label: string, on: ReportSections): void {
  const v = verdict(s);
  sec.add(
    `${key}-summary`,
    `${label}Summary`,
    `<div class="verdict ${v.ok ? 'ok' : 'fail'}"><strong>${esc(v.headline)}</strong><p>${esc(v.detail)}</p></div>${hostFacts(s)}${s.host.description ? `<p>${esc(s.host.description)}</p>` : ''}`,
  );
  if (on.findings !== false) sec.add(`${key}-findings`, `${label}Findings`, findingsHtml(findingsFor(s)));
  sec.add(`${key}-map`, `${label}Memory map`, mapsHtml(s, key, on.insets !== false), true);
  if (on.tables !== false) {
    sec.add(`${key}-tdmrs`, `${label}TDMRs, reserved areas and PAMTs`, tdmrTable(s), true);
    sec.add(`${key}-pamt`, `${label}PAMT cost per node`, pamtTable(s));
  }
  if (on.logs === false) return;
  if (s.scenario) {
    sec.add(`${key}-timeline`, `${label}Scenario timeline`, scenarioTimeline(s));
    const r = s.scenario.result;
    const log = [...r.bootLog, ...r.events.flatMap((e) => e.log)];
    sec.add(`${key}-log`, `${label}Kernel log`, logHtml(log), true);
    sec.add(`${key}-seamcalls`, `${label}SEAMCALL log`, seamcallTable(r.events.flatMap((e) => e.seamcalls)));
  } else {
    sec.add(`${key}-log`, `${label}Kernel log`, logHtml(s.init ? s.init.log : s.plan.log.map((l) => l.text)), true);
    if (s.init) sec.add(`${key}-seamcalls`, `${label}SEAMCALL log`, seamcallTable(s.init.seamcalls));
  }
}

function comparisonTable(a: ReportSubject, b: ReportSubject): string {
  const row = (k: string, f: (s: ReportSubject) => string) =>
    `<tr><td>${esc(k)}</td><td>${esc(f(a))}</td><td>${esc(f(b))}</td></tr>`;
  const sa = summarizePlan(a.host, a.plan);
  const sb = summarizePlan(b.host, b.plan);
  const sum = (s: ReportSubject) => (s === a ? sa : sb);
  return (
    `<table class="compare"><thead><tr><th></th><th>A: ${esc(a.file)}</th><th>B: ${esc(b.file)}</th></tr></thead><tbody>` +
    [
      row('host', (s) => s.host.name),
      row('verdict', (s) => verdict(s).headline),
      row('memblock regions', (s) => String(s.host.memblock.length)),
      row('TDX memory', (s) => humanSize(sum(s).tdxBytes)),
      row('TDMRs', (s) => `${sum(s).tdmrCount} of ${sum(s).maxTdmrs}`),
      row('most reserved areas in one TDMR', (s) => `${sum(s).maxReservedUsed} of ${sum(s).maxReservedPerTdmr}`),
      row('PAMT', (s) => `${humanSize(sum(s).pamtBytes)} (${sum(s).pamtPercent.toFixed(3)}%)`),
      row('CMRs', (s) => String(s.host.cmrs.length)),
      row('devices', (s) => (s.host.devices ?? []).map((d) => d.name).join(', ') || 'none'),
    ].join('') +
    '</tbody></table>'
  );
}

export interface ReportDocument {
  title: string;
  html: string;
}

/** The full report page for one subject, or two side by side (compare). */
export function reportHtml(subjects: readonly ReportSubject[], o: HtmlOptions = {}): ReportDocument {
  const [a, b] = subjects;
  const kind = a.scenario ? 'Scenario report' : b ? 'Comparison report' : 'TDX plan report';
  const title = b
    ? `${kind}: ${a.host.name} vs ${b.host.name}`
    : `${kind}: ${a.scenario ? a.scenario.scenario.name : a.host.name}`;
  const sec = new Sections();
  if (b) {
    sec.add('comparison', 'Comparison', comparisonTable(a, b));
    subjectSections(sec, a, 'a', 'A · ', o.sections ?? {});
    subjectSections(sec, b, 'b', 'B · ', o.sections ?? {});
  } else subjectSections(sec, a, 's', '', o.sections ?? {});
  const prov: Array<[string, string]> = [
    ['engine', `TDX Platform Lab ${ENGINE_VERSION}`],
    ['kernel variant', subjects.map((s) => s.variant).join(', ')],
    ['input', subjects.map((s) => s.file).join(', ')],
  ];
  if (a.scenario) prov.push(['scenario', a.scenario.scenario.name]);
  if (o.timestamp) prov.push(['generated', o.timestamp]);
  sec.add(
    'provenance',
    'Provenance',
    `<table>${prov.map(([k, v]) => `<tr><th>${esc(k)}</th><td>${esc(v)}</td></tr>`).join('')}</table><p class="note">Same inputs, same engine version: byte-identical HTML and SVG.</p>`,
  );

  const toc = `<nav class="toc"><h2>Contents</h2><ol>${sec.toc.map((t) => `<li><a href="#${t.id}">${esc(t.title)}</a></li>`).join('')}</ol></nav>`;
  const sub = a.scenario
    ? (a.scenario.scenario.description ?? '')
    : b
      ? `${a.file} and ${b.file}`
      : (a.host.description ?? a.file);
  const body = `<header><h1>${esc(title)}</h1><p class="subtitle">${esc(sub)}</p></header>\n${toc}\n${sec.parts.join('\n')}\n<footer>Generated by tdx-lab report, TDX Platform Lab ${ENGINE_VERSION}.</footer>`;
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
