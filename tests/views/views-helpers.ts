/** Shared setup of the planning views' end-to-end tests: serve + Chromium, screenshots, view switching. */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startServer, type RunningServer } from '../../main/serve/server.js';
import { ARTIFACTS, RENDERER_DIR, SAMPLES_DIR, requireRendererBuild } from '../app/app-helpers.js';

export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface ViewsSession {
  server: RunningServer;
  browser: Browser;
  page: Page;
  /** Page errors and console errors seen so far. */
  errors: string[];
  close(): Promise<void>;
}

export async function openApp(workers = 2, extra: { storePath?: string } = {}): Promise<ViewsSession> {
  requireRendererBuild();
  mkdirSync(ARTIFACTS, { recursive: true });
  const server = await startServer({ rendererDir: RENDERER_DIR, samplesDir: SAMPLES_DIR, workers, ...extra });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  const page = await browser.newPage({ viewport: { width: 1440, height: 960 } });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  await page.goto(server.url);
  await page.waitForSelector('[data-testid=view-tabs]');
  return {
    server,
    browser,
    page,
    errors,
    async close() {
      await browser.close();
      await server.close();
    },
  };
}

export async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(ARTIFACTS, `views-${name}.png`) });
}

export async function showView(page: Page, id: 'map' | 'editor' | 'sweeps' | 'timeline' | 'compare'): Promise<void> {
  await page.click(`[data-testid=view-${id}]`);
}
