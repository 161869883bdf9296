/**
 * Compare end to end (Chromium through `tdx-lab serve`): the 2-socket
 * sample against the editor's host with a CXL device added shows the device
 * as a difference (table and highlighted on B's map), the outcomes differ,
 * and the two maps stay on one address window when one is zoomed.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openApp, shot, showView, type ViewsSession } from './views-helpers.js';

let s: ViewsSession;
before(async () => {
  s = await openApp();
});
after(async () => {
  await s?.close();
});

const domainOf = (side: 'a' | 'b') => s.page.getAttribute(`svg[data-testid=compare-map-${side}]`, 'data-domain');

test('the CXL device added in the editor shows as a difference against the sample', async () => {
  const { page } = s;
  await showView(page, 'editor');
  await page.waitForSelector('[data-testid=verdict]');
  await page.selectOption('[data-testid=editor-start]', '2s-server-512g');
  await page.waitForFunction(
    () =>
      document.querySelector('[data-testid=field-name]') &&
      (document.querySelector('[data-testid=field-name]') as HTMLInputElement).value === '2s-server-512g',
  );
  await page.click('[data-testid=add-cxl]');
  await page.waitForSelector('[data-testid=verdict][data-ok=false]');

  await showView(page, 'compare');
  assert.equal(await page.inputValue('[data-testid=compare-a]'), '2s-server-512g');
  assert.equal(await page.inputValue('[data-testid=compare-b]'), 'editor');
  await page.waitForSelector('[data-testid=compare-diff]');
  await page.waitForSelector('svg[data-testid=compare-map-b] .plot rect[data-id]');
  assert.equal(await page.getAttribute('[data-testid=compare-verdict-a]', 'data-ok'), 'true');
  assert.equal(await page.getAttribute('[data-testid=compare-verdict-b]', 'data-ok'), 'false');

  const rows = await page.$$eval('[data-testid=compare-diff] tbody tr', (trs) =>
    trs.map((tr) => ({
      kind: tr.getAttribute('data-kind'),
      section: tr.getAttribute('data-section'),
      text: tr.textContent ?? '',
    })),
  );
  const device = rows.find((r) => r.section === 'device');
  assert.ok(device, JSON.stringify(rows));
  assert.equal(device.kind, 'added');
  assert.match(device.text, /cxl cxl0/);
  assert.match(device.text, /0x9000000000.*128 GiB/);
  assert.ok(
    rows.some((r) => r.section === 'memblock' && r.kind === 'added'),
    'its memory joined memblock (hot-added before init)',
  );
  assert.ok(
    rows.some((r) => r.section === 'verdict' && /initializes/.test(r.text) && /yes/.test(r.text) && /no/.test(r.text)),
  );
  assert.equal(rows.filter((r) => r.kind === 'removed').length, 0);

  // The device is highlighted on B's map, nothing on A's for it.
  await page.waitForSelector('svg[data-testid=compare-map-b] rect[data-id="dev-cxl0"].highlighted');
  assert.equal(await page.$('svg[data-testid=compare-map-a] rect[data-id="dev-cxl0"]'), null);
  // Both maps show the same address window.
  await page.waitForFunction(() => {
    const a = document.querySelector('svg[data-testid=compare-map-a]')?.getAttribute('data-domain');
    return a && a === document.querySelector('svg[data-testid=compare-map-b]')?.getAttribute('data-domain');
  });
  await shot(page, 'compare');
});

test('zooming to a difference moves both maps together', async () => {
  const { page } = s;
  const before = await domainOf('a');
  await page.click('[data-testid=compare-diff] tbody tr[data-section=device]');
  await page.waitForFunction(
    (b) => document.querySelector('svg[data-testid=compare-map-a]')?.getAttribute('data-domain') !== b,
    before,
  );
  await page.waitForFunction(() => {
    const a = document.querySelector('svg[data-testid=compare-map-a]')?.getAttribute('data-domain');
    return a && a === document.querySelector('svg[data-testid=compare-map-b]')?.getAttribute('data-domain');
  });
  const [start, end] = (await domainOf('b'))!.split(',').map(Number);
  assert.ok(
    start <= 0x9000000000 && end >= 0xb000000000 && end - start < 0x4000000000,
    `zoomed around the device: ${start.toString(16)}-${end.toString(16)}`,
  );
  await shot(page, 'compare-zoomed');
  assert.deepEqual(s.errors, []);
});
