/**
 * The map at scale, in Chromium via `tdx-lab serve` (issue 15): hosts of
 * 100,000 and 1,000,000 regions, generated here (never committed).
 *
 *  - the app as the user opens a file (file input → the document worker →
 *    the map drawn in the page), with the time of each phase (page and
 *    Node side), the page's JS heap after, and zoom/pan frames as keys on
 *    the map, each with the time until its level-of-detail window is drawn;
 *  - the document path (main/workers/documents.ts): the file read in the
 *    page and opened in its own worker (parse, validate, analyse, map
 *    index), the slim Outcome and overview back, then level-of-detail
 *    windows asked for as a zoom/pan would (mapWindow round trips).
 *
 * Goals for 1,000,000 regions: open < 3 s, heap < 600 MB, worst frame
 * < 50 ms. The figures are printed as measured, goals met or not.
 */
import { performance } from 'node:perf_hooks';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Page } from 'playwright-core';
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
/** Longest a step may take before the figure reads "did not finish". */
const CAP_MS = 240_000;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = (x: number) => `${x.toFixed(x < 100 ? 1 : 0)} ms`;
const mb = (x: number) => `${(x / 1e6).toFixed(0)} MB`;

async function heap(page: Page): Promise<number> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('HeapProfiler.collectGarbage');
  const h = (await cdp.send('Runtime.getHeapUsage')) as { usedSize: number };
  await cdp.detach();
  return h.usedSize;
}

/** What the page saw while a file opened: page-side times (ms from the file input's change event) and the Node side's phases. */
interface OpenTimeline {
  send: number;
  answer: number;
  drawn: number;
  progress: Array<{ phase: string; at: number }>;
  phases: Array<{ phase: string; ms: number }>;
}

async function appPath(page: Page, label: string, file: string, hostName: string, report: Report) {
  // Page-side clock: from the file input's change event (the file chosen) to the map drawn.
  await page.evaluate(
    ([sel, host]) => {
      const w = window as unknown as { openTimeline: Promise<OpenTimeline> };
      w.openTimeline = new Promise((done) => {
        const progress: OpenTimeline['progress'] = [];
        let t0 = 0;
        document.querySelector(sel)!.addEventListener(
          'change',
          () => {
            t0 = performance.now();
            window.tdxLab!.onProgress((e) => progress.push({ phase: e.phase, at: performance.now() - t0 }));
            const poll = () => {
              const drawn =
                document.querySelector('[data-testid=summary]')?.getAttribute('data-host') === host &&
                document.querySelector('svg[data-testid=map] .plot rect');
              if (!drawn) return requestAnimationFrame(poll);
              const at = (name: string) => performance.getEntriesByName(name).at(-1) as PerformanceMark | undefined;
              done({
                send: (at('tdx-open-send')?.startTime ?? NaN) - t0,
                answer: (at('tdx-open-answer')?.startTime ?? NaN) - t0,
                drawn: performance.now() - t0,
                progress,
                phases: (at('tdx-open-answer')?.detail as OpenTimeline['phases']) ?? [],
              });
            };
            requestAnimationFrame(poll);
          },
          { capture: true, once: true },
        );
      });
    },
    ['[data-testid=file-input]', hostName] as const,
  );
  await page.setInputFiles('[data-testid=file-input]', file);
  let tl: OpenTimeline;
  try {
    tl = await Promise.race([
      page.evaluate(() => (window as unknown as { openTimeline: Promise<OpenTimeline> }).openTimeline),
      new Promise<never>((_, no) => setTimeout(() => no(new Error('cap')), CAP_MS)),
    ]);
  } catch {
    report(`${label}: app, file chosen → map drawn`, `did not finish in ${CAP_MS / 1000} s`);
    return;
  }
  report(`${label}: app, file chosen → map drawn`, ms(tl.drawn));
  report(`${label}:   page reads the file (File.text)`, ms(tl.send));
  const first = tl.progress.find((p) => p.phase === 'read')?.at ?? NaN;
  report(`${label}:   text over the bridge to the Node side`, ms(first - tl.send));
  for (const p of tl.phases) report(`${label}:   node: ${p.phase}`, ms(p.ms));
  const done = tl.progress.find((p) => p.phase === 'done')?.at ?? NaN;
  report(`${label}:   answer over the bridge, parsed in the page`, ms(tl.answer - done));
  report(`${label}:   page: state, map model and first draw`, ms(tl.drawn - tl.answer));
  report(`${label}: app, page JS heap after (CDP, after GC)`, mb(await heap(page)));
  // A frame's cost: the key's own handling plus the script that runs in the
  // next animation frame (the map's redraw, deferred to it). For a big host
  // each step also asks for its window: "key → window drawn" is the time
  // until the detailed window for the new domain is on screen.
  const steps: Array<{ frame: number; window: number }> = await page.evaluate(async (sel) => {
    const svg = document.querySelector(sel) as SVGSVGElement;
    svg.focus();
    const out: Array<{ frame: number; window: number }> = [];
    const keys = ['+', '+', '+', 'ArrowRight', 'ArrowRight', 'ArrowLeft', '+', '-', 'ArrowLeft', '-', '-', '-'];
    const windowed = svg.hasAttribute('data-window');
    for (const key of [...keys, ...keys]) {
      const t = await new Promise<number>((go) => requestAnimationFrame(() => go(performance.now())));
      svg.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true }));
      const sync = performance.now() - t;
      const frame = await new Promise<number>((done) =>
        requestAnimationFrame((ts) => done(sync + (performance.now() - ts))),
      );
      let win = NaN;
      if (windowed) {
        win = await new Promise<number>((done) => {
          const poll = () => {
            const w = svg.getAttribute('data-window');
            if (w && w !== 'pending' && w === svg.getAttribute('data-domain')) done(performance.now() - t);
            else requestAnimationFrame(poll);
          };
          poll();
        });
      }
      out.push({ frame, window: win });
    }
    return out;
  }, MAP);
  const frames = steps.map((x) => x.frame);
  report(`${label}: app, zoom/pan frame (median of ${frames.length})`, ms(median(frames)));
  report(`${label}: app, zoom/pan frame (worst of ${frames.length})`, ms(Math.max(...frames)));
  const wins = steps.map((x) => x.window).filter((x) => !Number.isNaN(x));
  if (wins.length) {
    report(`${label}: app, key → its window drawn (median of ${wins.length})`, ms(median(wins)));
    report(`${label}: app, key → its window drawn (worst of ${wins.length})`, ms(Math.max(...wins)));
  }
}

async function documentPath(page: Page, label: string, file: string, report: Report) {
  // A file input of the bench's own, so the page reads the file as the app would.
  await page.evaluate(() => {
    const i = document.createElement('input');
    i.type = 'file';
    i.id = 'bench-file';
    document.body.append(i);
  });
  await page.setInputFiles('#bench-file', file);
  const r = await page.evaluate(async () => {
    const f = (document.getElementById('bench-file') as HTMLInputElement).files![0];
    const t0 = performance.now();
    const text = await f.text();
    const opened = (await window.tdxLab!.openDocument({
      requestId: 'bench',
      text,
      variant: 'upstream',
      source: f.name,
    })) as {
      cancelled: boolean;
      docId: string;
      outcome: { host: { memblock: unknown[] } };
      brief: { overview: { top: number } } | null;
    };
    const openMs = performance.now() - t0;
    if (opened.cancelled || !opened.brief) return { openMs, slim: false, frames: [] as number[] };
    const top = opened.brief.overview.top;
    const frames: number[] = [];
    let [a, b] = [0, top];
    for (let k = 0; k < 24; k++) {
      const span = b - a;
      if (k % 3 === 2) [a, b] = [Math.min(top - span, a + span / 10), Math.min(top, b + span / 10)];
      else if (k < 12) [a, b] = [a + span / 4, b - span / 4];
      else [a, b] = [Math.max(0, a - span / 2), Math.min(top, b + span / 2)];
      const t = performance.now();
      await window.tdxLab!.mapWindow({
        docId: opened.docId,
        domain: [Math.floor(a), Math.ceil(b)],
        pixels: 820,
        compressHoles: true,
      });
      frames.push(performance.now() - t);
    }
    await window.tdxLab!.closeDocument({ docId: opened.docId });
    return { openMs, slim: true, frames };
  });
  report(`${label}: document worker, file chosen → slim Outcome + overview`, ms(r.openMs));
  if (!r.slim) return;
  report(`${label}: document worker, page JS heap after (CDP, after GC)`, mb(await heap(page)));
  report(`${label}: document worker, window round trip (median of ${r.frames.length})`, ms(median(r.frames)));
  report(`${label}: document worker, window round trip (worst of ${r.frames.length})`, ms(Math.max(...r.frames)));
}

export async function run(report: Report): Promise<void> {
  if (!existsSync(CHROMIUM)) throw new Error(`the map bench needs Chromium at ${CHROMIUM}`);
  const dir = mkdtempSync(join(tmpdir(), 'tdx-lab-bench-'));
  const server = await startServer({ workers: 1 });
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [...CHROMIUM_ARGS, '--js-flags=--max-old-space-size=8192'],
  });
  try {
    const only = process.env.MAP_BENCH_SIZES?.split(',').map(Number) ?? [100_000, 1_000_000];
    for (const regions of only) {
      const host = contiguousHost({ regions, maxTdmrs: 65536, maxReservedPerTdmr: 8192 });
      const file = join(dir, `synthetic-${regions}.json`);
      writeFileSync(file, JSON.stringify(hostToJson(host)));
      const label = `${regions.toLocaleString('en-US')} regions`;
      for (const path of ['document', 'app'] as const) {
        const page = await browser.newPage({ viewport: { width: 1440, height: 960 } });
        await page.goto(server.url);
        await page.waitForSelector('[data-testid=empty-state]');
        if (path === 'app') await appPath(page, label, file, host.name, report);
        else await documentPath(page, label, file, report);
        await page.close();
      }
      rmSync(file);
    }
  } finally {
    await browser.close();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
