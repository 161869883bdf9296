/**
 * The host editor holds any host (Chromium through `tdx-lab serve`): the
 * fragmented sample opens in the raw table exactly as it is (its 24 holes,
 * not the builder's "typical firmware holes") and still fails with reserved
 * areas exhausted; the saved host is the sample's; compare finds no
 * difference between the two. Raw edits: a bad cell names its JSON path and
 * keeps the last verdict, /proc/iomem lines pasted through the engine's
 * importer replace the layout, and undo brings every raw edit back.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { openLabStore } from '../../main/store/lab-store.js';
import { parseHost } from '../../engine/host/validate.js';
import { analyzeHost } from '../../engine/outcome/analyze.js';
import { loadHostText, SAMPLES_DIR } from '../app/app-helpers.js';
import { openApp, shot, showView, type ViewsSession } from './views-helpers.js';

const SAMPLE = '2s-server-fragmented-low-memory';
const { host: sample } = loadHostText(join(SAMPLES_DIR, `${SAMPLE}.json`));

let s: ViewsSession;
const storeDir = mkdtempSync(join(tmpdir(), 'tdx-lab-views-raw-'));
const storePath = join(storeDir, 'lab.sqlite');

before(async () => {
  s = await openApp(2, { storePath });
});
after(async () => {
  await s?.close();
  rmSync(storeDir, { recursive: true, force: true });
});

const VERDICT = '[data-testid=verdict]';

async function answered(): Promise<number> {
  return Number(await s.page.getAttribute('[data-testid=editor-status]', 'data-answered'));
}

/** Waits until the verdict has answered the latest edit. */
async function settled(n: number): Promise<void> {
  await s.page.waitForFunction((k) => {
    const el = document.querySelector('[data-testid=editor-status]');
    return (
      el &&
      Number(el.getAttribute('data-answered')) >= k &&
      !document.querySelector('[data-testid=verdict][aria-busy=true]')
    );
  }, n);
}

const rowCount = (section: string) => s.page.textContent(`[data-testid=raw-count-${section}]`).then((t) => Number(t));

test('the fragmented sample opens in the raw table unchanged and still fails', async () => {
  const { page } = s;
  await showView(page, 'editor');
  await page.waitForSelector(VERDICT);
  const n = await answered();
  await page.selectOption('[data-testid=editor-start]', SAMPLE);
  await settled(n + 1);
  // The parts cannot express its holes, so it is shown as the rows it is.
  await page.waitForSelector('[data-testid=raw-table]');
  assert.equal(await page.getAttribute('[data-testid=editor-pane-raw]', 'aria-selected'), 'true');
  assert.match((await page.textContent('[data-testid=editor-raw-note]'))!, /low-memory layout below 2 GiB/);
  assert.equal(await rowCount('memblock'), sample.memblock.length);
  assert.equal(await rowCount('reserved'), sample.reserved.length);
  assert.equal(await rowCount('cmrs'), sample.cmrs.length);
  assert.equal(await rowCount('devices'), 0);
  // A hole of the sample is in the table as it is (memblock[2] starts after a 2 MiB hole).
  assert.equal(await page.inputValue('input[aria-label="memblock[2].start"]'), '0x2300000');

  // The verdict is the engine's for the sample itself: reserved areas exhausted in TDMR 0.
  const expected = analyzeHost(sample, 'upstream');
  assert.equal(expected.verdict.ok, false);
  assert.equal(await page.getAttribute(VERDICT, 'data-ok'), 'false');
  assert.equal(await page.textContent('[data-testid=verdict-headline]'), expected.verdict.headline);
  assert.match(expected.verdict.headline, /reserved areas exhausted in TDMR 0.*25 needed, the module allows 16/);
  await page.waitForSelector(`${VERDICT} [data-finding=reserved-areas-exhausted]`);
  await shot(page, 'editor-raw-fragmented');

  // The saved host is the sample, field for field.
  await page.fill('[data-testid=save-session-name]', 'raw');
  await page.click('[data-testid=save-session]');
  const saved = (await (await page.waitForSelector('[data-testid=save-result]')).textContent())!;
  assert.match(saved, /\(TDX fails\)/);
  const store = openLabStore(storePath, { readonly: true });
  try {
    const run = store.listRuns('raw')[0];
    const stored = parseHost(store.getHost(run.hostId!)!.host);
    assert.ok(stored.ok);
    assert.deepEqual(stored.value, sample);
  } finally {
    store.close();
  }

  // Compare: the editor's host against the sample is no difference at all.
  await showView(page, 'compare');
  await page.selectOption('[data-testid=compare-a]', SAMPLE);
  await page.selectOption('[data-testid=compare-b]', 'editor');
  await page.waitForSelector('[data-testid=compare-view] [data-testid=empty-state]:has-text("No differences")');
  assert.equal(await page.getAttribute('[data-testid=compare-verdict-b]', 'data-ok'), 'false');
  await showView(page, 'editor');
  assert.deepEqual(s.errors, []);
});

test('a bad cell names its JSON path and keeps the verdict; undo takes it back', async () => {
  const { page } = s;
  await page.waitForSelector('[data-testid=raw-table]');
  await page.fill('input[aria-label="memblock[1].end"]', '0x2100001');
  const problems = await page.waitForSelector('[data-testid=raw-problems]');
  assert.match((await problems.textContent())!, /\$\.memblock\[1\]\.end: 0x2100001 is not 4 KiB aligned/);
  assert.ok(await page.$eval('[data-testid=raw-rows] tr[data-index="1"]', (tr) => tr.classList.contains('bad')));
  assert.equal(await page.getAttribute(VERDICT, 'data-ok'), 'false', 'the last verdict stays');
  await shot(page, 'editor-raw-problem');
  const n = await answered();
  await page.keyboard.press('Control+z');
  await settled(n + 1);
  assert.equal(await page.$('[data-testid=raw-problems]'), null);
  assert.equal(await page.inputValue('input[aria-label="memblock[1].end"]'), '0x2100000');
});

test('rows added and deleted, /proc/iomem pasted in, every raw edit undone', async () => {
  const { page } = s;
  let n = await answered();
  await page.click('[data-testid=raw-add]');
  await settled(n + 1);
  assert.equal(await rowCount('memblock'), sample.memblock.length + 1);
  // The new row is scrolled into view (the table draws only the rows in view) and valid where it lands.
  const added = sample.memblock.length;
  assert.equal(await page.inputValue(`input[aria-label="memblock[${added}].start"]`), '0x8080000000');
  assert.equal(await page.$('input[aria-label="memblock[0].start"]'), null, 'row 0 is scrolled out and not drawn');
  n = await answered();
  await page.click(`button[aria-label="delete memblock[${added}]"]`);
  await settled(n + 1);
  assert.equal(await rowCount('memblock'), sample.memblock.length);

  // Replace the layout with what /proc/iomem shows on a host without the small holes.
  await page.click('[data-testid=raw-paste] summary');
  await page.fill(
    '[data-testid=raw-paste-text]',
    [
      '00001000-0009efff : System RAM',
      '00100000-7fefffff : System RAM',
      '  01000000-039fffff : Kernel code',
      '100000000-807fffffff : System RAM',
    ].join('\n'),
  );
  n = await answered();
  await page.click('[data-testid=raw-paste-replace]');
  await settled(n + 1);
  const note = (await page.textContent('[data-testid=raw-paste-note]'))!;
  assert.match(note, /Replaced memblock, reserved and devices with 3 memblock regions, 1 reserved range and 0 devices/);
  assert.match(note, /all memory assumed on node 0/, "the importer's own assumption, as it words it");
  assert.equal(await rowCount('memblock'), 3);
  assert.equal(await page.inputValue('input[aria-label="memblock[2].end"]'), '0x8080000000');
  assert.equal(await page.getAttribute(VERDICT, 'data-ok'), 'true', 'without the small holes TDX initializes');
  await shot(page, 'editor-raw-pasted');

  // A paste that is not /proc/iomem is refused in one line, nothing changes.
  await page.fill('[data-testid=raw-paste-text]', 'this is not iomem');
  await page.click('[data-testid=raw-paste-add]');
  assert.match(
    (await (await page.waitForSelector('[data-testid=raw-paste-error]')).textContent())!,
    /^pasted lines: no \/proc\/iomem lines/,
  );
  assert.equal(await rowCount('memblock'), 3);

  // Undo: the paste, the delete, the add — back to the sample, failing again.
  for (const rows of [sample.memblock.length, sample.memblock.length + 1, sample.memblock.length]) {
    n = await answered();
    await page.click('[data-testid=undo]');
    await settled(n + 1);
    assert.equal(await rowCount('memblock'), rows);
  }
  assert.equal(await page.getAttribute(VERDICT, 'data-ok'), 'false');
  n = await answered();
  await page.click('[data-testid=redo]');
  await settled(n + 1);
  assert.equal(await rowCount('memblock'), sample.memblock.length + 1, 'redo re-applies the add');
  // The refused paste is the one 400 the browser logs; nothing else went wrong.
  assert.deepEqual(
    s.errors.filter((e) => !/status of 400 \(Bad Request\)/.test(e)),
    [],
  );
});
