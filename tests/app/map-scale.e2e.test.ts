/**
 * The map at scale, in Chromium through `tdx-lab serve`: a host above
 * SLIM_ABOVE (50,000 memblock regions, generated here, never committed)
 * opens through the document worker with its progress line shown; the map
 * draws density bars, zooming in asks for a window and draws the regions
 * one by one; the TDMR table scrolls to its last row and the keyboard
 * moves through it; the omnibox finds `memblock 49999` on the whole host;
 * Cancel while opening leaves the host shown before. Screenshots go to
 * test-artifacts/scale-*.png.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startServer, type RunningServer } from '../../main/serve/server.js';
import { contiguousHost } from '../../engine/host/synthetic.js';
import { hostToJson } from '../../engine/format/host-json.js';
import { planTdmrs } from '../../engine/kernel/construct.js';
import { SLIM_ABOVE } from '../../main/workers/document-session.js';
import { ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, RENDERER_DIR, requireRendererBuild, SAMPLES_DIR } from './app-helpers.js';

const REGIONS = 50_000;
const MAP = 'svg[data-testid=map]';
/** Opening 50,000 regions takes a few seconds on an idle machine; a shared one may take longer. */
const OPEN_MS = 120_000;

let server: RunningServer;
let browser: Browser;
let page: Page;
let tmp: string;
let file: string;
let hostName: string;
let tdmrs: number;
const pageErrors: string[] = [];

before(async () => {
  requireRendererBuild();
  mkdirSync(ARTIFACTS, { recursive: true });
  tmp = mkdtempSync(join(tmpdir(), 'tdx-lab-scale-'));
  const host = contiguousHost({ regions: REGIONS, maxTdmrs: 65536, maxReservedPerTdmr: 8192 });
  assert.ok(host.memblock.length > SLIM_ABOVE, 'the host is big enough to open slim');
  hostName = host.name;
  tdmrs = planTdmrs(host, 'upstream').tdmrs.length;
  file = join(tmp, `${host.name}.json`);
  writeFileSync(file, JSON.stringify(hostToJson(host)));
  server = await startServer({
    rendererDir: RENDERER_DIR,
    samplesDir: SAMPLES_DIR,
    workers: 1,
    storePath: join(tmp, 'lab.db'),
  });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.goto(server.url);
});

after(async () => {
  await browser?.close();
  await server?.close();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

const shot = (name: string) => page.screenshot({ path: join(ARTIFACTS, `scale-${name}.png`) });
const summaryHost = () => page.getAttribute('[data-testid=summary]', 'data-host');

async function openSample(name: string) {
  await page.selectOption('[data-testid=sample-select]', name);
  await page.waitForFunction(
    (n) => document.querySelector('[data-testid=summary]')?.getAttribute('data-host') === n,
    name,
  );
  await page.waitForSelector(`${MAP} .plot rect[data-id]`);
}

/** The map's drawn window has come back for the domain it shows. */
async function windowDrawn(): Promise<[number, number]> {
  await page.waitForFunction((sel) => {
    const svg = document.querySelector(sel);
    const w = svg?.getAttribute('data-window');
    return !!w && w === svg?.getAttribute('data-domain');
  }, MAP);
  const d = (await page.getAttribute(MAP, 'data-domain'))!.split(',').map(Number);
  return [d[0], d[1]];
}

test('cancel while a big host opens leaves the host shown before, and the page usable', async () => {
  await openSample('2s-server-512g');
  await page.setInputFiles('[data-testid=file-input]', file);
  await page.waitForSelector('[data-testid=open-progress]', { timeout: OPEN_MS });
  assert.match((await page.textContent('[data-testid=open-progress]')) ?? '', new RegExp(`Opening ${hostName}`));
  await shot('opening');
  await page.click('[data-testid=open-cancel]');
  await page.waitForSelector('[data-testid=open-progress]', { state: 'detached' });
  assert.equal(await summaryHost(), '2s-server-512g', 'the host shown before is still shown');
  assert.ok(await page.$(`${MAP} .plot rect.tdmr[data-id]`), 'its map is still drawn');
  assert.match((await page.textContent('[role=status]')) ?? '', /Stopped opening/);
  // Escape stops an open too.
  await page.setInputFiles('[data-testid=file-input]', file);
  await page.waitForSelector('[data-testid=open-progress]', { timeout: OPEN_MS });
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  await page.keyboard.press('Escape');
  await page.waitForSelector('[data-testid=open-progress]', { state: 'detached' });
  assert.equal(await summaryHost(), '2s-server-512g');
  // And the page still opens a host.
  await openSample('2s-server-fragmented-low-memory');
});

test('a big host opens slim through the document worker: progress, density bars, then windows of single regions', async () => {
  const phases = new Set<string>();
  await page.exposeFunction('notePhase', (p: string) => phases.add(p));
  await page.evaluate(() => {
    new MutationObserver(() => {
      const p = document.querySelector('[data-testid=open-progress]')?.getAttribute('data-phase');
      if (p) (window as unknown as { notePhase(p: string): void }).notePhase(p);
    }).observe(document.body, { subtree: true, childList: true, attributes: true });
  });
  await page.setInputFiles('[data-testid=file-input]', file);
  await page.waitForFunction(
    (n) => document.querySelector('[data-testid=summary]')?.getAttribute('data-host') === n,
    hostName,
    {
      timeout: OPEN_MS,
    },
  );
  assert.ok(phases.size >= 2, `progress phases shown: ${[...phases].join(', ')}`);
  assert.ok(
    [...phases].some((p) => p === 'analyze' || p === 'map'),
    `the engine's phases: ${[...phases].join(', ')}`,
  );
  await page.waitForSelector(`${MAP} .plot rect`);
  // The whole space: 50,000 regions are thinner than a pixel, drawn as density bars.
  const whole = await windowDrawn();
  assert.equal(whole[0], 0);
  const bars = await page.locator(`${MAP} .plot rect.lod-aggregate.agg-memblock`).count();
  assert.ok(bars > 0, 'memblock density bars drawn');
  const rects = await page.locator(`${MAP} .plot rect`).count();
  assert.ok(rects < 20_000, `element count bounded by the pixels, not the host: ${rects}`);
  await shot('overview');

  // Zoom in with the keyboard: each step asks for the window it shows.
  await page.focus(MAP);
  for (let i = 0; i < 9; i++) await page.keyboard.press('+');
  const [a, b] = await windowDrawn();
  assert.ok(b - a < (whole[1] - whole[0]) / 64, `zoomed window ${a}-${b}`);
  const singles = await page.locator(`${MAP} .plot rect.memblock[data-id^="memblock-"]`).count();
  assert.ok(singles > 10, `single memblock regions drawn in the window: ${singles}`);
  // A region of the window, clicked, is selected and its details shown, though the overview never held it.
  const id = await page.locator(`${MAP} .plot rect.memblock[data-id^="memblock-"]`).nth(5).getAttribute('data-id');
  // The map's hover overlay takes the pointer and finds the shape under it, as for a user.
  const box = (await page.locator(`${MAP} .plot rect[data-id="${id}"]`).boundingBox())!;
  await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
  await page.waitForFunction(
    (want) => (document.querySelector('[data-testid=details]')?.textContent ?? '').includes(want),
    `memblock ${id!.slice('memblock-'.length)}`,
  );
  await shot('window');
});

test('the omnibox finds memblock 49999 on the whole host and shows it', async () => {
  await page.fill('[data-testid=omnibox]', 'memblock 49999');
  await page.press('[data-testid=omnibox]', 'Enter');
  await page.waitForFunction(() =>
    /memblock 49999/.test(document.querySelector('[data-testid=omnibox-answer]')?.textContent ?? ''),
  );
  const [a, b] = await windowDrawn();
  const last = contiguousHost({ regions: REGIONS, maxTdmrs: 65536, maxReservedPerTdmr: 8192 }).memblock[REGIONS - 1];
  assert.ok(a <= last.start && b >= last.end, `the window shows it: ${a}-${b}`);
  await page.waitForSelector(`${MAP} .plot rect[data-id="memblock-49999"].selected`);
  await page.waitForFunction(() =>
    /memblock 49999/.test(document.querySelector('[data-testid=details]')?.textContent ?? ''),
  );
  await shot('omnibox');
});

test('the TDMR table holds every row: scrolled to the last, and moved through by the keyboard', async () => {
  await page.getByRole('tab', { name: 'TDMRs' }).click();
  await page.waitForSelector('[data-testid=tdmr-table]');
  assert.equal(Number(await page.getAttribute('[data-testid=tdmr-table]', 'data-total')), tdmrs);
  const drawn = await page.locator('[data-testid=tdmr-table] tbody tr[data-row]').count();
  assert.ok(drawn < 200, `only the rows in view are in the DOM: ${drawn} of ${tdmrs}`);
  assert.equal(await page.locator('text=/first 2,?000/').count(), 0);
  await page.locator('[data-testid=tdmr-scroll]').evaluate((el) => (el.scrollTop = el.scrollHeight));
  const lastRow = page.locator(`[data-testid=tdmr-table] tbody tr[data-row="${tdmrs - 1}"]`);
  await lastRow.waitFor();
  await page.waitForFunction(
    (n) => /0x/.test(document.querySelector(`[data-testid=tdmr-table] tbody tr[data-row="${n}"]`)?.textContent ?? ''),
    tdmrs - 1,
  );
  await shot('tdmr-last');
  // Keyboard: a row takes focus, arrows move, End goes to the last, Enter selects it.
  await page.locator('[data-testid=tdmr-scroll]').evaluate((el) => (el.scrollTop = 0));
  await page.locator('[data-testid=tdmr-table] tbody tr[data-row="0"]').click();
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-row')), '2');
  await page.keyboard.press('ArrowUp');
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-row')), '1');
  await page.keyboard.press('Enter');
  await page.waitForSelector('[data-testid=tdmr-table] tbody tr[data-row="1"].selected');
  await page.keyboard.press('End');
  await page.waitForFunction((n) => document.activeElement?.getAttribute('data-row') === String(n), tdmrs - 1);
  await page.keyboard.press('Enter');
  await page.waitForSelector(`[data-testid=tdmr-table] tbody tr[data-row="${tdmrs - 1}"].selected`);
  await page.waitForFunction(
    (n) => (document.querySelector('[data-testid=details]')?.textContent ?? '').includes(`TDMR ${n}`),
    tdmrs - 1,
  );
  await shot('tdmr-keyboard');
});

test('the SEAMCALL table (a call per TDMR) draws only the rows in view; its last is reached by scrolling', async () => {
  await page.getByRole('tab', { name: 'Log & SEAMCALLs' }).click();
  await page.waitForSelector('[data-testid=seamcalls] tbody tr[data-seamcall-row]');
  const total = Number(await page.getAttribute('[data-testid=seamcalls]', 'data-total'));
  assert.ok(total > tdmrs, `a SEAMCALL per TDMR at least: ${total}`);
  const drawn = await page.locator('[data-testid=seamcalls] tbody tr[data-seamcall-row]').count();
  assert.ok(drawn < 300, `only the rows in view are in the DOM: ${drawn} of ${total}`);
  await page.locator('#tab-panel').evaluate((el) => (el.scrollTop = el.scrollHeight));
  await page.waitForSelector(`[data-testid=seamcalls] tbody tr[data-seamcall-row="${total - 1}"]`);
  await shot('seamcalls-last');
});

test('a kernel switch on the big host, cancelled, leaves the host on its kernel', async () => {
  await page.selectOption('[data-testid=variant-select]', 'dpamt');
  await page.waitForSelector('[data-testid=open-progress]', { timeout: OPEN_MS });
  await page.click('[data-testid=open-cancel]');
  await page.waitForSelector('[data-testid=open-progress]', { state: 'detached' });
  assert.equal(await page.inputValue('[data-testid=variant-select]'), 'upstream');
  assert.equal(await summaryHost(), hostName);
  assert.match((await page.textContent('[data-testid=summary]')) ?? '', /upstream/);
});

test('no script errors in the page', () => {
  assert.deepEqual(pageErrors, []);
});
