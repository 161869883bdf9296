/**
 * The map as an instrument, in Chromium through `tdx-lab serve`: the
 * omnibox with each form of query, the fragmented host explained on the
 * map (needed areas numbered, 25 against 16), a log row selecting its
 * shape and the shape marking its rows, keyboard-only use, the `?` sheet,
 * and a 5,000,000-region file refused with a message. Screenshots go to
 * test-artifacts/map-*.png.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createWriteStream, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startServer, type RunningServer } from '../../main/serve/server.js';
import { SHORTCUTS } from '../../renderer/src/lib/shortcuts.js';
import { FIXTURES } from '../helpers/golden.js';
import { ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, RENDERER_DIR, requireRendererBuild, SAMPLES_DIR } from './app-helpers.js';

let server: RunningServer;
let browser: Browser;
let page: Page;
let tmp: string;
const pageErrors: string[] = [];
const MAP = 'svg[data-testid=map]';

before(async () => {
  requireRendererBuild();
  mkdirSync(ARTIFACTS, { recursive: true });
  tmp = mkdtempSync(join(tmpdir(), 'tdx-lab-map-'));
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

const shot = (name: string) => page.screenshot({ path: join(ARTIFACTS, `map-${name}.png`) });

/** Opens a sample and waits until the summary shows it (each sample's host is named as the sample). */
async function openSample(name: string) {
  await page.selectOption('[data-testid=sample-select]', name);
  await page.waitForFunction(
    (n) => document.querySelector('[data-testid=summary]')?.getAttribute('data-host') === n,
    name,
  );
  await page.waitForSelector(`${MAP} .plot rect[data-id]`);
}

async function ask(query: string): Promise<string> {
  await page.fill('[data-testid=omnibox]', query);
  await page.press('[data-testid=omnibox]', 'Enter');
  return (await page.textContent('[data-testid=omnibox-answer]')) ?? '';
}

const selectedId = () =>
  page.evaluate((sel) => document.querySelector(`${sel} .selected`)?.getAttribute('data-id') ?? null, MAP);
async function shown(): Promise<[number, number]> {
  const d = (await page.getAttribute(MAP, 'data-domain'))!.split(',').map(Number);
  return [d[0], d[1]];
}

test('the omnibox: every form jumps there and selects it', async () => {
  await openSample('2s-server-512g-cxl-before-init');
  assert.match(await ask('TDMR 3'), /^TDMR 3 \[0x9000000000, 0xb000000000\) 128 GiB/);
  assert.equal(await selectedId(), 'tdmr-3');
  let [a, b] = await shown();
  assert.ok(
    a <= 0x9000000000 && b >= 0xb000000000 && b - a < 0x4000000000,
    `window ${a.toString(16)}-${b.toString(16)}`,
  );
  await shot('omnibox-tdmr3');

  assert.match(await ask('0x7e000000'), /0x7e000000 is in memblock 3/);
  assert.equal(await selectedId(), 'memblock-3');
  [a, b] = await shown();
  assert.ok(a <= 0x7e000000 && b > 0x7e000000);

  assert.match(await ask('[0x7e000000, 0x80000000)'), /\[0x7e000000, 0x80000000\) 32 MiB/);
  [a, b] = await shown();
  assert.ok(a <= 0x7e000000 && b >= 0x80000000 && b - a < 0x10000000);
  assert.ok(await page.$(`${MAP} .selection-mark`), 'the range is marked');
  await shot('omnibox-range');

  assert.match(await ask('0x7e000000+64M'), /\[0x7e000000, 0x82000000\) 64 MiB/);
  assert.match(await ask('node 1'), /^node 1/);
  assert.equal(await selectedId(), 'node-1');
  assert.match(await ask('cxl0'), /^cxl0 \(region0, dax0\.0\)/);
  assert.match((await selectedId()) ?? '', /^dev-cxl0/);
  assert.match(await ask('memory5068'), /memory5068 \[0x9e60000000, 0x9e68000000\) is online/);
  assert.match(
    await ask('TDX_TDMR_OUTSIDE_CMRS'),
    /1 SEAMCALL returned TDX_TDMR_OUTSIDE_CMRS \(TDH\.SYS\.CONFIG\): TDMR 3/,
  );
  assert.equal(await selectedId(), 'tdmr-3');
  assert.ok(await page.$('[data-seamcall-row].mine'), 'the SEAMCALL that returned it is marked in the log tab');
  assert.match(await ask('memblock 12'), /no memblock region 12: this host has 7/);
  assert.match(await ask('TDX_NOPE'), /TDX_NOPE is not a status the TDX module returns/);
  assert.equal(await page.getAttribute('[data-testid=omnibox-answer]', 'class').then((c) => /bad/.test(c ?? '')), true);
  await shot('omnibox-bad');
});

test('the tooltip over CXL memory says no CMR covers it', async () => {
  await openSample('2s-server-512g-cxl-before-init');
  await ask('TDMR 3');
  const box = (await page.locator(`${MAP} .plot rect.tdmr[data-id="tdmr-3"]`).boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.waitForSelector('[data-testid=tt-no-cmr]');
  assert.match((await page.textContent('[data-testid=tt-no-cmr]')) ?? '', /CMRs\s*none here/);
  // The whole tooltip is inside the map, not cut by its edge.
  const tt = (await page.locator('[data-testid=tooltip]').boundingBox())!;
  const wrap = (await page.locator('.map-wrap').boundingBox())!;
  assert.ok(
    tt.y >= wrap.y && tt.y + tt.height <= wrap.y + wrap.height,
    `tooltip ${JSON.stringify(tt)} in ${JSON.stringify(wrap)}`,
  );
  await shot('tooltip-no-cmr');
  await page.mouse.move(0, 0);
});

test('the fragmented host explained on the map: 25 needed areas numbered, 16 allowed', async () => {
  await openSample('2s-server-fragmented-low-memory');
  await ask('TDMR 0');
  await page.waitForSelector(`${MAP} .needed-marks`);
  const marks = await page.evaluate((sel) => {
    const g = document.querySelector(`${sel} .needed-marks`)!;
    return {
      needed: g.getAttribute('data-needed'),
      limit: g.getAttribute('data-limit'),
      n: [...g.querySelectorAll('.need-mark')].map((m) => Number(m.getAttribute('data-n'))),
      over: g.querySelectorAll('.need-mark.over-limit').length,
      numbers: g.querySelectorAll('.need-number').length,
      banner: g.querySelector('.need-banner-text')?.textContent,
    };
  }, MAP);
  assert.equal(marks.needed, '25');
  assert.equal(marks.limit, '16');
  assert.deepEqual(
    marks.n,
    Array.from({ length: 25 }, (_, i) => i + 1),
  );
  assert.equal(marks.over, 9);
  assert.ok(marks.numbers > 0, 'zoomed to TDMR 0, the areas carry their numbers');
  assert.equal(marks.banner, '25 needed / 16 allowed');
  await shot('fragmented-needed');
});

test('a log row selects its shape; the selected shape marks its log rows', async () => {
  await openSample('2s-server-512g-cxl-before-init');
  await page.getByRole('tab', { name: 'Log & SEAMCALLs' }).click();
  const row = page.locator('[data-seamcall-row].linked').first();
  await row.click();
  assert.equal(await selectedId(), 'tdmr-3');
  const line = page.locator('[data-log-row].linked', { hasText: 'SEAMCALL' });
  assert.ok(await line.evaluate((el) => el.classList.contains('mine')), 'the log line about TDMR 3 is marked');
  await ask('TDMR 0');
  assert.equal(await page.locator('[data-seamcall-row].mine').count(), 0, 'no SEAMCALL is about TDMR 0');
  await ask('TDMR 3');
  assert.equal(await page.locator('[data-seamcall-row].mine').count(), 1);
  // At 1280 px the status column is in view, whole.
  const status = (await page.locator('[data-seamcall-row].mine td').nth(3).boundingBox())!;
  assert.ok(status.x + status.width <= 1280, `status column ends at ${status.x + status.width}`);
  await shot('log-links');
});

test('keyboard only: open a sample, select TDMR 3, read its details, go to the log', async () => {
  await page.goto(server.url);
  await page.waitForSelector('[data-testid=sample-select]');
  // Tab to the sample picker; arrows choose a sample.
  for (let i = 0; i < 30; i++) {
    await page.keyboard.press('Tab');
    if (await page.evaluate(() => document.activeElement?.getAttribute('data-testid') === 'sample-select')) break;
  }
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-testid')), 'sample-select');
  // Arrows step through the samples (each opens); stop on the CXL host, whose TDMR 3 fails.
  for (let i = 0; i < 8; i++) {
    if ((await page.inputValue('[data-testid=sample-select]')) === '2s-server-512g-cxl-before-init') break;
    await page.keyboard.press('ArrowDown');
  }
  assert.equal(await page.inputValue('[data-testid=sample-select]'), '2s-server-512g-cxl-before-init');
  await page.waitForFunction(() => /TDMR 3/.test(document.querySelector('[data-testid=summary]')?.textContent ?? ''));
  await page.waitForSelector(`${MAP} .plot rect[data-id="tdmr-3"]`);
  await page.keyboard.press('Escape');
  await page.keyboard.press('Control+k');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'omnibox-input');
  await page.keyboard.type('TDMR 3');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => /TDMR 3/.test(document.querySelector('[data-testid=details]')?.textContent ?? ''));
  const details = (await page.textContent('[data-testid=details]')) ?? '';
  assert.match(details, /TDMR 3/);
  assert.match(details, /0x/);
  await page.keyboard.press('Escape'); // leaves the omnibox (the selection stays)
  assert.equal(await selectedId(), 'tdmr-3');
  await page.keyboard.press('4');
  assert.equal(await page.getAttribute('.bottom [role=tab][aria-selected=true]', 'id'), 'tab-log');
  assert.equal(await page.getAttribute('#tab-log', 'aria-controls'), 'tab-panel');
  assert.equal(await page.getAttribute('#tab-panel', 'role'), 'tabpanel');
  // Tab into the log: the rows linked to shapes take focus; Enter selects a row's shape.
  for (let i = 0; i < 60; i++) {
    await page.keyboard.press('Tab');
    if (await page.evaluate(() => document.activeElement?.hasAttribute('data-seamcall-row'))) break;
  }
  assert.ok(await page.evaluate(() => document.activeElement?.hasAttribute('data-seamcall-row')));
  await page.keyboard.press('Enter');
  assert.equal(await selectedId(), 'tdmr-3');
  await shot('keyboard-log');
  // The tab row is a roving group: arrows move between tabs.
  await page.focus('#tab-log');
  await page.keyboard.press('ArrowLeft');
  assert.equal(await page.getAttribute('.bottom [role=tab][aria-selected=true]', 'id'), 'tab-pamt');
});

test('? shows every shortcut', async () => {
  await page.locator('body').press('Escape');
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  await page.keyboard.press('?');
  await page.waitForSelector('[data-testid=key-help]');
  const rows = await page.locator('[data-testid=key-help] tr').count();
  assert.equal(
    rows,
    SHORTCUTS.reduce((n, g) => n + g.keys.length, 0),
  );
  await shot('key-help');
  await page.keyboard.press('Escape');
  assert.equal(await page.locator('[data-testid=key-help]').count(), 0);
});

test('a 5,000,000-region file is refused with a message; the page stays usable', async () => {
  const file = join(tmp, 'five-million.json');
  const out = createWriteStream(file);
  out.write('{"name":"five-million","memblock":[');
  const step = 0x200000;
  for (let i = 0; i < 5_000_000; i++) {
    const s = 0x100000000 + i * step;
    const chunk = `${i ? ',' : ''}{"start":"0x${s.toString(16)}","end":"0x${(s + step / 2).toString(16)}","nid":0}`;
    if (!out.write(chunk)) await once(out, 'drain');
  }
  out.end('],"cmrs":[]}');
  await once(out, 'finish');
  await page.setInputFiles('[data-testid=file-input]', file);
  await page.waitForSelector('[data-testid=error]');
  assert.match(
    (await page.textContent('[data-testid=error]')) ?? '',
    /five-million\.json: \d+ MiB is over the app's 256 MiB limit/,
  );
  await shot('refused');
  await openSample('2s-server-512g');
  assert.ok(await page.$(`${MAP} .plot rect.tdmr[data-id]`), 'the page still opens a host');
  rmSync(file);
});

test("an import's assumptions are listed one per line, not run together", async () => {
  await page.setInputFiles('[data-testid=file-input]', join(FIXTURES, 'import', 'host-a-dmesg.txt'));
  // The evidence panel, where an import opens, lists them (one source: the recorded host's assumptions).
  await page.waitForSelector('[data-testid=evidence-assumptions] li');
  const items = await page.locator('[data-testid=evidence-assumptions] li').allTextContents();
  assert.ok(items.length >= 1);
  for (const i of items) assert.ok(i.trim().length > 0);
  await shot('import-assumptions');
});

test('no script errors in the page', () => {
  assert.deepEqual(pageErrors, []);
});
