/**
 * Issue 14 in the app (through `tdx-lab serve`, Debian Chromium): imported
 * artifacts open on the evidence panel. The #135 system report shows both
 * boots, each printed beside predicted on its own kernel (upstream fails,
 * cmr-holes initializes with 1050644 KB); CLI text, r.json, r.md and the app
 * show the same evidence items with the same verdicts; a dmesg alone (#415)
 * opens on what it printed, not a dead end; the Sessions tab lists an
 * imported host's run with its check verdict, as record-run kept it.
 * Screenshots go to test-artifacts/.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startServer, type RunningServer } from '../../main/serve/server.js';
import { runTdxLab } from '../helpers/cli.js';
import { FIXTURES } from '../helpers/golden.js';
import { ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, RENDERER_DIR, SAMPLES_DIR, requireRendererBuild } from './app-helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'tdx-evidence-e2e-'));
const db = join(dir, 'lab.db');
const H135 = join(FIXTURES, 'real-hosts', 'canonical-tdx-135-emr-fox-creek-pass.txt');
const H415 = join(FIXTURES, 'real-hosts', 'canonical-tdx-415-gnr-reserved-exhausted.txt');
let server: RunningServer;
let browser: Browser;
let page: Page;

/** Each boot's items as [label, verdict] (verdict spelled agree / disagree / cannot check). */
type Items = [string, string][][];

const word = (v: string) => (v === 'cannot-check' ? 'cannot check' : v);

before(async () => {
  requireRendererBuild();
  mkdirSync(ARTIFACTS, { recursive: true });
  // The imported host is kept as a run: the Sessions tab must list it with its check verdict.
  const imp = runTdxLab(['import', H135, '--out', join(dir, 'h135.json'), '--session', 'evidence', '--db', db]);
  assert.equal(imp.status, 0, imp.stderr);
  server = await startServer({ rendererDir: RENDERER_DIR, samplesDir: SAMPLES_DIR, workers: 1, storePath: db });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  page = await browser.newPage({ viewport: { width: 1440, height: 1100 } });
  await page.goto(server.url);
  await page.waitForSelector('[data-testid=sample-cards]');
});

after(async () => {
  await browser?.close();
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function importInApp(file: string): Promise<void> {
  await page.setInputFiles('[data-testid=file-input]', {
    name: basename(file),
    mimeType: 'text/plain',
    buffer: readFileSync(file),
  });
}

test('#135 system report: both boots printed beside predicted, each on its own kernel; the same items in CLI text, r.json, r.md and the app', async () => {
  await importInApp(H135);
  await page.waitForSelector('[data-testid=evidence] [data-testid=evidence-boot][data-boot="2"]', { timeout: 60_000 });
  const boots = page.locator('[data-testid=evidence-boot]');
  assert.equal(await boots.count(), 2);
  const b1 = boots.nth(0);
  const b2 = boots.nth(1);
  assert.equal(await b1.getAttribute('data-variant'), 'upstream');
  assert.equal(await b1.getAttribute('data-verdict'), 'disagree');
  assert.equal(await b2.getAttribute('data-variant'), 'cmr-holes');
  assert.equal(await b2.getAttribute('data-verdict'), 'agree');
  assert.match(await b1.innerText(), /6\.8\.0-1004-intel/);
  assert.match(await b2.innerText(), /6\.8\.0-1006-intel/);
  const pamt = b2.locator('tr[data-item=pamt] td');
  assert.match(await pamt.nth(1).innerText(), /1050644 KB/, 'printed');
  assert.match(await pamt.nth(2).innerText(), /1050644 KB/, 'predicted');
  assert.equal(await b2.locator('tr[data-item=pamt]').getAttribute('data-verdict'), 'agree');
  // The assumptions are a list, and the facts say their basis.
  assert.ok((await page.locator('[data-testid=evidence-assumptions] li').count()) > 0);
  assert.ok((await page.locator('[data-testid=evidence-facts] li[data-basis=assumed]').count()) > 0);
  assert.ok((await page.locator('[data-testid=readiness] tr[data-check]').count()) > 0);
  await page.screenshot({ path: join(ARTIFACTS, 'evidence-135-boot1.png') });
  await b2.locator('tr[data-item=pamt]').scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(ARTIFACTS, 'evidence-135-boot2.png') });

  const app: Items = await page.evaluate(() =>
    [...document.querySelectorAll('[data-testid=evidence-boot]')].map((b) =>
      [...b.querySelectorAll('tr[data-item]')].map((tr) => {
        const v = tr.getAttribute('data-verdict')!;
        return [tr.querySelector('td')!.textContent!.trim(), v === 'cannot-check' ? 'cannot check' : v] as [
          string,
          string,
        ];
      }),
    ),
  );

  // r.json and r.md of the same recorded host; the CLI text of check.
  const host = join(dir, 'h135.json');
  for (const ext of ['json', 'md']) {
    const r = runTdxLab(['report', host, '--out', join(dir, `r.${ext}`)]);
    assert.equal(r.status, 0, r.stderr);
  }
  const doc = JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8'));
  const json: Items = doc.recorded.boots.map((b: { items: { label: string; verdict: string }[] }) =>
    b.items.map((i) => [i.label, word(i.verdict)]),
  );
  const md: Items = [];
  let inTable = false;
  for (const line of readFileSync(join(dir, 'r.md'), 'utf8').split('\n')) {
    if (line.startsWith('| item | printed')) {
      md.push([]);
      inTable = true;
    } else if (inTable && line.startsWith('|---')) continue;
    else if (inTable && line.startsWith('| ')) {
      const cells = line.split(' | ').map((c) => c.replace(/^\| ?/, '').trim());
      md[md.length - 1].push([cells[0], cells[3].replace(/^[✓✗?] /, '').toLowerCase()]);
    } else inTable = false;
  }
  const check = runTdxLab(['check', host]);
  const text: Items = [];
  for (const line of check.stdout.split('\n')) {
    if (/^\S.*\[[a-z-]+\]: /.test(line)) text.push([]);
    const m = /^ {2}(\S.*?): (agree|disagree|cannot check)$/i.exec(line);
    if (m && text.length) text[text.length - 1].push([m[1], m[2].toLowerCase()]);
  }
  assert.equal(json.length, 2);
  assert.ok(json[1].some(([l, v]) => l === 'PAMT' && v === 'agree'));
  assert.deepEqual(app, json, 'the app shows the evidence of r.json');
  assert.deepEqual(md, json, 'r.md shows the evidence of r.json');
  assert.deepEqual(text, json, `the CLI text shows the evidence of r.json:\n${check.stdout}`);
});

test('#415 dmesg alone opens on what it printed (observed), with the failure decoded and what to add', async () => {
  await importInApp(H415);
  await page.waitForSelector('[data-testid=observed-evidence] [data-testid=evidence]', { timeout: 60_000 });
  const panel = page.locator('[data-testid=observed-evidence]');
  assert.match(await page.locator('[data-testid=summary-headline]').innerText(), /reserved areas exhausted/);
  assert.match(await panel.locator('[data-testid=decoded]').innerText(), /-ENOSPC|-28/);
  assert.match(await panel.innerText(), /\/proc\/iomem/);
  assert.doesNotMatch(await page.locator('body').innerText(), /cannot build a host/);
  await page.screenshot({ path: join(ARTIFACTS, 'evidence-415-dmesg-only.png') });
});

test('the Sessions tab lists the imported host with its check verdict, as the run recorded it', async () => {
  await page.getByRole('tab', { name: 'Sessions' }).click();
  await page.click('[data-testid=sessions] button:has-text("evidence")');
  const check = page.locator('[data-testid=runs] [data-testid=run-check]').first();
  await check.waitFor();
  assert.equal(await check.getAttribute('data-verdict'), 'disagree');
  assert.match((await check.getAttribute('title')) ?? '', /boot/);
  // Beside the check, the stored status is labelled as the emulator's, not as what the host printed.
  const row = page
    .locator('[data-testid=runs] li.run')
    .filter({ has: page.locator('[data-testid=run-check]') })
    .first();
  assert.match(await row.locator('.status').innerText(), /^emulated: /);
  const sessionRow = page.locator('[data-testid=sessions] button:has-text("evidence")');
  assert.doesNotMatch(await sessionRow.innerText(), /\b1 runs\b/);
  await page.screenshot({ path: join(ARTIFACTS, 'evidence-sessions.png') });
});
