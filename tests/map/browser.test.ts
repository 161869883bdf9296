/**
 * The map module in a real browser, as the app uses it: bundled with
 * esbuild, drawn interactive in Chromium, driven with keys, the pointer and
 * setDomain. Needs Chromium (fails, never skips, without it).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, findChromium } from '../../main/report/chromium.js';
import { PROJECT_ROOT } from '../helpers/golden.js';
import { plannedGoldenCases } from './helpers.js';

/** The map module bundled for the page: the compiled module next to this compiled test, so what tsc built is what gets tested. */
function bundleMap(): Promise<string> {
  return build({
    entryPoints: [fileURLToPath(new URL('../../renderer/map/index.js', import.meta.url))],
    bundle: true,
    format: 'iife',
    globalName: 'TdxMap',
    platform: 'browser',
    write: false,
    logLevel: 'error',
  }).then((r) => r.outputFiles[0].text);
}

test('interactive map in Chromium: keys zoom and pan, hover finds shapes, select marks them, no console errors', async () => {
  let exe: string;
  try {
    exe = findChromium(process.env.TDX_LAB_CHROMIUM);
  } catch (e) {
    assert.fail(`this test needs headless Chromium: ${(e as Error).message}`);
  }
  const bundle = await bundleMap();
  const { host, plan } = plannedGoldenCases('upstream').find((c) => c.name === 'server-2s-256g')!;
  assert.ok(plan.ok);
  const browser = await chromium.launch({ executablePath: exe, args: CHROMIUM_ARGS, headless: true });
  try {
    const page = await browser.newPage({ viewport: { width: 1300, height: 700 } });
    const problems: string[] = [];
    page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
    page.on('pageerror', (e) => problems.push(e.message));
    await page.setContent('<!doctype html><html><body style="margin:0"><svg id="m"></svg></body></html>');
    await page.addScriptTag({ content: bundle });
    await page.evaluate(
      ({ host, plan }) => {
        const w = window as unknown as Record<string, unknown> & {
          TdxMap: typeof import('../../renderer/map/index.js');
        };
        const events: {
          domains: Array<[number, number]>;
          hovers: Array<string | null>;
          selects: Array<string | null>;
        } = { domains: [], hovers: [], selects: [] };
        w.events = events;
        const model = w.TdxMap.buildMapModel({ host, plan });
        w.map = w.TdxMap.drawMap(document.getElementById('m') as unknown as SVGSVGElement, model, {
          width: 1200,
          height: 420,
          interactive: true,
          onDomainChange: (d) => events.domains.push(d),
          onHover: (s) => events.hovers.push(s ? s.id : null),
          onSelect: (s) => events.selects.push(s ? s.id : null),
        });
      },
      { host, plan },
    );
    const top = await page.evaluate(() =>
      (window as unknown as { map: { getDomain(): [number, number] } }).map.getDomain(),
    );
    assert.equal(top[0], 0);
    assert.equal(await page.locator('svg .tdmr').count(), plan.tdmrs.length);

    // Keys: + zooms in (half the window), → pans right.
    await page.focus('svg#m');
    await page.keyboard.press('+');
    const zoomed = await page.evaluate(() =>
      (window as unknown as { map: { getDomain(): [number, number] } }).map.getDomain(),
    );
    assert.ok(zoomed[1] - zoomed[0] < (top[1] - top[0]) * 0.75, `zoomed in: ${zoomed}`);
    await page.keyboard.press('ArrowRight');
    const panned = await page.evaluate(() =>
      (window as unknown as { map: { getDomain(): [number, number] } }).map.getDomain(),
    );
    assert.ok(panned[0] > zoomed[0], 'panned right');
    const ev = await page.evaluate(
      () => (window as unknown as { events: { domains: unknown[] } }).events.domains.length,
    );
    assert.ok(ev >= 2, 'onDomainChange fired');

    // setDomain to TDMR 1, then hover and click its middle on the TDMR track.
    const t1 = plan.tdmrs[1];
    await page.evaluate(
      ([a, b]) => (window as unknown as { map: { setDomain(d: [number, number]): void } }).map.setDomain([a, b]),
      [t1.base, t1.base + t1.size],
    );
    const box = await page.locator('svg .track-tdmr .track-bg').boundingBox();
    assert.ok(box);
    // A point on the TDMR outside its reserved areas: the right edge region.
    await page.mouse.move(box.x + box.width * 0.5, box.y + 3);
    await page.mouse.click(box.x + box.width * 0.5, box.y + 3);
    const got = await page.evaluate(
      () => (window as unknown as { events: { hovers: Array<string | null>; selects: Array<string | null> } }).events,
    );
    assert.ok(
      got.hovers.some((h) => h !== null && (h === 'tdmr-1' || h.startsWith('rsvd-1-'))),
      `hovers: ${got.hovers.slice(-3)}`,
    );
    assert.ok(got.selects.length >= 1 && got.selects[got.selects.length - 1] !== null);
    assert.equal(await page.locator('svg .selected').count(), 1);
    // Wheel zoom goes through d3-zoom.
    const before = await page.evaluate(() =>
      (window as unknown as { map: { getDomain(): [number, number] } }).map.getDomain(),
    );
    await page.mouse.wheel(0, -400);
    await page.waitForTimeout(100);
    const after = await page.evaluate(() =>
      (window as unknown as { map: { getDomain(): [number, number] } }).map.getDomain(),
    );
    assert.ok(after[1] - after[0] < before[1] - before[0], `wheel zoomed in: ${before} -> ${after}`);
    // The minimap brush shows the current window.
    const sel = await page.locator('svg .minimap .brush .selection').boundingBox();
    assert.ok(sel && sel.width >= 1, 'minimap window drawn by the brush');
    await page.screenshot({ path: join(PROJECT_ROOT, 'test-artifacts', 'report', 'map-interactive.png') });
    assert.deepEqual(problems, []);
  } finally {
    await browser.close();
  }
});

test('the crosshair reads the exact address under the pointer; Shift+drag measures between two points; Escape clears it', async () => {
  const exe = findChromium(process.env.TDX_LAB_CHROMIUM);
  const bundle = await bundleMap();
  const { host, plan } = plannedGoldenCases('upstream').find((c) => c.name === 'server-2s-256g')!;
  assert.ok(plan.ok);
  const browser = await chromium.launch({ executablePath: exe, args: CHROMIUM_ARGS, headless: true });
  try {
    const page = await browser.newPage({ viewport: { width: 1300, height: 700 } });
    await page.setContent('<!doctype html><html><body style="margin:0"><svg id="m"></svg></body></html>');
    await page.addScriptTag({ content: bundle });
    const t1 = plan.tdmrs[1];
    await page.evaluate(
      ({ host, plan, domain }) => {
        const w = window as unknown as Record<string, unknown> & {
          TdxMap: typeof import('../../renderer/map/index.js');
        };
        const measures: Array<[number, number] | null> = [];
        w.measures = measures;
        const model = w.TdxMap.buildMapModel({ host, plan });
        const map = w.TdxMap.drawMap(document.getElementById('m') as unknown as SVGSVGElement, model, {
          width: 1200,
          height: 420,
          interactive: true,
          onMeasure: (r) => measures.push(r),
        });
        map.setDomain(domain);
      },
      { host, plan, domain: [t1.base, t1.base + t1.size] as [number, number] },
    );
    const box = (await page.locator('svg .track-tdmr .track-bg').boundingBox())!;
    const y = box.y + box.height / 2;
    const addrAt = async (fx: number) => {
      await page.mouse.move(box.x + box.width * fx, y);
      const a = await page.locator('svg .crosshair').getAttribute('data-addr');
      assert.ok(a, 'a crosshair under the pointer');
      assert.equal(await page.locator('svg .crosshair-text').textContent(), a, 'its label is the exact address');
      return BigInt(a);
    };
    const a = await addrAt(0.3);
    const b = await addrAt(0.7);
    // Linear inside TDMR 1 (no collapsed gap there): 40% of the width is 40% of its 1 GiB-aligned size.
    assert.ok(a >= BigInt(t1.base) && b < BigInt(t1.base + t1.size), `${a} and ${b} inside TDMR 1`);
    const share = Number(b - a) / t1.size;
    assert.ok(Math.abs(share - 0.4) < 0.01, `40% of the window apart: ${share}`);

    await page.keyboard.down('Shift');
    await page.mouse.move(box.x + box.width * 0.3, y);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.5, y);
    await page.mouse.move(box.x + box.width * 0.7, y);
    await page.mouse.up();
    await page.keyboard.up('Shift');
    const m = page.locator('svg .measure');
    assert.equal(await m.getAttribute('data-range'), `0x${a.toString(16)},0x${b.toString(16)}`);
    assert.equal(await m.getAttribute('data-length'), `0x${(b - a).toString(16)}`);
    assert.match((await m.textContent()) ?? '', new RegExp(`Δ 0x${(b - a).toString(16)} · \\d`));
    const last = await page.evaluate(() => (window as unknown as { measures: unknown[] }).measures.at(-1));
    assert.deepEqual(last, [Number(a), Number(b)], 'onMeasure reports the range');
    // The measure stays through a pan, and Escape clears it.
    await page.focus('svg#m');
    await page.keyboard.press('ArrowRight');
    assert.equal(await page.locator('svg .measure').count(), 1, 'kept through a pan');
    await page.keyboard.press('Escape');
    assert.equal(await page.locator('svg .measure').count(), 0, 'cleared by Escape');
  } finally {
    await browser.close();
  }
});
