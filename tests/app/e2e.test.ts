/**
 * End to end in Debian's Chromium (playwright-core) against an in-process
 * `tdx-lab serve`: open each sample, count the drawn TDMRs and reserved
 * areas against the engine, hover, click, zoom, the CXL failure, refused
 * blocks, and a bad file. Screenshots go to test-artifacts/ for a look.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { hex, humanSize } from '../../engine/format/hex.js';
import { planTdmrs } from '../../engine/kernel/construct.js';
import { openLabStore } from '../../main/store/lab-store.js';
import { recordRun } from '../../main/store/record-run.js';
import { startServer, type RunningServer } from '../../main/serve/server.js';
import {
  APP_FIXTURES,
  ARTIFACTS,
  CHROMIUM,
  CHROMIUM_ARGS,
  RENDERER_DIR,
  SAMPLES_DIR,
  expectedCounts,
  loadHostText,
  requireRendererBuild,
} from './app-helpers.js';

let server: RunningServer;
let storeDir = '';
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

before(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium is not installed at ${CHROMIUM}: the app's end-to-end tests need it (apt-get install chromium)`,
    );
  }
  requireRendererBuild();
  mkdirSync(ARTIFACTS, { recursive: true });
  // A notebook with one session and one run, for the session browser.
  storeDir = mkdtempSync(join(tmpdir(), 'tdx-lab-e2e-'));
  const store = openLabStore(join(storeDir, 'lab.db'));
  const { host } = loadHostText(join(APP_FIXTURES, 'cxl-after-init.json'));
  recordRun(store, 'cxl bring-up', {
    kind: 'plan',
    host,
    variant: 'upstream',
    plan: planTdmrs(host, 'upstream'),
    label: 'after kmem online',
  });
  store.close();
  server = await startServer({
    rendererDir: RENDERER_DIR,
    samplesDir: SAMPLES_DIR,
    workers: 1,
    storePath: join(storeDir, 'lab.db'),
  });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  page = await browser.newPage({ viewport: { width: 1440, height: 960 } });
  page.on('pageerror', (e) => pageErrors.push(e.message));
  page.on('console', (m) => {
    // The bad-file test gets its 400 on purpose; anything else logged as an error is a fault.
    if (m.type() === 'error' && !/status of 400 \(Bad Request\)/.test(m.text())) pageErrors.push(m.text());
  });
  await page.goto(server.url);
});

after(async () => {
  await browser?.close();
  await server?.close();
  if (storeDir) rmSync(storeDir, { recursive: true, force: true });
});

const MAP = 'svg[data-testid=map]';

async function shot(name: string): Promise<void> {
  await page.screenshot({ path: join(ARTIFACTS, `app-${name}.png`) });
}

/** Shapes of one kind on the map: drawn one by one, plus those merged into sub-pixel aggregates. */
async function shapeCount(kind: string): Promise<number> {
  return page.evaluate(
    ([sel, k]) => {
      const svg = document.querySelector(sel)!;
      const single = svg.querySelectorAll(`.plot rect.${k}[data-id]`).length;
      let merged = 0;
      for (const a of svg.querySelectorAll(`.plot rect.agg-${k}`)) merged += Number(a.getAttribute('data-count'));
      return single + merged;
    },
    [MAP, kind] as const,
  );
}

async function domain(): Promise<[number, number]> {
  const d = await page.getAttribute(MAP, 'data-domain');
  assert.ok(d, 'the map publishes its domain');
  const [a, b] = d.split(',').map(Number);
  return [a, b];
}

async function openSample(name: string): Promise<void> {
  await page.selectOption('[data-testid=sample-select]', name);
  const { host } = loadHostText(join(SAMPLES_DIR, `${name}.json`));
  await page.waitForSelector(`[data-testid=summary][data-host="${host.name}"]`);
  await page.waitForSelector(`${MAP} .plot rect[data-id]`);
  // The bottom panel opens on the findings; these tests read the TDMR table.
  await page.getByRole('tab', { name: 'TDMRs' }).click();
}

/** Memory blocks per state, as the map states them (the Outcome's, stamped on the <svg>). */
async function mapBlocks(): Promise<Record<string, number>> {
  const s = (await page.getAttribute(MAP, 'data-blocks')) ?? '';
  return Object.fromEntries(s.split(',').map((kv) => [kv.split(':')[0], Number(kv.split(':')[1])]));
}

test('the empty window explains how to start', async () => {
  await page.waitForSelector('[data-testid=empty-state]');
  const text = await page.textContent('body');
  assert.match(text ?? '', /Open a host to see its physical memory/);
  assert.match(text ?? '', /drop a host JSON file/);
  await shot('empty');
});

test("every sample draws exactly the engine's TDMRs and reserved areas", async () => {
  const samples = readdirSync(SAMPLES_DIR).filter((f) => f.endsWith('.json'));
  assert.ok(samples.length >= 3, 'the lead ships at least three samples');
  for (const f of samples) {
    const name = f.slice(0, -5);
    const { host } = loadHostText(join(SAMPLES_DIR, f));
    const want = expectedCounts(host);
    await openSample(name);
    await page.waitForFunction(
      ([sel, n]) => document.querySelector(sel)?.querySelector('.layer-tdmr')?.getAttribute('data-count') === String(n),
      [MAP, want.tdmrs] as const,
    );
    assert.equal(await shapeCount('tdmr'), want.tdmrs, `${name}: TDMR shapes`);
    assert.equal(await shapeCount('reserved-area'), want.reserved, `${name}: reserved-area shapes`);
    assert.equal(await page.locator('[data-testid=tdmr-table] tbody tr').count(), want.tdmrs, `${name}: TDMR rows`);
    await shot(`sample-${name}`);
  }
});

test('hovering a TDMR shows its exact hex range, size and what covers the address', async () => {
  await openSample('2s-server-512g');
  const { host } = loadHostText(join(SAMPLES_DIR, '2s-server-512g.json'));
  const { plan } = expectedCounts(host);
  const t = plan.tdmrs[1];
  const box = await page.locator(`${MAP} .plot rect[data-id="tdmr-1"]`).boundingBox();
  assert.ok(box);
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  const tip = page.locator('[data-testid=tooltip]');
  await tip.waitFor();
  const text = (await tip.textContent()) ?? '';
  assert.ok(text.includes(`[${hex(t.base)}, ${hex(t.base + t.size)})`), `tooltip shows the exact range: ${text}`);
  assert.ok(text.includes(humanSize(t.size)), `tooltip shows the size ${humanSize(t.size)}`);
  assert.match(text, /node 0/);
  assert.match(text, /TDX memory/);
  await shot('hover-tdmr');
  await page.mouse.move(5, 5);
});

test('a TDMR row and its shape select each other', async () => {
  await page.click('[data-testid=tdmr-table] tbody tr[data-row="2"]');
  await page.waitForSelector(`${MAP} .plot rect[data-id="tdmr-2"].selected`);
  assert.match((await page.getAttribute(`${MAP} .plot rect[data-id="tdmr-2"]`, 'class')) ?? '', /highlighted/);
  assert.match((await page.textContent('[data-testid=details]')) ?? '', /TDMR 2/);

  const box = await page.locator(`${MAP} .plot rect[data-id="tdmr-1"]`).boundingBox();
  assert.ok(box);
  await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
  await page.waitForSelector('[data-testid=tdmr-table] tbody tr[data-row="1"].selected');
  assert.equal(await page.locator('[data-testid=tdmr-table] tbody tr.selected').count(), 1);
  const details = (await page.textContent('[data-testid=details]')) ?? '';
  const { host } = loadHostText(join(SAMPLES_DIR, '2s-server-512g.json'));
  const { plan } = expectedCounts(host);
  assert.ok(plan.ok);
  const t1 = plan.tdmrs[1];
  assert.ok(
    details.includes(`Reserved areas (${t1.reserved.length} of ${host.module.max_reserved_per_tdmr})`),
    details,
  );
  assert.ok(details.includes(`PAMT (node ${t1.pamtNid})`), details);
  for (const r of t1.reserved)
    assert.ok(
      details.includes(`[${hex(t1.base + r.offset)}, ${hex(t1.base + r.offset + r.size)})`),
      'every reserved area listed exactly',
    );
  await shot('selected-tdmr');
  await page.keyboard.press('Escape');
});

test('zooming changes the axis domain (wheel and keyboard)', async () => {
  const before = await domain();
  const box = await page.locator(`${MAP} .plot rect[data-id="tdmr-1"]`).boundingBox();
  assert.ok(box);
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.wheel(0, -600);
  await page.waitForFunction(([sel, d]) => document.querySelector(sel)?.getAttribute('data-domain') !== d, [
    MAP,
    before.join(','),
  ] as const);
  const after = await domain();
  assert.ok(after[1] - after[0] < before[1] - before[0], `zoomed in: ${after} inside ${before}`);
  assert.ok(after[0] >= before[0] && after[1] <= before[1]);
  const ticks = await page.locator(`${MAP} .axis .tick-hex`).allTextContents();
  assert.ok(ticks.length > 1 && ticks.every((t) => /^0x[0-9a-f]+$/.test(t)), `axis labels are hex: ${ticks}`);
  await shot('zoomed');
  await page.focus(MAP);
  await page.keyboard.press('0');
  await page.waitForFunction(([sel, d]) => document.querySelector(sel)?.getAttribute('data-domain') === d, [
    MAP,
    before.join(','),
  ] as const);
});

test("the CXL sample shows the module's failure on the TDMR covering the CXL memory", async () => {
  await openSample('2s-server-512g-cxl-before-init');
  const summary = (await page.textContent('[data-testid=summary]')) ?? '';
  assert.match(summary, /TDX does not initialize: TDH\.SYS\.CONFIG rejects TDMR 3 with TDX_TDMR_OUTSIDE_CMRS/);
  assert.equal(await page.getAttribute('[data-testid=summary]', 'data-level'), 'error');
  const failedRow = page.locator('[data-testid=tdmr-table] tbody tr.failed');
  assert.equal(await failedRow.count(), 1);
  const id = await failedRow.getAttribute('data-id');
  assert.ok(id);
  assert.equal(await page.locator(`${MAP} .plot rect.tdmr.failed[data-id="${id}"]`).count(), 1);
  // The CXL memory was onlined before init: its blocks are online (nothing refused yet).
  const { host } = loadHostText(join(SAMPLES_DIR, '2s-server-512g-cxl-before-init.json'));
  const d = host.devices![0];
  const bs = host.platform!.memory_block_size!;
  assert.equal((await mapBlocks()).refused, 0);
  assert.equal(await page.locator(`${MAP} .plot rect.mem-block.online[data-id="mem-${d.start / bs}"]`).count(), 1);
  await page.getByRole('tab', { name: 'Log & SEAMCALLs' }).click();
  const log = (await page.textContent('[data-testid=dmesg]')) ?? '';
  assert.match(log, /SEAMCALL \(0x000000000000002d\) failed: 0xc0000a0200000003/);
  assert.match(log, /module initialization failed \(-5\)/);
  assert.match((await page.textContent('[data-testid=seamcalls]')) ?? '', /TDH\.SYS\.CONFIG.*TDX_TDMR_OUTSIDE_CMRS/s);
  await shot('cxl-before-init-log');
  await page.getByRole('tab', { name: 'TDMRs' }).click();
  await failedRow.click();
  await shot('cxl-before-init');
});

test('the compress-holes toggle redraws the map with and without hole breaks', async () => {
  // The CXL sample has a 56 GiB hole between node 1 and the CXL memory.
  const breaks = () => page.locator(`${MAP} .axis .break-mark`).count();
  assert.ok((await breaks()) > 0, 'compressed by default: the hole is marked on the axis');
  await page.uncheck('[data-testid=compress-holes]');
  await page.waitForFunction((sel) => document.querySelectorAll(`${sel} .axis .break-mark`).length === 0, MAP);
  await shot('holes-uncompressed');
  await page.check('[data-testid=compress-holes]');
  await page.waitForFunction((sel) => document.querySelectorAll(`${sel} .axis .break-mark`).length > 0, MAP);
});

test('CXL memory onlined after init shows every block refused', async () => {
  await page.setInputFiles('[data-testid=file-input]', join(APP_FIXTURES, 'cxl-after-init.json'));
  await page.waitForSelector('[data-testid=summary][data-host="2s-server-512g-cxl-after-init"]');
  await page.waitForSelector(`${MAP}[data-blocks]`);
  const { host } = loadHostText(join(APP_FIXTURES, 'cxl-after-init.json'));
  const d = host.devices![0];
  const bs = host.platform!.memory_block_size!;
  const blocks = (d.end - d.start) / bs;
  assert.equal((await mapBlocks()).refused, blocks);
  assert.equal(
    await page.getAttribute('[data-testid=summary]', 'data-level'),
    'warning',
    'initialized, with refused memory',
  );
  // Zoom to the device through the details panel: its blocks are one refused run, memoryN to memoryM.
  await page.locator(`${MAP} .plot rect.device`).first().click({ force: true });
  await page.click('text=Zoom the map to it');
  const run = page.locator(`${MAP} .plot rect.mem-block.refused[data-id="mem-${d.start / bs}"]`);
  await run.waitFor();
  await run.click({ force: true });
  assert.match(
    (await page.textContent('[data-testid=details]')) ?? '',
    new RegExp(`memory${d.start / bs}–memory${d.end / bs - 1} \\(${blocks}\\)`),
  );
  assert.equal(await page.locator(`${MAP} .plot rect.mem-block.online`).count(), 0);
  await shot('cxl-after-init-refused');
});

test('the shipped CXL-after-init sample initializes TDX and refuses every device block', async () => {
  await openSample('2s-server-512g-cxl-onlined-after-init');
  const { host } = loadHostText(join(SAMPLES_DIR, '2s-server-512g-cxl-onlined-after-init.json'));
  const d = host.devices![0];
  const bs = host.platform?.memory_block_size ?? 128 * 1024 * 1024;
  const blocks = (d.end - d.start) / bs;
  assert.equal((await mapBlocks()).refused, blocks);
  assert.match((await page.textContent('[data-testid=summary]')) ?? '', /^\s*TDX initializes/);
  assert.equal(await page.getAttribute('[data-testid=summary]', 'data-level'), 'warning');
  await page.locator(`${MAP} .plot rect.device`).first().click({ force: true });
  await page.click('text=Zoom the map to it');
  await page.waitForSelector(`${MAP} .plot rect.mem-block.refused[data-id="mem-${d.start / bs}"]`);
  assert.equal(await page.locator(`${MAP} .plot rect.mem-block.online`).count(), 0);
  // The findings tab says the same thing in words.
  await page.getByRole('tab', { name: 'Findings' }).click();
  assert.match((await page.textContent('[data-testid=findings]')) ?? '', /128 GiB of .* can never be onlined/);
  await shot('sample-cxl-after-init-refused');
});

test('a bad host file shows the problem with its JSON path', async () => {
  await page.setInputFiles('[data-testid=file-input]', join(APP_FIXTURES, 'bad-host-unaligned.json'));
  const err = page.locator('[data-testid=error]');
  await err.waitFor();
  assert.match(
    (await err.textContent()) ?? '',
    /Could not open bad-host-unaligned\.json: \$\.memblock\[1\]\.end: 0x5f0e0001 is not 4 KiB aligned/,
  );
  // The host shown before stays on the map.
  assert.ok((await page.locator(`${MAP} .plot rect[data-id]`).count()) > 0);
  await shot('bad-file');
});

test('dropping a host file on the window opens it (its text goes through the API; no path needed)', async () => {
  const text = readFileSync(join(SAMPLES_DIR, '2s-server-fragmented-low-memory.json'), 'utf8');
  const { host } = loadHostText(join(SAMPLES_DIR, '2s-server-fragmented-low-memory.json'));
  const dt = await page.evaluateHandle((t) => {
    const d = new DataTransfer();
    d.items.add(new File([t], 'dropped-host.json', { type: 'application/json' }));
    return d;
  }, text);
  await page.dispatchEvent('.app', 'dragover', { dataTransfer: dt });
  await page.dispatchEvent('.app', 'drop', { dataTransfer: dt });
  await page.waitForSelector(`[data-testid=summary][data-host="${host.name}"]`);
  assert.match((await page.textContent('footer')) ?? '', /dropped-host\.json/);
});

test('the session browser opens a stored run on the map', async () => {
  await page.getByRole('tab', { name: 'Sessions' }).click();
  await page.click('[data-testid=sessions] button:has-text("cxl bring-up")');
  await page.click('[data-testid=runs] button:has-text("after kmem online")');
  await page.waitForSelector('[data-testid=summary][data-host="2s-server-512g-cxl-after-init"]');
  await page.waitForSelector(`${MAP} .plot rect[data-id]`);
  await shot('sessions');
});

test('no script errors and no CSP violations in the page', () => {
  assert.deepEqual(pageErrors, []);
});
