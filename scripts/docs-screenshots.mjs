// Takes docs/app.md's screenshots, one per view, through `tdx-lab serve`
// and Debian's Chromium (the same setup as tests/views), into docs/images/.
// Run after `npm run build`:   node scripts/docs-screenshots.mjs
// 1440×900 (the tests' width) at scale 1 keeps each PNG near 150 KB.
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = join(root, 'dist');
const out = join(root, 'docs', 'images');
const samples = join(root, 'resources', 'hosts');
const FRAGMENTED = '2s-server-fragmented-low-memory';

const { startServer } = await import(join(dist, 'main/serve/server.js'));
const { openLabStore } = await import(join(dist, 'main/store/lab-store.js'));
const { recordRun } = await import(join(dist, 'main/store/record-run.js'));
const { analyzeHost } = await import(join(dist, 'engine/outcome/analyze.js'));
const { parseHost } = await import(join(dist, 'engine/host/validate.js'));

mkdirSync(out, { recursive: true });
const storeDir = mkdtempSync(join(tmpdir(), 'tdx-lab-docs-'));
const storePath = join(storeDir, 'lab.sqlite');
const parsed = parseHost(JSON.parse(readFileSync(join(samples, `${FRAGMENTED}.json`), 'utf8')));
if (!parsed.ok) throw new Error(`${FRAGMENTED}.json: ${JSON.stringify(parsed.problems[0])}`);
const host = parsed.value;
const store = openLabStore(storePath);
for (const [variant, label] of [
  ['upstream', 'upstream try'],
  ['cmr-holes', 'cmr-holes try'],
]) {
  recordRun(store, 'fragmented', { kind: 'plan', host, variant, outcome: analyzeHost(host, variant), label });
}
store.addNote('fragmented', { text: 'BIOS 2.1 leaves 24 holes below 2 GiB; upstream runs out of reserved areas' });
store.close();

const server = await startServer({ rendererDir: join(dist, 'app'), samplesDir: samples, workers: 1, storePath });
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  await page.goto(server.url);
  await page.waitForSelector('[data-testid=view-tabs]');
  const view = (id) => page.click(`[data-testid=view-${id}]`);
  const shot = async (name) => {
    const file = join(out, `app-${name}.png`);
    await page.waitForTimeout(300); // let transitions and late layout settle
    await page.screenshot({ path: file });
    console.log(file);
  };

  // Map: the fragmented host, failing on upstream.
  await page.selectOption('[data-testid=sample-select]', FRAGMENTED);
  await page.waitForSelector(`[data-testid=summary][data-host="${FRAGMENTED}"]`);
  // Select the failing TDMR from its finding: the details panel explains it.
  await page.click('text=TDMR 0: [0x0, 0x40000000) 1 GiB');
  await shot('map');

  // Host editor: the same host in the raw table, still failing.
  await view('editor');
  await page.selectOption('[data-testid=editor-start]', FRAGMENTED);
  await page.waitForSelector('[data-testid=raw-table]');
  await page.waitForSelector('[data-testid=verdict] [data-finding=reserved-areas-exhausted]');
  await shot('editor');

  // Sweeps: the first preset (100 combinations) on the 2-socket sample.
  await view('sweeps');
  await page.selectOption('[data-testid=sweep-base]', '2s-server-512g');
  await page.click('[data-testid=preset-0]');
  await page.waitForSelector('[data-testid=sweep-run]:not([disabled])');
  await page.click('[data-testid=sweep-run]');
  await page.waitForSelector('[data-testid=sweep-summary]', { timeout: 120_000 });
  await shot('sweeps');

  // Hotplug timeline: the default scenario, scrubbed to its end.
  await view('timeline');
  await page.waitForSelector('svg[data-testid=timeline-chart] .event');
  await page.focus('[data-testid=timeline-scrub]');
  await page.keyboard.press('End');
  await shot('timeline');

  // Compare: the host on the map, upstream against cmr-holes in one click.
  await view('compare');
  await page.selectOption('[data-testid=compare-a]', 'map');
  await page.click('[data-testid=compare-kernels]');
  await page.waitForSelector('[data-testid=compare-diff] tr[data-section=finding]');
  await shot('compare');

  // Sessions tab: notes, and the diff of two picked runs.
  await view('map');
  await page.getByRole('tab', { name: 'Sessions' }).click();
  await page.click('[data-testid=sessions] button:has-text("fragmented")');
  await page.waitForSelector('[data-testid=session-notes] li');
  await page.click('[data-testid=runs] li:nth-child(1) [data-testid^=pick-a-]');
  await page.click('[data-testid=runs] li:nth-child(2) [data-testid^=pick-b-]');
  await shot('sessions');
  await page.click('[data-testid=diff-runs]');
  await page.waitForSelector('[data-testid=run-diff]');
  await shot('sessions-diff');
} finally {
  await browser.close();
  await server.close();
  rmSync(storeDir, { recursive: true, force: true });
}
