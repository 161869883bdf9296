/**
 * The report defects found when reports were read as their recipients read
 * them (issue 14), one test each: exact sizes beside human ones, hex that
 * cannot wrap in a cell, alike TDMR rows and log lines collapsed with
 * counts, pr_debug lines labelled, comparison reports that say why B
 * differs on one scale, the reserved areas needed, the provenance, and
 * `--compare` refusing `.svg`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parseHTML } from 'linkedom';
import { contiguousHost } from '../../engine/host/synthetic.js';
import { hostToJson } from '../../engine/format/host-json.js';
import { analyzeScenario } from '../../engine/outcome/analyze.js';
import { tdmrRows } from '../../engine/outcome/rows.js';
import { loadSubject } from '../../main/report/subject.js';
import { ARTIFACTS, goldenFile, runReportCli, sampleHosts, sampleScenarios } from './helpers.js';
import { scenarioFromJson } from '../../main/node/scenario-file.js';

const made = new Map<string, string>();
function report(args: string[], out: string): string {
  const key = JSON.stringify([args, out]);
  if (made.has(key)) return made.get(key)!;
  const r = runReportCli(['report', ...args, '--out', out]);
  assert.equal(r.status, 0, `report ${args.map((a) => basename(a)).join(' ')}: ${r.stderr}`);
  made.set(key, readFileSync(out, 'utf8'));
  return made.get(key)!;
}

const HUMAN = /\b\d+(?:\.\d+)? (?:B|KiB|MiB|GiB|TiB|PiB)\b/g;
/** What may stand right before a human size: the exact hex and "(", a hex range, or an exact KB figure. */
const EXACT_BEFORE = /(?:0x[0-9a-f]+ \(|\[0x[0-9a-f]+, 0x[0-9a-f]+\) |\d+ KB \()$/;

/** Human sizes in `text` with no exact figure right before them. */
function bareSizes(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(HUMAN)) {
    if (!EXACT_BEFORE.test(text.slice(0, m.index)))
      out.push(text.slice(Math.max(0, m.index - 30), m.index + m[0].length));
  }
  return out;
}

/** Every sample report: each host, each scenario, and a comparison. */
function sampleArgs(): { name: string; args: string[] }[] {
  return [
    ...sampleHosts().map((h) => ({ name: basename(h, '.json'), args: [h] })),
    ...sampleScenarios().map((s) => ({ name: `scenario-${basename(s, '.json')}`, args: [s] })),
    { name: 'compare', args: [sampleHosts()[0], '--compare', goldenFile('rsvd-holes-16')] },
  ];
}

test('exact sizes beside human ones in every table cell and fact of every HTML and Markdown report', () => {
  for (const { name, args } of sampleArgs()) {
    const html = report(args, join(ARTIFACTS, `defects-${name}.html`));
    const { document } = parseHTML(html);
    const cells = [...document.querySelectorAll('td, th, .facts div, figcaption')].filter(
      // Engine prose quoted as is: verdict headlines and scenario event summaries are the engine's own words.
      (el) =>
        el.closest('tr')?.querySelector('td')?.textContent !== 'verdict' &&
        !el.closest('table')?.querySelector('thead')?.textContent?.includes('what happened'),
    );
    const bare = cells.flatMap((el) => bareSizes(el.textContent ?? ''));
    assert.deepEqual(bare, [], `${name}.html: human sizes without the exact figure`);
    const mdText = report(args, join(ARTIFACTS, `defects-${name}.md`));
    let section = '';
    const mdBare = mdText
      .split('\n')
      .filter((l) => {
        if (l.startsWith('## ')) section = l;
        // The timeline quotes the engine's event summaries; verdict rows quote its headline.
        return l.startsWith('| ') && !section.endsWith('Scenario timeline') && !/^\| (\*\*)?verdict/.test(l);
      })
      .flatMap((l) => l.split(' | ').slice(1))
      .flatMap(bareSizes);
    assert.deepEqual(mdBare, [], `${name}.md: human sizes without the exact figure`);
  }
});

test('every hex figure in a table cell sits in a nowrap span (.hex or .range)', () => {
  const css = readFileSync(join(ARTIFACTS, '..', '..', 'resources', 'report-templates', 'report.css'), 'utf8');
  assert.match(css, /\.hex, \.range, \.sz, \.size \{ white-space: nowrap; \}/);
  for (const { name, args } of sampleArgs()) {
    const html = report(args, join(ARTIFACTS, `defects-${name}.html`));
    const { document } = parseHTML(html);
    const loose: string[] = [];
    for (const cell of document.querySelectorAll('td, th')) {
      const walker = document.createTreeWalker(cell, 4 /* NodeFilter.SHOW_TEXT */);
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        if (!/0x[0-9a-f]/i.test(n.textContent ?? '')) continue;
        const el = n.parentElement as Element | null;
        if (!el?.closest('.hex, .range')) loose.push((n.textContent ?? '').slice(0, 60));
      }
    }
    assert.deepEqual(loose, [], `${name}: hex outside a nowrap span`);
  }
});

test('alike TDMR rows collapse into "first–last ×n" rows with the first and last range, in HTML and Markdown', () => {
  const host = contiguousHost({ regions: 4000, maxTdmrs: 8192, maxReservedPerTdmr: 1024 });
  const file = join(ARTIFACTS, 'defects-contiguous-4000.json');
  writeFileSync(file, JSON.stringify(hostToJson(host)));
  const s = loadSubject(file, { kernel: 'upstream' });
  const rows = tdmrRows(s.outcome);
  const html = report([file], join(ARTIFACTS, 'defects-contiguous-4000.html'));
  const { document } = parseHTML(html);
  const trs = [...document.querySelectorAll('table.tdmrs tbody tr')];
  assert.ok(trs.length < rows.length / 5, `${rows.length} TDMRs in ${trs.length} rows`);
  let covered = 0;
  for (const tr of trs) {
    const idx = tr.querySelector('td.idx')!.textContent!;
    const m = /^(\d+)–(\d+) ×([\d,]+)$/.exec(idx);
    if (!m) {
      covered++;
      continue;
    }
    const [first, last, n] = [Number(m[1]), Number(m[2]), Number(m[3].replace(/,/g, ''))];
    assert.equal(last - first + 1, n, idx);
    covered += n;
    const ranges = [...tr.querySelectorAll('td:nth-child(2) .range')].map((e) => e.textContent);
    assert.deepEqual(ranges, [
      `[0x${rows[first].base.toString(16)}, 0x${rows[first].end.toString(16)})`,
      `[0x${rows[last].base.toString(16)}, 0x${rows[last].end.toString(16)})`,
    ]);
    for (let i = first; i <= last; i++) {
      assert.equal(rows[i].end - rows[i].base, rows[first].end - rows[first].base, `TDMR ${i}: same size`);
      assert.equal(rows[i].reserved!.length, rows[first].reserved!.length, `TDMR ${i}: same reserved count`);
      assert.equal(rows[i].pamt!.total, rows[first].pamt!.total, `TDMR ${i}: same PAMT`);
    }
  }
  assert.equal(covered, rows.length, 'the rows stand for every TDMR once');
  assert.match(html, /\d+ TDMRs in \d+ rows/);
  const mdText = report([file], join(ARTIFACTS, 'defects-contiguous-4000.md'));
  const mdRows = mdText.split('\n').filter((l) => /^\| \d+(–\d+ ×[\d,]+)? \| \[0x/.test(l));
  assert.equal(mdRows.length, trs.length, 'Markdown has the same rows');
  assert.match(mdText, /^\| 1–\d+ ×\d+ \| \[0x[0-9a-f]+, 0x[0-9a-f]+\) … \[0x[0-9a-f]+, 0x[0-9a-f]+\) \| /m);
});

test('pr_debug lines (online_pages … failed) are labelled from their printk level, alike ones collapsed with a count', () => {
  const sc = sampleScenarios().find((f) => basename(f) === 'cxl-hot-added-after-init.json')!;
  const o = analyzeScenario(scenarioFromJson(sc, JSON.parse(readFileSync(sc, 'utf8'))));
  assert.equal(o.logLevels?.length, o.log.length, 'one level per log line');
  const online = o.log.flatMap((l, i) => (l.startsWith('online_pages') ? [i] : []));
  assert.ok(online.length > 100, `${online.length} online_pages lines`);
  for (const i of online) assert.equal(o.logLevels![i], 'debug', o.log[i]);
  o.log.forEach((l, i) => {
    if (l.startsWith('virt/tdx:')) assert.notEqual(o.logLevels![i], 'debug', l);
  });
  const html = report([sc], join(ARTIFACTS, 'defects-pr-debug.html'));
  const { document } = parseHTML(html);
  const log = document.querySelector('#s-log pre.log')!;
  const labelled = [...log.querySelectorAll('.printk')].map((e) => e.parentElement!.textContent!);
  assert.ok(labelled.length >= 1, 'a labelled line');
  for (const l of labelled) {
    assert.match(
      l,
      /^online_pages \[mem 0x[0-9a-f]+-0x[0-9a-f]+\] failed … online_pages .* ×\d+ \[pr_debug: not in a default dmesg\]$/,
    );
  }
  assert.ok(!/virt\/tdx:[^\n]*pr_debug/.test(log.textContent!), 'virt/tdx lines carry no label');
  assert.match(document.querySelector('#s-log')!.textContent!, /a default dmesg from a real host does not show them/);
  const mdText = report([sc], join(ARTIFACTS, 'defects-pr-debug.md'));
  assert.match(
    mdText,
    /^online_pages .* failed … online_pages .* failed {2}\(×\d+\) {2}\[pr_debug: not in a default dmesg\]$/m,
  );
  const cli = runReportCli(['simulate', sc]);
  assert.ok(cli.status === 0 || cli.status === 1, cli.stderr);
  assert.match(cli.stdout, /online_pages \[mem [^\n]*\] failed {2}\[pr_debug: not in a default dmesg\]/);
  const json = JSON.parse(report([sc], join(ARTIFACTS, 'defects-pr-debug.json')));
  assert.equal(json.log_levels.length, json.log.length);
});

test('a comparison report highlights what differs, says why B differs in the findings’ own words, and draws both maps on one scale', () => {
  const [a, b] = [sampleHosts().find((h) => basename(h) === '2s-server-512g.json')!, goldenFile('rsvd-holes-16')];
  const html = report([a, '--compare', b], join(ARTIFACTS, 'defects-compare.html'));
  const { document } = parseHTML(html);
  const grid = document.querySelector('#comparison table.summary-grid')!;
  const differs = [...grid.querySelectorAll('tr.differs td:first-child')].map((e) => e.textContent);
  assert.ok(differs.includes('verdict') && differs.includes('findings'), `highlighted: ${differs}`);
  assert.ok(!differs.includes('kernel'), 'rows that agree are not highlighted');
  const sb = loadSubject(b, { kernel: 'upstream' });
  const sa = loadSubject(a, { kernel: 'upstream' });
  const why = document.querySelector('#comparison')!.textContent!;
  for (const f of sb.outcome.findings.filter((x) => !sa.outcome.findings.some((y) => y.id === x.id))) {
    assert.ok(why.includes(f.title), `why B differs quotes ${f.id}'s title`);
    assert.ok(why.includes(f.cause), `why B differs quotes ${f.id}'s cause`);
  }
  assert.ok(why.includes(sb.outcome.verdict.headline), 'B’s verdict, as the engine words it');
  assert.ok(document.querySelector('#comparison table.differences tr.differs'), 'the engine’s list of differences');
  // One scale: the full maps' axes are the same (same ticks at the same x), and the highlighted shapes differ.
  const axis = (key: string) =>
    [...document.querySelectorAll(`#${key}-map figure:first-of-type svg g.axis g.tick`)].map(
      (t) => `${t.getAttribute('data-addr')}@${t.querySelector('.tick-mark')!.getAttribute('x1')}`,
    );
  assert.ok(axis('a').length >= 3, 'ticks found');
  assert.deepEqual(axis('a'), axis('b'), 'A and B maps share the address axis');
  assert.ok(
    document.querySelectorAll('#a-map svg .highlighted, #b-map svg .highlighted').length > 0,
    'differences highlighted on the maps',
  );
  const md = report([a, '--compare', b], join(ARTIFACTS, 'defects-compare.md'));
  assert.match(md, /^\| \*\*verdict\*\* \|/m);
  assert.match(md, /^### Why B differs$/m);
  for (const f of sb.outcome.findings) assert.ok(md.includes(f.cause), `Markdown quotes ${f.id}`);
});

test('--compare with .svg is refused with one line (exit 2), and writes nothing', () => {
  const out = join(ARTIFACTS, 'defects-compare-refused.svg');
  writeFileSync(out, 'before');
  const r = runReportCli(['report', sampleHosts()[0], '--compare', sampleHosts()[1], '--out', out]);
  assert.equal(r.status, 2);
  assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  assert.match(r.stderr, /--compare writes two maps: use \.html/);
  assert.equal(readFileSync(out, 'utf8'), 'before', 'the existing file is kept');
});

test('reserved areas needed: every area the TDMR needs, those past the limit marked; provenance names sha256, command, tool, kernel', () => {
  const file = sampleHosts().find((h) => basename(h) === '2s-server-fragmented-low-memory.json')!;
  const html = report([file], join(ARTIFACTS, 'defects-needed.html'));
  const { document } = parseHTML(html);
  const s = loadSubject(file, { kernel: 'upstream' });
  const need = s.outcome.reservedNeed!;
  const trs = [...document.querySelectorAll('#s-needed tbody tr')];
  assert.equal(trs.length, need.areas.length);
  trs.forEach((tr, j) => {
    assert.equal(tr.classList.contains('failed'), j >= need.limit, `area ${j + 1}`);
    assert.equal(tr.textContent!.includes('past the limit'), j >= need.limit);
  });
  const prov = Object.fromEntries(
    [...document.querySelectorAll('#provenance tr')].map((tr) => [
      tr.querySelector('th')!.textContent,
      tr.querySelector('td')!.textContent,
    ]),
  );
  assert.equal(prov['input SHA-256'], createHash('sha256').update(readFileSync(file)).digest('hex'));
  assert.match(prov['command'], /^tdx-lab report 2s-server-fragmented-low-memory\.json/);
  assert.match(prov['tool'], /^TDX Platform Lab \d+\.\d+\.\d+/);
  assert.equal(prov['kernel variant'], 'upstream');
});
