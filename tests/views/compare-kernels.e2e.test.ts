/**
 * Compare with a kernel per side (Chromium through `tdx-lab serve`): the
 * fragmented host open on the map, on upstream against cmr-holes in one
 * click. A fails with reserved areas exhausted, B initializes; the diff rows
 * are the two Outcomes' (kernel, verdict, findings by id with the engine's
 * titles), and the host rows are empty (it is one host). A sample follows the
 * toolbar's kernel unless its side picks one.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { analyzeHost } from '../../engine/outcome/analyze.js';
import { diffOutcomes } from '../../engine/planning/compare.js';
import { loadHostText, SAMPLES_DIR } from '../app/app-helpers.js';
import { openApp, shot, showView, type ViewsSession } from './views-helpers.js';

const SAMPLE = '2s-server-fragmented-low-memory';
const { host } = loadHostText(join(SAMPLES_DIR, `${SAMPLE}.json`));

let s: ViewsSession;
before(async () => {
  s = await openApp();
});
after(async () => {
  await s?.close();
});

interface Row {
  kind: string | null;
  section: string | null;
  cells: string[];
}

async function diffRows(): Promise<Row[]> {
  return s.page.$$eval('[data-testid=compare-diff] tbody tr', (trs) =>
    trs.map((tr) => ({
      kind: tr.getAttribute('data-kind'),
      section: tr.getAttribute('data-section'),
      cells: [...tr.querySelectorAll('td')].map((td) => (td.textContent ?? '').trim()),
    })),
  );
}

/** Waits until both sides show the subjects asked for (name · kernel). */
async function sides(a: string, b: string): Promise<void> {
  await s.page.waitForFunction(
    ([x, y]) =>
      document.querySelector('[data-testid=compare-subject-a]')?.textContent === x &&
      document.querySelector('[data-testid=compare-subject-b]')?.textContent === y &&
      !document.querySelector('[data-testid=compare-view] > [role=alert]'),
    [a, b],
  );
}

test('the host on the map, upstream against cmr-holes in one click', async () => {
  const { page } = s;
  await page.selectOption('[data-testid=sample-select]', SAMPLE);
  await page.waitForSelector(`[data-testid=summary][data-host="${SAMPLE}"]`);
  await showView(page, 'compare');
  await page.selectOption('[data-testid=compare-a]', 'map');
  await page.click('[data-testid=compare-kernels]');
  await sides(`${SAMPLE} · upstream`, `${SAMPLE} · cmr-holes`);
  assert.equal(await page.inputValue('[data-testid=compare-b]'), 'map', 'B is the same host');
  assert.equal(await page.inputValue('[data-testid=compare-kernel-a]'), 'upstream');
  assert.equal(await page.inputValue('[data-testid=compare-kernel-b]'), 'cmr-holes');
  assert.equal(await page.getAttribute('[data-testid=compare-verdict-a]', 'data-ok'), 'false');
  assert.equal(await page.getAttribute('[data-testid=compare-verdict-b]', 'data-ok'), 'true');

  const up = analyzeHost(host, 'upstream');
  const cmr = analyzeHost(host, 'cmr-holes');
  assert.equal(await page.getAttribute('[data-testid=compare-verdict-a]', 'title'), up.verdict.headline);
  assert.equal(await page.getAttribute('[data-testid=compare-verdict-b]', 'title'), cmr.verdict.headline);

  await page.waitForSelector('[data-testid=compare-diff]');
  const rows = await diffRows();
  // One host: nothing about memory, CMRs, devices or limits differs.
  assert.deepEqual(
    rows.filter((r) => r.section !== 'verdict' && r.section !== 'finding'),
    [],
  );
  // The rest is the two Outcomes' difference, row for row, as the engine states it.
  const sign = { added: '+', removed: '−', changed: '~' } as const;
  const expected = diffOutcomes(up, cmr).map((r) => ({
    kind: r.kind,
    section: r.section,
    cells: [sign[r.kind], r.section, r.what, r.a, r.b],
  }));
  assert.deepEqual(rows, expected);
  const kernel = rows.find((r) => r.cells[2] === 'kernel')!;
  assert.deepEqual(kernel.cells.slice(3), ['upstream', 'cmr-holes']);
  const exhausted = rows.find((r) => r.section === 'finding' && r.cells[2] === 'reserved-areas-exhausted')!;
  assert.equal(exhausted.kind, 'removed');
  assert.equal(exhausted.cells[3], `error: ${up.findings.find((f) => f.id === 'reserved-areas-exhausted')!.title}`);
  await shot(page, 'compare-kernels');
  assert.deepEqual(s.errors, []);
});

test("a sample follows the toolbar's kernel unless its side picks one", async () => {
  const { page } = s;
  await page.selectOption('[data-testid=variant-select]', 'cmr-holes');
  await page.selectOption('[data-testid=compare-a]', SAMPLE);
  await page.selectOption('[data-testid=compare-kernel-a]', 'given');
  await page.selectOption('[data-testid=compare-b]', SAMPLE);
  await page.selectOption('[data-testid=compare-kernel-b]', 'upstream');
  await sides(`${SAMPLE} · cmr-holes`, `${SAMPLE} · upstream`);
  assert.match(
    (await page.$eval('[data-testid=compare-kernel-a] option[value=given]', (o) => o.textContent))!,
    /the toolbar's \(cmr-holes\)/,
  );
  assert.equal(await page.getAttribute('[data-testid=compare-verdict-a]', 'data-ok'), 'true');
  assert.equal(await page.getAttribute('[data-testid=compare-verdict-b]', 'data-ok'), 'false');
  assert.deepEqual(s.errors, []);
});
