/**
 * The sweep view end to end (Chromium through `tdx-lab serve`): a 100-
 * configuration sweep runs to the end with progress and agrees with the
 * engine row for row; a 10,000-configuration sweep is cancelled midway; the
 * renderer keeps handling input while a 10,000-configuration sweep runs;
 * clicking a heat-map cell opens that configuration on the map.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { parseSweep } from '../../engine/sweep/schema.js';
import { resolveSweep } from '../../engine/sweep/expand.js';
import { runSweepChunk } from '../../engine/sweep/chunk.js';
import { loadHostText, SAMPLES_DIR } from '../app/app-helpers.js';
import { openApp, shot, showView, type ViewsSession } from './views-helpers.js';

let s: ViewsSession;
before(async () => {
  s = await openApp(2);
});
after(async () => {
  await s?.close();
});

const PROGRESS = '[data-testid=sweep-progress]';

async function progress(): Promise<{ running: string; done: number; total: number }> {
  return s.page.$eval(PROGRESS, (el) => ({
    running: el.getAttribute('data-running')!,
    done: Number(el.getAttribute('data-done')),
    total: Number(el.getAttribute('data-total')),
  }));
}

test('a 100-configuration sweep runs to the end with progress; every cell agrees with the engine', async () => {
  const { page } = s;
  await showView(page, 'sweeps');
  await page.selectOption('[data-testid=sweep-base]', '2s-server-512g');
  await page.click('[data-testid=preset-0]');
  assert.match((await page.textContent('[data-testid=sweep-count]'))!, /^100 combinations/);
  await page.waitForSelector('[data-testid=sweep-run]:not([disabled])');
  // Record every progress value the page shows while it runs.
  await page.evaluate(() => {
    const seen: number[] = [];
    (window as unknown as { seenProgress: number[] }).seenProgress = seen;
    new MutationObserver(() => {
      const el = document.querySelector('[data-testid=sweep-progress]');
      if (el) seen.push(Number(el.getAttribute('data-done')));
    }).observe(document.body, { subtree: true, attributes: true, childList: true });
  });
  await page.click('[data-testid=sweep-run]');
  await page.waitForSelector('[data-testid=sweep-summary]');
  const p = await progress();
  assert.deepEqual(p, { running: 'false', done: 100, total: 100 });
  const seen = await page.evaluate(() => (window as unknown as { seenProgress: number[] }).seenProgress);
  assert.ok(
    seen.some((d) => d > 0 && d < 100),
    `an intermediate progress value was shown: ${[...new Set(seen)].join(', ')}`,
  );

  // The engine, in this process, on the same sweep.
  const { text } = loadHostText(join(SAMPLES_DIR, '2s-server-512g.json'));
  const doc = parseSweep({
    name: 'x',
    host: JSON.parse(text),
    axes: [
      { axis: 'memory_per_node_gib', range: { from: 32, to: 320, step: 32 } },
      { axis: 'cxl_gib', range: { from: 0, to: 288, step: 32 } },
    ],
  });
  assert.ok(doc.ok);
  const sweep = resolveSweep(doc.value, doc.value.host!, 'upstream', 'init');
  assert.ok(sweep.ok);
  const rows = runSweepChunk(sweep.value, 0, 100);
  const cells = await page.$$eval('[data-testid=heat-cell]', (els) =>
    els.map((e) => ({ index: Number(e.getAttribute('data-index')), ok: e.getAttribute('data-ok') })),
  );
  assert.equal(cells.length, 100);
  for (const c of cells) assert.equal(c.ok, rows[c.index].ok ? 'true' : 'false', `cell ${c.index}`);
  const okCount = rows.filter((r) => r.ok).length;
  assert.ok(okCount > 0 && okCount < 100, 'the preset has both outcomes');
  assert.match((await page.textContent('[data-testid=sweep-summary]'))!, new RegExp(`${okCount} initialize`));
  assert.ok((await page.$$('[data-testid=pamt-chart] path[data-series]')).length === 10, 'one PAMT line per CXL size');
  await shot(page, 'sweep-100');
});

test('a 10,000-configuration sweep can be cancelled midway; the previous result stays', async () => {
  const { page } = s;
  await page.click('[data-testid=preset-3]');
  assert.match((await page.textContent('[data-testid=sweep-count]'))!, /^10,000 combinations/);
  await page.click('[data-testid=sweep-run]');
  await page.waitForFunction(() => {
    const el = document.querySelector('[data-testid=sweep-progress]');
    return el && el.getAttribute('data-running') === 'true' && Number(el.getAttribute('data-done')) > 0;
  });
  await shot(page, 'sweep-running');
  await page.click('[data-testid=sweep-cancel]');
  const note = await page.waitForSelector('[data-testid=sweep-cancelled]');
  const text = (await note.textContent())!;
  const m = /Cancelled after ([\d,]+) of 10,000/.exec(text);
  assert.ok(m, text);
  const done = Number(m[1].replace(/,/g, ''));
  assert.ok(done > 0 && done < 10000, `cancelled midway at ${done}`);
  assert.equal((await progress()).running, 'false');
  assert.equal((await page.$$('[data-testid=heat-cell]')).length, 100, 'the 100-configuration result is kept');
});

test('the renderer handles input while a 10,000-configuration sweep runs', async () => {
  const { page } = s;
  await page.click('[data-testid=sweep-run]');
  await page.waitForFunction(
    () => document.querySelector('[data-testid=sweep-progress]')?.getAttribute('data-running') === 'true',
  );
  // Typing and a click, each handled (the page state changes) while the sweep is still running.
  await page.fill('[data-testid=sweep-name]', '');
  await page.type('[data-testid=sweep-name]', 'typed-while-running');
  assert.equal(await page.inputValue('[data-testid=sweep-name]'), 'typed-while-running');
  await page.click('[data-testid=only-failures]');
  assert.equal(await page.isChecked('[data-testid=only-failures]'), true);
  const during = await progress();
  assert.equal(
    during.running,
    'true',
    `input was handled before the sweep finished (${during.done} of ${during.total})`,
  );
  await page.waitForFunction(
    () => document.querySelector('[data-testid=sweep-progress]')?.getAttribute('data-running') === 'false',
    undefined,
    { timeout: 120_000 },
  );
  assert.deepEqual(await progress(), { running: 'false', done: 10000, total: 10000 });
  assert.match((await page.textContent('[data-testid=sweep-summary]'))!, /^10,000 combinations/);
  await shot(page, 'sweep-10000');
});

test('clicking a heat-map cell opens that configuration on the map', async () => {
  const { page } = s;
  const cell = await page.$('[data-testid=heat-cell][data-ok=false]');
  assert.ok(cell);
  const index = await cell.getAttribute('data-index');
  await cell.click();
  await page.waitForSelector('[data-testid=summary]');
  await page.waitForFunction((i) => document.body.textContent?.includes(`#${i} (`), index);
  await page.waitForSelector('svg[data-testid=map] .plot rect.tdmr[data-id]');
  await shot(page, 'sweep-cell-on-map');
  assert.deepEqual(s.errors, []);
});
