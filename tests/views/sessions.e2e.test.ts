/**
 * The Sessions tab (Chromium through `tdx-lab serve`): a session's notes
 * (about the session and about a run) land in the notebook; two picked runs
 * are diffed as the store diffs them, in the CLI's words; "compare these two
 * runs" opens compare with both stored runs as recorded; a diff of two
 * sessions; rename; delete asks first and can be undone.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { openLabStore } from '../../main/store/lab-store.js';
import { recordRun } from '../../main/store/record-run.js';
import { diffRunStatus, diffBytes } from '../../main/common/run-diff-words.js';
import { analyzeHost } from '../../engine/outcome/analyze.js';
import { loadHostText, SAMPLES_DIR } from '../app/app-helpers.js';
import { openApp, shot, showView, type ViewsSession } from './views-helpers.js';

const { host } = loadHostText(join(SAMPLES_DIR, '2s-server-fragmented-low-memory.json'));
const storeDir = mkdtempSync(join(tmpdir(), 'tdx-lab-views-sessions-'));
const storePath = join(storeDir, 'lab.sqlite');
const ids = { upstream: 0, cmrHoles: 0 };

let s: ViewsSession;
before(async () => {
  const store = openLabStore(storePath);
  try {
    for (const [session, variant, label] of [
      ['fragmented', 'upstream', 'upstream try'],
      ['fragmented', 'cmr-holes', 'cmr-holes try'],
      ['retest', 'upstream', 'upstream again'],
    ] as const) {
      const r = recordRun(store, session, {
        kind: 'plan',
        host,
        variant,
        outcome: analyzeHost(host, variant, { trials: false }),
        label,
      });
      if (session === 'fragmented') ids[variant === 'upstream' ? 'upstream' : 'cmrHoles'] = r.run.id;
    }
  } finally {
    store.close();
  }
  s = await openApp(1, { storePath });
});
after(async () => {
  await s?.close();
  rmSync(storeDir, { recursive: true, force: true });
});

const TOOLS = '[data-testid=session-tools]';

async function openSession(name: string): Promise<void> {
  await s.page.click(`[data-testid=sessions] button:has-text("${name}")`);
  await s.page.waitForFunction(
    (n) => document.querySelector('[data-testid=session-open-name]')?.textContent === n,
    name,
  );
}

test("a session's notes: about the session and about a run, kept in the notebook", async () => {
  const { page } = s;
  await page.getByRole('tab', { name: 'Sessions' }).click();
  await openSession('fragmented');
  await page.waitForSelector(`${TOOLS} :text("No notes yet.")`);
  await page.fill('[data-testid=note-text]', 'BIOS 2.1 leaves 24 holes below 2 GiB');
  await page.click('[data-testid=note-add]');
  await page.waitForSelector('[data-testid=session-notes] li');
  await page.fill('[data-testid=note-text]', 'initializes on the Ubuntu -intel kernel');
  await page.selectOption('[data-testid=note-run]', String(ids.cmrHoles));
  await page.click('[data-testid=note-add]');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=session-notes] li').length === 2);
  const notes = await page.$$eval('[data-testid=session-notes] li', (lis) => lis.map((li) => li.textContent ?? ''));
  assert.match(notes[0], /BIOS 2\.1 leaves 24 holes below 2 GiB/);
  assert.match(notes[1], /about cmr-holes try/);
  assert.match(notes[1], /initializes on the Ubuntu -intel kernel/);
  assert.equal(await page.inputValue('[data-testid=note-text]'), '', 'the box is cleared for the next note');

  const store = openLabStore(storePath, { readonly: true });
  try {
    assert.deepEqual(
      store.listNotes('fragmented').map((n) => [n.text, n.runId]),
      [
        ['BIOS 2.1 leaves 24 holes below 2 GiB', null],
        ['initializes on the Ubuntu -intel kernel', ids.cmrHoles],
      ],
    );
  } finally {
    store.close();
  }
  // Another session has its own notes; coming back shows these again.
  await openSession('retest');
  await page.waitForSelector(`${TOOLS} :text("No notes yet.")`);
  await openSession('fragmented');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=session-notes] li').length === 2);
  await shot(page, 'sessions-notes');
  assert.deepEqual(s.errors, []);
});

test('a diff of two runs is the store’s, in the words of `tdx-lab session diff`', async () => {
  const { page } = s;
  await page.click(`[data-testid=pick-a-${ids.upstream}]`);
  await page.click(`[data-testid=pick-b-${ids.cmrHoles}]`);
  assert.match((await page.textContent('[data-testid=picked-a]'))!, new RegExp(`run #${ids.upstream} · upstream try`));
  await page.click('[data-testid=diff-runs]');
  await page.waitForSelector('[data-testid=run-diff]');
  const store = openLabStore(storePath, { readonly: true });
  const d = store.diffRuns(ids.upstream, ids.cmrHoles);
  store.close();
  assert.equal(d.same, false);
  assert.equal(
    (await page.textContent('[data-testid=run-diff-status]'))!.trim(),
    `${diffRunStatus(d.a)} → ${diffRunStatus(d.b)}`,
  );
  assert.match((await page.textContent('[data-testid=run-diff-status]'))!, /FAILED at reserved \(-ENOSPC\) → ok/);
  assert.match((await page.textContent('[data-testid=run-diff-host]'))!, /same \(2s-server-fragmented-low-memory\)/);
  assert.equal(
    (await page.textContent('[data-testid=run-diff-tdmrs]'))!.trim(),
    `${d.tdmrs.countA} → ${d.tdmrs.countB}, ${d.tdmrs.rows.filter((r) => r.changed.length).length} differ`,
  );
  const total = await page.$eval('[data-testid=run-diff-pamt] tr.total', (tr) =>
    [...tr.querySelectorAll('td')].map((td) => td.textContent),
  );
  assert.deepEqual(total.slice(1, 3), [diffBytes(d.pamtTotal.a), diffBytes(d.pamtTotal.b)]);
  await shot(page, 'sessions-diff');
  assert.deepEqual(s.errors, []);
});

test('"compare these two runs" opens compare with both stored runs, as recorded', async () => {
  const { page } = s;
  await page.click('[data-testid=compare-runs]');
  await page.waitForSelector('[data-testid=view-compare][aria-selected=true]');
  assert.equal(await page.inputValue('[data-testid=compare-a]'), `run:${ids.upstream}`);
  assert.equal(await page.inputValue('[data-testid=compare-b]'), `run:${ids.cmrHoles}`);
  await page.waitForFunction(
    () =>
      document.querySelector('[data-testid=compare-subject-a]')?.textContent?.endsWith('· upstream') &&
      document.querySelector('[data-testid=compare-subject-b]')?.textContent?.endsWith('· cmr-holes'),
  );
  assert.equal(await page.getAttribute('[data-testid=compare-verdict-a]', 'data-ok'), 'false');
  assert.equal(await page.getAttribute('[data-testid=compare-verdict-b]', 'data-ok'), 'true');
  assert.match(
    (await page.$eval('[data-testid=compare-kernel-a] option[value=given]', (o) => o.textContent))!,
    /as recorded/,
  );
  await page.waitForSelector('[data-testid=compare-diff] tr[data-section=finding]');
  await shot(page, 'sessions-compare-runs');
  await showView(page, 'map');
  assert.deepEqual(s.errors, []);
});

test('a diff of two sessions pairs their runs; rename; delete asks first and can be undone', async () => {
  const { page } = s;
  await page.getByRole('tab', { name: 'Sessions' }).click();
  await openSession('fragmented');
  const retest = await page.$eval(
    '[data-testid=diff-session-other]',
    (sel) => [...(sel as HTMLSelectElement).options].find((o) => o.textContent === 'retest')!.value,
  );
  await page.selectOption('[data-testid=diff-session-other]', retest);
  await page.click('[data-testid=diff-sessions]');
  const sd = await page.waitForSelector('[data-testid=session-diff]');
  assert.match((await sd.textContent())!, /Sessions fragmented \(A\) and retest \(B\)/);
  assert.match((await page.textContent('[data-testid=session-diff-only]'))!, /Only in 'fragmented' \(A\):.*cmr-holes/);
  assert.equal(await page.getAttribute('[data-testid=session-diff] [data-testid=run-diff]', 'data-same'), 'true');

  // Rename: a taken name is refused in one line; a free one shows everywhere.
  await page.click('[data-testid=session-rename]');
  await page.fill('[data-testid=session-new-name]', 'retest');
  await page.click('[data-testid=session-rename-save]');
  assert.match(
    (await (await page.waitForSelector('[data-testid=session-tools-error]')).textContent())!,
    /a session named 'retest' already exists/,
  );
  await page.fill('[data-testid=session-new-name]', 'fragmented BIOS 2.1');
  await page.press('[data-testid=session-new-name]', 'Enter');
  await page.waitForSelector('[data-testid=sessions] button:has-text("fragmented BIOS 2.1")');
  assert.equal(await page.textContent('[data-testid=session-open-name]'), 'fragmented BIOS 2.1');

  // Delete asks first; keeping it changes nothing.
  await page.click('[data-testid=session-delete]');
  const ask = (await page.textContent('[data-testid=session-delete-confirm]'))!;
  assert.match(ask, /Delete session “fragmented BIOS 2\.1” with its 2 runs/);
  await page.click('[data-testid=session-delete-no]');
  assert.equal(await page.$('[data-testid=session-delete-confirm]'), null);
  await page.click('[data-testid=session-delete]');
  await page.click('[data-testid=session-delete-yes]');
  const gone = (await (await page.waitForSelector('[data-testid=session-deleted]')).textContent())!;
  assert.match(gone, /Deleted session “fragmented BIOS 2\.1” \(2 runs, 1 host, 2 notes\)/);
  await page.waitForFunction(() => !document.querySelector('[data-testid=sessions]')?.textContent?.includes('BIOS'));
  await shot(page, 'sessions-deleted');
  // Undo puts it back, with its runs and notes.
  await page.click('[data-testid=session-undo-delete]');
  await page.waitForSelector('[data-testid=sessions] button:has-text("fragmented BIOS 2.1")');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=session-notes] li').length === 2);
  assert.equal(await page.$$eval('[data-testid=runs] li', (lis) => lis.length), 2);
  const store = openLabStore(storePath, { readonly: true });
  try {
    assert.deepEqual(
      store
        .listSessions()
        .map((x) => [x.name, x.runCount, x.noteCount])
        .sort(),
      [
        ['fragmented BIOS 2.1', 2, 2],
        ['retest', 1, 0],
      ],
    );
  } finally {
    store.close();
  }
  // The refused rename's 400 is the one error the browser logs.
  assert.deepEqual(
    s.errors.filter((e) => !/status of 400 \(Bad Request\)/.test(e)),
    [],
  );
});
