/**
 * PNG and PDF through headless Chromium, and the HTML report inside a real
 * browser. These tests need Chromium (/usr/bin/chromium, PATH, or
 * TDX_LAB_CHROMIUM); without it they fail and say so, they never skip.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import { chromium } from 'playwright-core';
import { drawMap } from '../../renderer/map/index.js';
import { subjectModel } from '../../main/report/map-svg.js';
import { CHROMIUM_ARGS, findChromium } from '../../main/report/chromium.js';
import { loadSubject } from '../../main/report/subject.js';
import { ARTIFACTS, runReportCli, sampleHosts, goldenFile } from './helpers.js';
import { emptySvg } from '../map/helpers.js';

function chromiumPath(): string {
  try {
    return findChromium(process.env.TDX_LAB_CHROMIUM);
  } catch (e) {
    assert.fail(`these tests need headless Chromium: ${(e as Error).message}`);
  }
}

function report(input: string, out: string): Buffer {
  const r = runReportCli(['report', input, '--out', out, '--chromium', chromiumPath()]);
  assert.equal(r.status, 0, `tdx-lab report ${basename(input)} -> ${basename(out)}: ${r.stderr}`);
  return readFileSync(out);
}

test("the HTML report opens in Chromium with no network requests and no console errors; its map has drawMap's shapes", async () => {
  const browser = await chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_ARGS, headless: true });
  try {
    for (const host of [...sampleHosts(), goldenFile('rsvd-holes-16')]) {
      const name = basename(host, '.json');
      const out = join(ARTIFACTS, `${name}.chromium.html`);
      const r = runReportCli(['report', host, '--out', out]);
      assert.equal(r.status, 0, r.stderr);
      const page = await browser.newPage();
      const requests: string[] = [];
      const problems: string[] = [];
      page.on('request', (req) => {
        if (req.url() !== page.url() && !req.url().startsWith('file://' + out)) requests.push(req.url());
      });
      page.on('console', (m) => {
        if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`);
      });
      page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
      await page.goto('file://' + out, { waitUntil: 'load' });
      assert.deepEqual(requests, [], `${name}: no requests besides the file`);
      assert.deepEqual(problems, [], `${name}: no console errors`);
      const counts = await page.evaluate(() => {
        const svg = document.querySelector('figure svg')!;
        return {
          tdmr: svg.querySelectorAll('.tdmr').length,
          rsvd: svg.querySelectorAll('.reserved-area').length,
          pamt: svg.querySelectorAll('.pamt').length,
          agg: svg.querySelectorAll('.lod-aggregate').length,
          width: (svg as SVGSVGElement).getBoundingClientRect().width,
        };
      });
      const s = loadSubject(host, { kernel: 'upstream' });
      const svg = emptySvg();
      drawMap(svg, subjectModel(s), { width: 1060, height: 420, idPrefix: 's-full' });
      assert.equal(counts.tdmr, svg.querySelectorAll('.tdmr').length, `${name}: .tdmr`);
      assert.equal(counts.rsvd, svg.querySelectorAll('.reserved-area').length, `${name}: .reserved-area`);
      assert.equal(counts.pamt, svg.querySelectorAll('.pamt').length, `${name}: .pamt`);
      assert.equal(counts.agg, svg.querySelectorAll('.lod-aggregate').length, `${name}: .lod-aggregate`);
      assert.ok(counts.width > 500, `${name}: the map is laid out (${counts.width}px)`);
      await page.close();
    }
  } finally {
    await browser.close();
  }
});

test('the standalone SVG parses as XML in Chromium (no parsererror), root <svg> in the SVG namespace', async () => {
  const browser = await chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_ARGS, headless: true });
  try {
    const page = await browser.newPage();
    for (const host of sampleHosts()) {
      const text = (() => {
        const out = join(ARTIFACTS, `${basename(host, '.json')}.xml-check.svg`);
        const r = runReportCli(['report', host, '--out', out]);
        assert.equal(r.status, 0, r.stderr);
        return readFileSync(out, 'utf8');
      })();
      const res = await page.evaluate((xml) => {
        const doc = new DOMParser().parseFromString(xml, 'image/svg+xml');
        return {
          error: doc.getElementsByTagName('parsererror').length,
          root: doc.documentElement.localName,
          ns: doc.documentElement.namespaceURI,
        };
      }, text);
      assert.deepEqual(res, { error: 0, root: 'svg', ns: 'http://www.w3.org/2000/svg' }, basename(host));
    }
  } finally {
    await browser.close();
  }
});

test('PNG report: a PNG image of the whole page', () => {
  for (const host of sampleHosts().slice(0, 2)) {
    const png = report(host, join(ARTIFACTS, `${basename(host, '.json')}.png`));
    assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const width = png.readUInt32BE(16);
    const height = png.readUInt32BE(20);
    assert.ok(width >= 1000 && height > 1500, `${width}x${height}`);
  }
});

test('PDF report: A4 pages that pdftoppm renders, fixed metadata dates, identical bytes across runs', () => {
  const host = sampleHosts().find((h) => h.includes('cxl')) ?? sampleHosts()[0];
  const name = basename(host, '.json');
  const pdf = report(host, join(ARTIFACTS, `${name}.pdf`));
  const again = report(host, join(ARTIFACTS, `${name}.again.pdf`));
  assert.equal(pdf.subarray(0, 5).toString('latin1'), '%PDF-');
  const text = pdf.toString('latin1');
  assert.match(text, /\/CreationDate \(D:20000101000000/);
  assert.ok(!/\/CreationDate \(D:(?!2000)/.test(text));
  assert.ok(pdf.equals(again), 'two runs give the same PDF bytes');
  const prefix = join(ARTIFACTS, `${name}-page`);
  for (const f of readdirSync(ARTIFACTS)) if (f.startsWith(`${name}-page`)) rmSync(join(ARTIFACTS, f));
  const r = spawnSync('pdftoppm', ['-r', '70', '-png', join(ARTIFACTS, `${name}.pdf`), prefix], { encoding: 'utf8' });
  assert.equal(r.error, undefined, 'pdftoppm (poppler-utils) must be installed');
  assert.equal(r.status, 0, r.stderr);
  const pages = readdirSync(ARTIFACTS).filter((f) => f.startsWith(`${name}-page`) && f.endsWith('.png'));
  assert.ok(pages.length >= 4, `${pages.length} pages`);
  const info = spawnSync('pdfinfo', [join(ARTIFACTS, `${name}.pdf`)], { encoding: 'utf8' });
  assert.match(info.stdout, /Page size:\s+59[45](\.\d+)? x 84[12](\.\d+)? pts \(A4\)/);
});
