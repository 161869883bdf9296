/** HTML and SVG reports: self-contained, byte-identical across runs and working directories, same shapes as drawMap. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, mkdtempSync, copyFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { tmpdir } from 'node:os';
import { parseHTML } from 'linkedom';
import { drawMap } from '../../renderer/map/index.js';
import { subjectModel } from '../../main/report/map-svg.js';
import { loadSubject } from '../../main/report/subject.js';
import { ARTIFACTS, runReportCli, sampleHosts, sampleScenarios, goldenFile } from './helpers.js';
import { emptySvg } from '../map/helpers.js';

function report(input: string, out: string, extra: string[] = [], cwd?: string): Buffer {
  const r = runReportCli(['report', input, '--out', out, ...extra], { cwd });
  assert.equal(r.status, 0, `tdx-lab report ${basename(input)} ${basename(out)}: ${r.stderr}`);
  assert.equal(r.stdout, '');
  return readFileSync(out);
}

test('HTML report for every sample host: self-contained, deterministic, and its full map matches drawMap', () => {
  for (const host of sampleHosts()) {
    const name = basename(host, '.json');
    const a = report(host, join(ARTIFACTS, `${name}.html`));
    const b = report(host, join(ARTIFACTS, `${name}.again.html`));
    assert.ok(a.equals(b), `${name}: two runs give identical bytes`);
    const html = a.toString('utf8');
    assert.ok(!/<script/i.test(html), `${name}: no scripts`);
    assert.ok(!/(src|href)="(?!#)/i.test(html), `${name}: no external references`);
    assert.ok(!/url\((?!#)/.test(html), `${name}: no external CSS urls`);
    assert.ok(!html.includes('NaN') && !html.includes('undefined'), `${name}: no NaN/undefined`);
    // The first figure is the whole space, drawn like drawMap at the same size.
    const { document } = parseHTML(html);
    const fullMap = document.querySelector('figure svg')!;
    const s = loadSubject(host, { kernel: 'upstream' });
    const svg = emptySvg();
    drawMap(svg, subjectModel(s), { width: 1060, height: 420, idPrefix: 's-full' });
    for (const sel of [
      '.tdmr',
      '.reserved-area',
      '.needed-area',
      '.pamt',
      '.cmr',
      '.memblock',
      '.lod-aggregate',
      '.device',
    ]) {
      assert.equal(fullMap.querySelectorAll(sel).length, svg.querySelectorAll(sel).length, `${name}: ${sel}`);
    }
    assert.equal(
      Number(fullMap.querySelector('g.layer-tdmr')!.getAttribute('data-count')),
      s.outcome.plan?.tdmrs.length ?? 0,
    );
    // Sections a reader looks for.
    for (const h of [
      'Summary',
      'Findings',
      'Memory map',
      'TDMRs, reserved areas and PAMTs',
      'PAMT cost per node',
      'Kernel log (emulated)',
      'Provenance',
    ]) {
      assert.ok(html.includes(`>${h}</h2>`), `${name}: section ${h}`);
    }
    assert.ok(html.includes(`${basename(host)}`), 'provenance names the input file');
    assert.ok(!html.includes(host.replace(basename(host), '')), 'but never its directory');
  }
});

test('output does not depend on the working directory or how the input path is spelled', () => {
  const host = sampleHosts()[0];
  const dir = mkdtempSync(join(tmpdir(), 'tdx-report-'));
  copyFileSync(host, join(dir, basename(host)));
  const a = report(host, join(dir, 'a.html'));
  const b = report(basename(host), join(dir, 'b.html'), [], dir);
  assert.ok(a.equals(b));
  const sa = report(host, join(dir, 'a.svg'));
  const sb = report(`./${basename(host)}`, join(dir, 'b.svg'), [], dir);
  assert.ok(sa.equals(sb));
});

test('SVG report: the map alone, an XML document with an svg root in the SVG namespace, deterministic', () => {
  for (const host of sampleHosts()) {
    const name = basename(host, '.json');
    const a = report(host, join(ARTIFACTS, `${name}.svg`));
    const b = report(host, join(ARTIFACTS, `${name}.again.svg`));
    assert.ok(a.equals(b), `${name}: identical bytes`);
    const text = a.toString('utf8');
    assert.ok(text.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<svg '));
    assert.match(text, /^<svg [^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/m);
    assertWellFormedXml(text);
    const s = loadSubject(host, { kernel: 'upstream' });
    const { document } = parseHTML(`<!doctype html><html><body>${text.replace(/^<\?xml[^>]*>/, '')}</body></html>`);
    assert.equal(
      document.querySelector('g.layer-tdmr')?.getAttribute('data-count'),
      String(s.outcome.plan?.tdmrs.length ?? 0),
    );
  }
});

test('comparison and scenario reports', () => {
  const [a, b] = [sampleHosts()[0], goldenFile('rsvd-holes-16')];
  const html = report(a, join(ARTIFACTS, 'compare.html'), ['--compare', b]).toString('utf8');
  assert.ok(html.includes('>Comparison</h2>'));
  assert.ok(html.includes('>A · Memory map</h2>') && html.includes('>B · Memory map</h2>'));
  assert.match(html, /TDMR \d+ needs \d+ reserved areas; the module allows 16/);
  const scenarios = sampleScenarios();
  assert.ok(scenarios.length > 0, 'resources/scenarios has samples');
  for (const sc of scenarios) {
    const name = basename(sc, '.json');
    const out = report(sc, join(ARTIFACTS, `scenario-${name}.html`)).toString('utf8');
    assert.ok(out.includes('>Scenario timeline</h2>'), `${name}: timeline`);
    assert.ok(out.includes('>SEAMCALL log (emulated)</h2>'), `${name}: SEAMCALL log`);
    assert.ok(
      report(sc, join(ARTIFACTS, `scenario-${name}.again.html`)).toString('utf8') === out,
      `${name}: deterministic`,
    );
  }
});

test('--timestamp adds the generation time to the provenance; without it there is none', () => {
  const host = sampleHosts()[0];
  const plain = report(host, join(ARTIFACTS, 'plain.html')).toString('utf8');
  const stamped = report(host, join(ARTIFACTS, 'stamped.html'), ['--timestamp']).toString('utf8');
  assert.ok(!plain.includes('>generated<'));
  assert.match(stamped, /<th>generated<\/th><td>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d/);
});

test('bad input: one line naming the file, exit 2', () => {
  const r1 = runReportCli(['report', 'no/such/host.json', '--out', join(ARTIFACTS, 'x.html')]);
  assert.equal(r1.status, 2);
  assert.equal(r1.stderr, 'tdx-lab: no/such/host.json: no such file\n');
  const r2 = runReportCli(['report', sampleHosts()[0], '--out', join(ARTIFACTS, 'x.docx')]);
  assert.equal(r2.status, 2);
  assert.match(
    r2.stderr,
    /^tdx-lab: --out .*x\.docx: unknown report format "\.docx" \(use \.html, \.svg, \.png, \.pdf, \.md or \.json\)\n$/,
  );
  const r3 = runReportCli([
    'report',
    sampleHosts()[0],
    '--out',
    join(ARTIFACTS, 'x.pdf'),
    '--chromium',
    '/nonexistent/chromium',
  ]);
  assert.equal(r3.status, 2);
  assert.equal(r3.stderr, 'tdx-lab: --chromium /nonexistent/chromium: no such file\n');
});

/**
 * Well-formedness without an XML library: every tag closes in order,
 * attributes are quoted, and no raw & or < sits in text or attributes.
 */
function assertWellFormedXml(xml: string): void {
  const body = xml.replace(/^<\?xml[^?]*\?>\s*/, '');
  const stack: string[] = [];
  const re = /<(\/?)([A-Za-z][\w:.-]*)((?:\s+[\w:.-]+="[^"<]*")*)\s*(\/?)>|([^<]+)|(<)/g;
  let m: RegExpExecArray | null;
  let roots = 0;
  while ((m = re.exec(body))) {
    if (m[6]) assert.fail(`stray < at ${m.index}: ${body.slice(m.index, m.index + 60)}`);
    const text = m[5] ?? m[3] ?? '';
    assert.ok(!/&(?!(amp|lt|gt|quot|apos|#\d+);)/.test(text), `bad entity near ${body.slice(m.index, m.index + 60)}`);
    if (m[5] !== undefined) {
      if (stack.length === 0) assert.match(m[5], /^\s*$/, 'text outside the root');
      continue;
    }
    if (m[1]) assert.equal(stack.pop(), m[2], `closing </${m[2]}>`);
    else if (!m[4]) {
      if (stack.length === 0) roots++;
      stack.push(m[2]);
    } else if (stack.length === 0) roots++;
  }
  assert.deepEqual(stack, [], 'every element closed');
  assert.equal(roots, 1, 'one root element');
}
