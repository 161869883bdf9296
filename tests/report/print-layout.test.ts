/**
 * The page the PDF prints, laid out by Chromium for print at the A4 text
 * width (210 mm less the 12 mm margins: 186 mm, 703 CSS px): nothing is
 * wider than the page (so Chromium never shrinks it to fit), every piece of
 * text, map labels included, is at least 7 pt, and no hex figure in a table
 * cell breaks over two lines. Needs Chromium (fails, never skips, without).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { basename } from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, findChromium } from '../../main/report/chromium.js';
import { printDocument } from '../../main/report/index.js';
import { loadSubject, type ReportSubject } from '../../main/report/subject.js';
import { goldenFile, sampleHosts, sampleScenarios } from './helpers.js';

/** 186 mm at 96 CSS px per inch. */
const TEXT_WIDTH_PX = Math.floor((186 / 25.4) * 96);

function chromiumPath(): string {
  try {
    return findChromium(process.env.TDX_LAB_CHROMIUM);
  } catch (e) {
    assert.fail(`this test needs headless Chromium: ${(e as Error).message}`);
  }
}

test('printed reports: nothing wider than the page, all text (map labels too) at least 7 pt, hex never wraps in a cell', async () => {
  const load = (f: string) => loadSubject(f, { kernel: 'upstream' });
  const cases: { name: string; subjects: ReportSubject[] }[] = [
    ...[...sampleHosts(), ...sampleScenarios()].map((f) => ({ name: basename(f, '.json'), subjects: [load(f)] })),
    { name: 'compare', subjects: [load(sampleHosts()[0]), load(goldenFile('rsvd-holes-16'))] },
  ];
  const browser = await chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_ARGS, headless: true });
  try {
    const page = await browser.newPage({ viewport: { width: TEXT_WIDTH_PX, height: 1000 } });
    await page.emulateMedia({ media: 'print' });
    for (const c of cases) {
      await page.setContent(printDocument(c.subjects).html, { waitUntil: 'load' });
      const r = await page.evaluate(() => {
        const small: string[] = [];
        let minPt = Infinity;
        let mapTexts = 0;
        for (const el of document.querySelectorAll('body *')) {
          const own = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent!.trim() !== '');
          // <title> and <style> are never drawn; neither is anything display: none.
          if (!own || el.closest('title, style') || (el as HTMLElement).getClientRects().length === 0) continue;
          let px = parseFloat(getComputedStyle(el).fontSize);
          if (el instanceof SVGGraphicsElement) {
            // SVG text: its font size in user units, times the SVG's scale on the page.
            px *= el.getScreenCTM()!.a;
            mapTexts++;
          }
          const pt = px * 0.75;
          minPt = Math.min(minPt, pt);
          if (pt < 7 - 1e-6) small.push(`${pt.toFixed(2)} pt: ${el.textContent!.trim().slice(0, 40)}`);
        }
        const wrapped = [...document.querySelectorAll('td .hex, td .range, th .hex, td.hex')]
          .filter((el) => el.getClientRects().length > 1)
          .map((el) => el.textContent);
        return {
          width: document.documentElement.scrollWidth,
          client: document.documentElement.clientWidth,
          small: small.slice(0, 10),
          minPt,
          mapTexts,
          wrapped: wrapped.slice(0, 10),
          nowrap: [...document.querySelectorAll('td .hex')].every((e) => getComputedStyle(e).whiteSpace === 'nowrap'),
        };
      });
      assert.ok(r.width <= r.client, `${c.name}: the page is ${r.width}px wide for ${r.client}px of paper`);
      assert.ok(r.mapTexts > 20, `${c.name}: map labels measured (${r.mapTexts})`);
      assert.deepEqual(r.small, [], `${c.name}: text under 7 pt (smallest ${r.minPt.toFixed(2)} pt)`);
      assert.deepEqual(r.wrapped, [], `${c.name}: hex figures broken over two lines`);
      assert.ok(r.nowrap, `${c.name}: hex spans are white-space: nowrap`);
    }
  } finally {
    await browser.close();
  }
});
