/**
 * Stored runs tell what was recorded, from the CLI and in the app: a
 * simulate run of CXL hot-added before init keeps its own plan (four TDMRs,
 * 1.25 GiB of PAMT) and its module failure; the ZONE_NORMAL scenario keeps
 * TDX_PAMT_OUTSIDE_CMRS; a plan run listed as failed opens failed; the CXL
 * after-init host opens initialized with 1,024 refused blocks. Screenshots
 * of each go to test-artifacts/.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startServer, type RunningServer } from '../../main/serve/server.js';
import { runTdxLab } from '../helpers/cli.js';
import { PROJECT_ROOT } from '../helpers/golden.js';
import { ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, RENDERER_DIR, SAMPLES_DIR, requireRendererBuild } from './app-helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'tdx-recorded-truth-'));
const db = join(dir, 'lab.db');
const SCENARIOS = join(PROJECT_ROOT, 'resources', 'scenarios');
let server: RunningServer;
let browser: Browser;
let page: Page;
const runs: Record<string, string> = {};

function record(args: string[]): string {
  const r = runTdxLab([...args, '--session', 'truth', '--db', db]);
  assert.ok(r.status === 0 || r.status === 1, r.stderr);
  const m = /recorded run #(\d+)/.exec(r.stderr);
  assert.ok(m, r.stderr);
  return m[1];
}

function reportJson(run: string): Record<string, any> {
  const out = join(dir, `run-${run}.json`);
  const r = runTdxLab(['report', '--session', 'truth', '--run', run, '--db', db, '--out', out]);
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(readFileSync(out, 'utf8'));
}

/** Opens the n-th run of the session (they are listed in the order they were recorded). */
async function openRun(n: number, run: string): Promise<void> {
  await page.getByRole('tab', { name: 'Sessions' }).click();
  await page.click('[data-testid=sessions] button:has-text("truth")');
  await page.locator('[data-testid=runs] button').nth(n).click();
  await page.waitForSelector(`footer:has-text("stored run #${run}")`);
  await page.waitForSelector('svg[data-testid=map][data-level]');
}

before(async () => {
  requireRendererBuild();
  mkdirSync(ARTIFACTS, { recursive: true });
  runs.before = record(['simulate', join(SCENARIOS, 'cxl-hot-added-before-init.json')]);
  runs.normal = record(['simulate', join(SCENARIOS, 'cxl-hot-added-before-init-normal-zone.json')]);
  runs.planFailed = record(['plan', join(SAMPLES_DIR, '2s-server-512g-cxl-before-init.json')]);
  runs.after = record(['plan', join(SAMPLES_DIR, '2s-server-512g-cxl-onlined-after-init.json')]);
  server = await startServer({ rendererDir: RENDERER_DIR, samplesDir: SAMPLES_DIR, workers: 1, storePath: db });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  page = await browser.newPage({ viewport: { width: 1440, height: 960 } });
  await page.goto(server.url);
  await page.waitForSelector('[data-testid=sample-cards]');
});

after(async () => {
  await browser?.close();
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

test('a stored simulate run of CXL hot-added before init reports what the run recorded', async () => {
  const doc = reportJson(runs.before);
  assert.equal(doc.verdict.status_name, 'TDX_TDMR_OUTSIDE_CMRS');
  assert.equal(doc.failure.tdmr.index, 3);
  assert.equal(doc.tdmrs.length, 4, 'TDMRs 0-3: the plan at init, with the CXL memory in it');
  assert.equal(doc.pamt.figure_kb, 1313296, '1.25 GiB of PAMT planned, not the 1 GiB of the boot host');
  assert.ok(doc.findings.some((f: { id: string }) => f.id === 'memory-outside-cmrs'));
  assert.ok(
    !JSON.stringify(doc.findings).includes('onlined after initialization'),
    'nothing about onlining after init',
  );
  assert.ok(doc.provenance.recorded.run === Number(runs.before));

  await openRun(0, runs.before);
  assert.match(
    (await page.textContent('[data-testid=summary]')) ?? '',
    /TDH\.SYS\.CONFIG rejects TDMR 3 with TDX_TDMR_OUTSIDE_CMRS/,
  );
  assert.equal(await page.getAttribute('svg[data-testid=map]', 'data-failed-tdmr'), '3');
  assert.equal(await page.getAttribute('svg[data-testid=map]', 'data-pamt-kb'), '1313296');
  await page.getByRole('tab', { name: 'Findings' }).click();
  await page.screenshot({ path: join(ARTIFACTS, 'truth-stored-simulate-before-init.png') });
});

test('the ZONE_NORMAL scenario keeps TDX_PAMT_OUTSIDE_CMRS and says why the PAMT landed on the CXL node', async () => {
  const doc = reportJson(runs.normal);
  assert.equal(doc.verdict.status_name, 'TDX_PAMT_OUTSIDE_CMRS');
  const f = doc.findings.find((x: { id: string }) => x.id === 'pamt-outside-cmrs');
  assert.match(f.cause, /ZONE_NORMAL, which allows kernel \(GFP_KERNEL\) allocations/);

  await openRun(1, runs.normal);
  assert.match((await page.textContent('[data-testid=summary]')) ?? '', /TDX_PAMT_OUTSIDE_CMRS \(PAMT 1G\)/);
  await page.getByRole('tab', { name: 'Findings' }).click();
  assert.match((await page.textContent('[data-testid=findings]')) ?? '', /landed on cxl0, outside every CMR/);
  await page.screenshot({ path: join(ARTIFACTS, 'truth-stored-simulate-normal-zone.png') });
});

test('a plan run listed as failed opens failed; the after-init run opens initialized with refused blocks', async () => {
  await page.getByRole('tab', { name: 'Sessions' }).click();
  assert.match((await page.locator('[data-testid=runs] button').nth(2).textContent()) ?? '', /failed/);
  await openRun(2, runs.planFailed);
  assert.equal(await page.getAttribute('[data-testid=summary]', 'data-level'), 'error');

  await page.getByRole('tab', { name: 'Sessions' }).click();
  assert.match((await page.locator('[data-testid=runs] button').nth(3).textContent()) ?? '', /\bok\b/);
  await openRun(3, runs.after);
  assert.equal(await page.getAttribute('[data-testid=summary]', 'data-level'), 'warning');
  assert.match((await page.getAttribute('svg[data-testid=map]', 'data-blocks')) ?? '', /refused:1024/);
  const doc = reportJson(runs.after);
  assert.equal(doc.verdict.level, 'warning');
  assert.equal(doc.memory_blocks.refused, 1024);
  await page.getByRole('tab', { name: 'Findings' }).click();
  await page.screenshot({ path: join(ARTIFACTS, 'truth-stored-plan-after-init.png') });
});
