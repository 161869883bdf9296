/**
 * "Export report…" end to end in Debian's Chromium against an in-process
 * `tdx-lab serve`: the empty state, the live preview (verdict, the map's
 * TDMRs), content options, and saved HTML/SVG equal to `tdx-lab report`'s
 * bytes. A screenshot of the dialog goes to test-artifacts/ for a look.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Frame, type Page } from 'playwright-core';
import { startServer, type RunningServer } from '../../main/serve/server.js';
import { renderReport } from '../../main/report/index.js';
import { loadSubject } from '../../main/report/subject.js';
import {
  ARTIFACTS,
  CHROMIUM,
  CHROMIUM_ARGS,
  RENDERER_DIR,
  SAMPLES_DIR,
  expectedCounts,
  loadHostText,
  requireRendererBuild,
} from './app-helpers.js';

const SAMPLE = '2s-server-512g-cxl-before-init';
const DIALOG = '[data-testid=export-dialog]';
const PREVIEW = '[data-testid=export-preview]';

let server: RunningServer;
let browser: Browser;
let page: Page;
const problems: string[] = [];

before(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium is not installed at ${CHROMIUM}: the export tests need it`);
  requireRendererBuild();
  mkdirSync(ARTIFACTS, { recursive: true });
  server = await startServer({ rendererDir: RENDERER_DIR, samplesDir: SAMPLES_DIR, workers: 1 });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  page = await browser.newPage({ viewport: { width: 1440, height: 960 }, acceptDownloads: true });
  page.on('pageerror', (e) => problems.push(e.message));
  // A CSP violation (e.g. the preview's styles blocked) is logged as a console error.
  page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
  await page.goto(server.url);
});

after(async () => {
  await browser?.close();
  await server?.close();
});

/** The preview's document, once it shows a report that matches `ready`. */
async function previewFrame(ready: string): Promise<Frame> {
  const el = await page.waitForSelector(PREVIEW);
  const frame = (await el.contentFrame())!;
  await frame.waitForSelector(ready);
  return frame;
}

async function saved(format: 'html' | 'svg'): Promise<{ name: string; bytes: Buffer }> {
  await page.check(`[data-testid=format-${format}]`);
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=export-save]')]);
  const path = await download.path();
  return { name: download.suggestedFilename(), bytes: readFileSync(path) };
}

test('with no host open, the dialog says what to do; Escape closes it', async () => {
  await page.click('[data-testid=export-button]');
  const text = await page.textContent(DIALOG);
  assert.match(text!, /No host is open/);
  assert.match(text!, /Pick a sample or use Open host/);
  await page.screenshot({ path: join(ARTIFACTS, 'app-export-empty.png') });
  await page.keyboard.press('Escape');
  await page.waitForSelector(DIALOG, { state: 'detached' });
});

test('preview shows the verdict and every TDMR; options change it; saved HTML and SVG equal tdx-lab report', async () => {
  await page.selectOption('[data-testid=sample-select]', SAMPLE);
  const file = join(SAMPLES_DIR, `${SAMPLE}.json`);
  const { host } = loadHostText(file);
  await page.waitForSelector(`[data-testid=summary][data-host="${host.name}"]`);
  await page.keyboard.press('Control+e');
  await page.waitForSelector(DIALOG);

  const subject = loadSubject(file, { kernel: 'upstream' });
  const expectedHtml = await renderReport([subject], 'html');
  const verdict = /<div class="verdict [^"]*"[^>]*><strong>([^<]*)<\/strong>/.exec(expectedHtml.toString('utf8'))![1];
  let frame = await previewFrame('#s-log');
  assert.equal((await frame.textContent('.verdict strong'))?.trim(), verdict);
  // The full map: TDMRs drawn one by one plus those merged into sub-pixel aggregates.
  const drawn = await frame.evaluate(() => {
    const svg = document.querySelector('#s-map figure svg')!;
    let n = svg.querySelectorAll('rect.tdmr[data-id]').length;
    for (const a of svg.querySelectorAll('rect.agg-tdmr')) n += Number(a.getAttribute('data-count'));
    return n;
  });
  assert.equal(drawn, expectedCounts(host).tdmrs);
  assert.ok(drawn > 0);
  await page.screenshot({ path: join(ARTIFACTS, 'app-export-dialog.png') });

  // Leaving the logs out re-renders the preview without them.
  await page.uncheck('[data-testid=part-logs]');
  // (The sandboxed preview has an opaque origin: read it through its Frame, not contentDocument.)
  await frame.waitForSelector('#s-log', { state: 'detached' });
  await frame.waitForSelector('#s-summary');
  await page.check('[data-testid=part-logs]');
  frame = await previewFrame('#s-log');

  const html = await saved('html');
  assert.equal(html.name, `${SAMPLE}-report.html`);
  assert.ok(html.bytes.equals(expectedHtml), 'saved HTML = tdx-lab report bytes');
  const svg = await saved('svg');
  assert.equal(svg.name, `${SAMPLE}-report.svg`);
  assert.ok(svg.bytes.equals(await renderReport([subject], 'svg')), 'saved SVG = tdx-lab report bytes');
  // The SVG format previews the map alone.
  await previewFrame('svg rect.tdmr');
  assert.match((await page.textContent(DIALOG))!, /Saved 2s-server-512g-cxl-before-init-report\.svg/);
  assert.deepEqual(problems, [], 'no page errors or CSP violations');
});
