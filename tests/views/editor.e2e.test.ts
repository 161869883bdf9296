/**
 * The host editor end to end (Chromium through `tdx-lab serve`): start from
 * the 2-socket sample, add a CXL device, the verdict turns to the module's
 * refusal with its status and the culprit highlighted; undo (button and
 * Ctrl+Z) restores success, redo brings the failure back; inline validation.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { buildHost } from '../../engine/planning/host-builder.js';
import { specFromHost } from '../../engine/planning/spec-from-host.js';
import { initTdx } from '../../engine/flow/init.js';
import { join } from 'node:path';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { openLabStore } from '../../main/store/lab-store.js';
import { loadHostText, SAMPLES_DIR } from '../app/app-helpers.js';
import { openApp, shot, type ViewsSession } from './views-helpers.js';

let s: ViewsSession;
const storeDir = mkdtempSync(join(tmpdir(), 'tdx-lab-views-'));
const storePath = join(storeDir, 'lab.sqlite');

before(async () => {
  s = await openApp(2, { storePath });
});
after(async () => {
  await s?.close();
  rmSync(storeDir, { recursive: true, force: true });
});

const VERDICT = '[data-testid=verdict]';

async function verdictOk(): Promise<string | null> {
  return s.page.getAttribute(VERDICT, 'data-ok');
}

/** Waits until the verdict has answered the latest edit. */
async function settled(answered: number): Promise<void> {
  await s.page.waitForFunction((n) => {
    const el = document.querySelector('[data-testid=editor-status]');
    return (
      el &&
      Number(el.getAttribute('data-answered')) >= n &&
      !document.querySelector('[data-testid=verdict][aria-busy=true]')
    );
  }, answered);
}

async function answered(): Promise<number> {
  return Number(await s.page.getAttribute('[data-testid=editor-status]', 'data-answered'));
}

test('from the 2-socket sample, adding a CXL device turns the verdict to the module refusal; undo restores success', async () => {
  const { page } = s;
  await page.keyboard.press('Shift+Digit2'); // the view shortcut
  await page.waitForSelector('[data-testid=view-editor][aria-selected=true]');
  await page.waitForSelector(VERDICT);
  let n = await answered();
  await page.selectOption('[data-testid=editor-start]', '2s-server-512g');
  await settled(n + 1);
  assert.equal(await verdictOk(), 'true');
  assert.match((await page.textContent('[data-testid=verdict-headline]'))!, /^TDX initializes/);
  await page.waitForSelector('svg[data-testid=editor-map] .plot rect.tdmr[data-id]');
  await shot(page, 'editor-sample-ok');

  // What the engine says for the same edit, built the same way.
  const { host } = loadHostText(join(SAMPLES_DIR, '2s-server-512g.json'));
  const { spec } = specFromHost(host);
  spec.devices.push({ name: 'cxl0', kind: 'cxl', sizeGiB: 128, hotAdd: 'before-init' });
  const expected = initTdx(buildHost(spec));
  assert.equal(expected.ok, false);

  n = await answered();
  await page.click('[data-testid=add-cxl]');
  await settled(n + 1);
  assert.equal(await verdictOk(), 'false');
  const status = await page.textContent('[data-testid=verdict-status]');
  assert.ok(status?.includes(expected.statusName!) && status.includes(expected.status!), `status shown: ${status}`);
  const facts = (await page.textContent('[data-testid=verdict-facts]'))!;
  assert.match(facts, /TDH\.SYS\.CONFIG/);
  assert.match(facts, /module initialization failed/);
  // The finding says why, in words, with its id; its evidence is what the map highlights.
  const findings = (await page.textContent(`${VERDICT} [data-testid=findings]`))!;
  assert.match(findings, /TDMR 3 holds memory outside every CMR \(cxl0\)/);
  assert.match(findings, /memory-outside-cmrs/);
  // The culprit is highlighted on the map (the TDMR the module refused, the CXL memory).
  await page.waitForSelector('svg[data-testid=editor-map] rect[data-id="dev-cxl0"].highlighted');
  const highlighted = await page.$$eval('svg[data-testid=editor-map] [data-id].highlighted', (els) =>
    els.map((e) => e.getAttribute('data-id')),
  );
  assert.ok(highlighted.includes('tdmr-3'), `the refused TDMR is highlighted: ${highlighted.join(', ')}`);
  await shot(page, 'editor-cxl-failure');

  n = await answered();
  await page.click('[data-testid=undo]');
  await settled(n + 1);
  assert.equal(await verdictOk(), 'true', 'undo restores success');
  assert.equal(await page.$('[data-testid=device-0]'), null);

  n = await answered();
  await page.keyboard.press('Control+Shift+Z');
  await settled(n + 1);
  assert.equal(await verdictOk(), 'false', 'redo brings the CXL device back');
  n = await answered();
  await page.keyboard.press('Control+z');
  await settled(n + 1);
  assert.equal(await verdictOk(), 'true', 'Ctrl+Z undoes');
});

test('inline validation names the field and keeps the last verdict; fixing it re-plans', async () => {
  const { page } = s;
  await page.fill('[data-testid=field-sockets]', '0');
  const msg = await page.waitForSelector('[data-testid=problem-sockets]');
  assert.match((await msg.textContent())!, /^sockets: must be a whole number from 1 to 8/);
  assert.equal(await verdictOk(), 'true');
  const n = await answered();
  await page.fill('[data-testid=field-sockets]', '4');
  await settled(n + 1);
  assert.equal(await page.$('[data-testid=problem-sockets]'), null);
  const nodes = await page.$$eval('[data-testid=verdict-pamt] tbody tr:not(.total) td:first-child', (tds) =>
    tds.map((td) => td.textContent),
  );
  assert.deepEqual(nodes, ['0', '1', '2', '3'], 'four sockets give nodes 0-3');
  await shot(page, 'editor-4-sockets');
  assert.deepEqual(s.errors, []);
});

test('save to the session records the edited host as a run in the lab store', async () => {
  const { page } = s;
  await page.fill('[data-testid=save-session-name]', 'cxl planning');
  await page.click('[data-testid=save-session]');
  const note = await page.waitForSelector('[data-testid=save-result]');
  const text = (await note.textContent())!;
  const m = /^Saved as run (\d+) in session “cxl planning” \(TDX initializes\)/.exec(text);
  assert.ok(m, text);
  const store = openLabStore(storePath);
  try {
    const session = store.listSessions().find((x) => x.name === 'cxl planning');
    assert.ok(session, 'the session was created');
    assert.equal(session.runCount, 1);
  } finally {
    store.close();
  }
  assert.deepEqual(s.errors, []);
});

test('compare: the saved run against the editor host shows no differences; against the plain sample it does', async () => {
  const { page } = s;
  // Open the session so its runs are offered as hosts to compare.
  await page.click('[data-testid=view-map]');
  await page.getByRole('tab', { name: 'Sessions' }).click();
  await page.click('[data-testid=sessions] button:has-text("cxl planning")');
  await page.waitForSelector('[data-testid=runs] button');
  await page.click('[data-testid=view-compare]');
  const runOption = await page.$eval(
    '[data-testid=compare-a]',
    (sel) => [...(sel as HTMLSelectElement).options].find((o) => o.value.startsWith('run:'))?.value,
  );
  assert.ok(runOption, 'recorded runs are offered');
  await page.selectOption('[data-testid=compare-a]', runOption);
  await page.waitForSelector('[data-testid=compare-view] [data-testid=empty-state]:has-text("No differences")');
  await page.selectOption('[data-testid=compare-a]', '2s-server-512g');
  await page.waitForSelector('[data-testid=compare-diff] tr[data-section=memblock]');
  await shot(page, 'compare-run');
  assert.deepEqual(s.errors, []);
});
