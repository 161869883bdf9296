/**
 * The hotplug timeline end to end (Chromium through `tdx-lab serve`): the
 * CXL-after-init scenario scrubbed to before and after module init shows
 * different block states and TDMRs on the map; play advances by itself.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseScenario } from '../../engine/scenario/parse.js';
import { tdxMemoryLine } from '../../engine/outcome/tdx-memory.js';
import { runScenario } from '../../engine/scenario/run.js';
import { PROJECT_ROOT } from '../helpers/golden.js';
import { openApp, shot, showView, type ViewsSession } from './views-helpers.js';

let s: ViewsSession;
before(async () => {
  s = await openApp();
});
after(async () => {
  await s?.close();
});

const MAP = 'svg[data-testid=timeline-map]';

async function scrub(step: number): Promise<void> {
  await s.page.$eval(
    '[data-testid=timeline-scrub]',
    (el, v) => {
      const input = el as HTMLInputElement;
      input.value = String(v);
      input.dispatchEvent(new Event('input', { bubbles: true }));
    },
    step,
  );
  await s.page.waitForSelector(`[data-testid=timeline-now][data-step="${step}"]`);
}

async function mapState() {
  return s.page.evaluate((sel) => {
    const svg = document.querySelector(sel)!;
    const count = (q: string) => svg.querySelectorAll(`.plot ${q}`).length;
    return {
      online: count('rect.mem-block.online'),
      refused: count('rect.mem-block.refused'),
      tdmrs: count('rect.tdmr[data-id]'),
    };
  }, MAP);
}

test('scrubbed to before and after module init, the map shows different block states', async () => {
  const { page } = s;
  await showView(page, 'timeline');
  await page.waitForSelector('svg[data-testid=timeline-chart] .event');
  assert.equal(await page.inputValue('[data-testid=timeline-scenario]'), 'cxl-hot-added-after-init');
  // The same scenario in this process: where init is, and that the hot-add is refused after it.
  const parsed = parseScenario(
    JSON.parse(readFileSync(join(PROJECT_ROOT, 'resources', 'scenarios', 'cxl-hot-added-after-init.json'), 'utf8')),
  );
  assert.ok(parsed.ok);
  const result = runScenario(parsed.value);
  const init = result.events.findIndex((e) => e.kind === 'init');
  const hotAdd = result.events.findIndex((e) => e.kind === 'hot-add');
  assert.ok(init >= 0 && hotAdd > init);

  await scrub(init - 1);
  await page.waitForSelector(`${MAP} .plot rect[data-id]`);
  const before = await mapState();
  const moduleBefore = await page.getAttribute('[data-testid=timeline-now]', 'data-module');
  assert.equal(before.refused, 0);
  assert.equal(before.tdmrs, 0, 'no TDMRs before init');
  await shot(page, 'timeline-before-init');

  await scrub(hotAdd);
  await page.waitForSelector(`${MAP} .plot rect.mem-block.refused`);
  const after = await mapState();
  const moduleAfter = await page.getAttribute('[data-testid=timeline-now]', 'data-module');
  assert.ok(after.refused > 0, 'the CXL blocks are refused after init');
  assert.ok(after.tdmrs > 0, 'TDMRs exist after init');
  assert.equal(moduleAfter, result.events[hotAdd].moduleState);
  assert.notEqual(moduleBefore, moduleAfter);
  assert.match((await page.textContent('[data-testid=timeline-blocks]'))!, /64 GiB refused/);
  // The chart paints the refused blocks from the hot-add onwards.
  assert.ok((await page.$$('svg[data-testid=timeline-chart] rect.blocks.refused')).length > 0);
  await shot(page, 'timeline-after-init');

  // The init event lists its SEAMCALLs.
  await scrub(init);
  const calls = await page.$$eval('[data-testid=timeline-seamcalls] tr', (trs) => trs.length);
  assert.equal(calls, result.events[init].seamcalls.length);
});

test('play advances through the events by itself; pause stops it', async () => {
  const { page } = s;
  await scrub(-1);
  await page.click('[data-testid=timeline-play]');
  await page.waitForSelector('[data-testid=timeline-now][data-step="1"]');
  await page.click('[data-testid=timeline-play]');
  const stopped = Number(await page.getAttribute('[data-testid=timeline-now]', 'data-step'));
  assert.ok(stopped >= 1);
  assert.match((await page.textContent('[data-testid=timeline-play]'))!, /Play/);
  assert.deepEqual(s.errors, []);
});

test('Dynamic PAMT workload: the TDX memory chart and readout follow the engine over time', async () => {
  const { page } = s;
  const parsed = parseScenario(
    JSON.parse(readFileSync(join(PROJECT_ROOT, 'resources', 'scenarios', 'dpamt-td-workload.json'), 'utf8')),
  );
  assert.ok(parsed.ok);
  const result = runScenario(parsed.value);
  await page.selectOption('[data-testid=timeline-scenario]', 'dpamt-td-workload');
  await page.waitForSelector('[data-testid=timeline-tdx-memory] rect.mem.dynamicKb');
  const create = result.events.findIndex((e) => e.kind === 'td-create');
  await scrub(create);
  const now = '[data-testid=timeline-tdx-memory-now]';
  await page.waitForSelector(`${now}[data-total-kb="${result.tdxMemory.points[create].totalKb}"]`);
  assert.equal(
    (await page.textContent(now))!.trim(),
    tdxMemoryLine(result.tdxMemory.points[create]),
    "the engine's words, as the CLI says them",
  );
  assert.match((await page.textContent(now))!, /refcounts \+ \d+ KB 4K PAMT for TDs.*4 TDs/s);
  const last = result.events.length - 1;
  await scrub(last);
  await page.waitForSelector(`${now}[data-total-kb="${result.tdxMemory.points[last].totalKb}"]`);
  assert.equal(result.tdxMemory.points[last].dynamicKb, 0, 'back to the static part once the TDs are gone');
  await shot(page, 'timeline-dpamt-workload');
  assert.deepEqual(s.errors, []);
});
