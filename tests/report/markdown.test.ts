/**
 * The Markdown report renders on GitHub: parsed with markdown-it (CommonMark,
 * GFM tables, the same HTML-block rules as GitHub's cmark-gfm), r.md of a
 * host, a scenario, a recorded host and a comparison has its headings, its
 * tables with every row's cells, and <details> blocks that open and close
 * around a fenced log.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import MarkdownIt from 'markdown-it';
import { ARTIFACTS, goldenFile, runReportCli, sampleHosts, sampleScenarios } from './helpers.js';
import { FIXTURES } from '../helpers/golden.js';

const md = new MarkdownIt({ html: true });

function reportMd(args: string[], name: string): string {
  const out = join(ARTIFACTS, `${name}.md`);
  const r = runReportCli(['report', ...args, '--out', out]);
  assert.equal(r.status, 0, `report ${name}: ${r.stderr}`);
  return readFileSync(out, 'utf8');
}

/** A recorded host imported from the #135 system report (two boots, a layout). */
function recordedHost(dir: string): string {
  const out = join(dir, 'host-135.json');
  const r = runReportCli([
    'import',
    join(FIXTURES, 'real-hosts', 'canonical-tdx-135-emr-fox-creek-pass.txt'),
    '--out',
    out,
  ]);
  assert.equal(r.status, 0, r.stderr);
  return out;
}

interface Parsed {
  headings: { level: number; text: string }[];
  tables: { head: string[]; rows: string[][] }[];
  details: { open: number; close: number; summaries: string[] };
  fences: string[];
}

function parse(text: string): Parsed {
  const tokens = md.parse(text, {});
  const p: Parsed = { headings: [], tables: [], details: { open: 0, close: 0, summaries: [] }, fences: [] };
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (t.type === 'heading_open') p.headings.push({ level: Number(t.tag.slice(1)), text: tokens[i + 1].content });
    if (t.type === 'table_open') {
      const table = { head: [] as string[], rows: [] as string[][] };
      let row: string[] | null = null;
      let inHead = false;
      for (i++; tokens[i].type !== 'table_close'; i++) {
        const u = tokens[i];
        if (u.type === 'thead_open') inHead = true;
        if (u.type === 'thead_close') inHead = false;
        if (u.type === 'tr_open') row = [];
        if (u.type === 'inline' && row) row.push(u.content);
        if (u.type === 'tr_close' && row) {
          if (inHead) table.head = row;
          else table.rows.push(row);
          row = null;
        }
      }
      p.tables.push(table);
    }
    if (t.type === 'html_block') {
      p.details.open += (t.content.match(/<details>/g) ?? []).length;
      p.details.close += (t.content.match(/<\/details>/g) ?? []).length;
      for (const m of t.content.matchAll(/<summary>([^<]*)<\/summary>/g)) p.details.summaries.push(m[1]);
    }
    if (t.type === 'fence') p.fences.push(t.content);
  }
  return p;
}

function check(name: string, p: Parsed, sections: string[]): void {
  assert.equal(p.headings.filter((h) => h.level === 1).length, 1, `${name}: one # title`);
  const h2 = p.headings.filter((h) => h.level === 2).map((h) => h.text);
  for (const s of sections) assert.ok(h2.includes(s), `${name}: ## ${s} (have ${JSON.stringify(h2)})`);
  assert.ok(p.tables.length >= 3, `${name}: GFM tables parsed (${p.tables.length})`);
  for (const t of p.tables)
    for (const r of t.rows) assert.equal(r.length, t.head.length, `${name}: every row has the header's cells`);
  assert.ok(p.details.open >= 2, `${name}: <details> blocks`);
  assert.equal(p.details.open, p.details.close, `${name}: every <details> closes`);
  assert.ok(
    p.details.summaries.some((s) => s.startsWith('Kernel log')),
    `${name}: the kernel log sits in a <details>`,
  );
  assert.ok(p.fences.length >= 2, `${name}: the logs are fenced code blocks`);
}

test('the Markdown report of a host, a scenario, a recorded host and a comparison parses as GitHub Markdown', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tdx-md-'));
  try {
    const host = sampleHosts().find((h) => basename(h) === '2s-server-fragmented-low-memory.json')!;
    const p1 = parse(reportMd([host], 'md-host'));
    check('host', p1, ['Verdict', 'Findings', 'Reserved areas needed', 'TDMRs', 'PAMT per node', 'Logs', 'Provenance']);
    const tdmrs = p1.tables.find((t) => t.head[0] === '#' && t.head[1] === 'range')!;
    assert.ok(tdmrs.rows.length > 0, 'TDMR rows');
    assert.match(tdmrs.rows[0][2], /^0x[0-9a-f]+ \([\d.]+ [KMGT]?i?B\)/, 'exact size beside the human one');
    const needed = p1.tables.find((t) => t.head.join('|') === '#|range|size|why|')!;
    assert.ok(
      needed.rows.some((r) => r[4] === '**past the limit**'),
      'the reserved areas past the limit are marked',
    );

    const scenario = sampleScenarios().find((s) => basename(s) === 'cxl-hot-added-after-init.json')!;
    const p2 = parse(reportMd([scenario], 'md-scenario'));
    check('scenario', p2, ['Verdict', 'Findings', 'TDMRs', 'Scenario timeline', 'Logs', 'Provenance']);

    const p3 = parse(reportMd([recordedHost(dir)], 'md-recorded'));
    // A recorded host opens with the evidence; what was emulated says so in its heading.
    check('recorded host', p3, [
      'Evidence: what the host printed against what the lab predicts',
      'Facts (observed or assumed)',
      'Findings (emulated)',
      'TDMRs (emulated)',
      'Logs (emulated)',
      'Provenance',
    ]);
    assert.ok(
      p3.headings.find((h) => h.level === 2)!.text.startsWith('Evidence'),
      'recorded host: the evidence is the first section',
    );

    const p4 = parse(reportMd([sampleHosts()[0], '--compare', goldenFile('rsvd-holes-16')], 'md-compare'));
    check('compare', p4, ['Comparison', 'A · Verdict', 'B · Verdict', 'A · Logs', 'B · Logs', 'Provenance']);
    const h3 = p4.headings.filter((h) => h.level === 3).map((h) => h.text);
    assert.ok(h3.includes('Why B differs') && h3.includes('What differs'), `compare: ${JSON.stringify(h3)}`);
    assert.equal(p4.details.open, 4, 'compare: two logs per side');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
