/**
 * The app's map speed in Chromium via `tdx-lab serve` (issue: the desktop
 * app): a 100,000-region host, time from opening the file to the drawn map,
 * the first drawMap alone, and one zoom step (a '+' key on the map, which
 * redraws synchronously). Goals: first render < 500 ms, zoom step < 50 ms.
 */
import { performance } from 'node:perf_hooks';
import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { contiguousHost } from '../../engine/host/synthetic.js';
import { hostToJson } from '../../engine/format/host-json.js';
import { startServer } from '../../main/serve/server.js';
import { CHROMIUM, CHROMIUM_ARGS } from '../app/app-helpers.js';
import type { Report } from './run.js';
import type { TdxLabApi } from '../../main/common/api-contract.js';

declare global {
  // The page's API object (the serve bridge), reached from page.evaluate.
  var tdxLab: TdxLabApi | undefined;
}

const MAP = 'svg[data-testid=map]';

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

export async function run(report: Report): Promise<void> {
  if (!existsSync(CHROMIUM)) throw new Error(`the app bench needs Chromium at ${CHROMIUM}`);
  const host = contiguousHost({ regions: 100_000, maxTdmrs: 8192, maxReservedPerTdmr: 1024 });
  const text = JSON.stringify(hostToJson(host));
  const server = await startServer({});
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  try {
    const page = await browser.newPage({ viewport: { width: 1440, height: 960 } });
    await page.goto(server.url);
    await page.waitForSelector('[data-testid=empty-state]');
    const t0 = performance.now();
    await page.setInputFiles('[data-testid=file-input]', {
      name: 'synthetic-100k.json',
      mimeType: 'application/json',
      buffer: Buffer.from(text),
    });
    await page.waitForSelector(`[data-testid=summary][data-host="${host.name}"]`, { timeout: 120_000 });
    await page.waitForSelector(`${MAP} .plot rect`);
    const openMs = performance.now() - t0;
    const drawMs = Number(await page.getAttribute(MAP, 'data-render-ms'));
    report('100,000 regions: open file → map drawn (plan + transfer + draw)', `${openMs.toFixed(0)} ms`);
    report('100,000 regions: first render (drawMap)', `${drawMs.toFixed(1)} ms`);
    const apiMs = await page.evaluate(async (hostJson) => {
      const t = performance.now();
      await window.tdxLab!.analyze({ text: hostJson, variant: 'upstream' });
      return performance.now() - t;
    }, text);
    report(
      '100,000 regions: analyze round trip (parse, validate, plan, init, findings; the Outcome back)',
      `${apiMs.toFixed(0)} ms`,
    );

    const steps: number[] = await page.evaluate((sel) => {
      const svg = document.querySelector(sel) as SVGSVGElement;
      const out: number[] = [];
      for (const key of ['+', '+', '+', '+', '-', '-', '-', '-', '+', '+', '-', '-']) {
        const t = performance.now();
        svg.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true }));
        out.push(performance.now() - t);
      }
      return out;
    }, MAP);
    report('100,000 regions: zoom step (median of 12)', `${median(steps).toFixed(1)} ms`);
    report('100,000 regions: zoom step (slowest of 12)', `${Math.max(...steps).toFixed(1)} ms`);
  } finally {
    await browser.close();
    await server.close();
  }
}
