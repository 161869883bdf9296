/** The planning API methods on the Node side: sweeps with progress and cancel, scenarios, saving to a session. */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPlanningApi } from '../../main/api/planning-api.js';
import { createServices } from '../../main/api/services.js';
import { ApiError, type ProgressEvent } from '../../main/common/api-contract.js';
import { openLabStore } from '../../main/store/lab-store.js';
import { PROJECT_ROOT } from '../helpers/golden.js';

const dir = mkdtempSync(join(tmpdir(), 'tdx-lab-planning-api-'));
const storePath = join(dir, 'lab.sqlite');
const services = createServices({ workers: 2, storePath, storeCreateDir: true });
const api = createPlanningApi(services);
after(async () => {
  await api.close();
  await services.close();
  rmSync(dir, { recursive: true, force: true });
});

const hostText = readFileSync(join(PROJECT_ROOT, 'resources', 'hosts', '2s-server-512g.json'), 'utf8');
const sweepJson = (to: number) =>
  JSON.stringify({
    name: 't',
    host: JSON.parse(hostText),
    axes: [
      { axis: 'memory_per_node_gib', range: { from: 16, to, step: 16 } },
      { axis: 'cxl_gib', values: [0, 64] },
    ],
  });

test('runSweep streams progress tagged with the request id and returns every row', async () => {
  const events: ProgressEvent[] = [];
  const r = await api.handlers.runSweep({ requestId: 'r1', sweepJson: sweepJson(16 * 100) }, (e) => events.push(e));
  assert.equal(r.cancelled, false);
  assert.equal(r.total, 200);
  assert.equal(r.rows.length, 200);
  assert.deepEqual(r.axes, ['memory_per_node_gib', 'cxl_gib']);
  assert.ok(events.every((e) => e.method === 'runSweep' && e.requestId === 'r1'));
  assert.ok(
    events.some((e) => e.done > 0 && e.done < 200),
    'intermediate progress',
  );
  assert.equal(events.at(-1)!.done, 200);
  // cxl_gib 0 rows initialize, cxl_gib 64 rows (movable, not convertible) do not.
  assert.ok(r.rows.filter((x) => x.values[1] === 0).every((x) => x.ok));
  assert.ok(r.rows.filter((x) => x.values[1] === 64).every((x) => !x.ok && x.statusName === 'TDX_TDMR_OUTSIDE_CMRS'));
});

test('cancelSweep stops a running sweep midway; an unknown id cancels nothing', async () => {
  let cancelled = false;
  const run = api.handlers.runSweep({ requestId: 'r2', sweepJson: sweepJson(16 * 2000) }, (e) => {
    if (!cancelled && e.done > 0) {
      cancelled = true;
      void api.handlers.cancelSweep({ requestId: 'r2' }, () => {});
    }
  });
  const r = await run;
  assert.equal(r.cancelled, true);
  assert.ok(r.done > 0 && r.done < r.total, `${r.done} of ${r.total}`);
  assert.deepEqual(r.rows, []);
  assert.deepEqual(await api.handlers.cancelSweep({ requestId: 'nothing' }, () => {}), { cancelled: false });
});

test('runSweep refuses a bad sweep before running, naming the JSON path', async () => {
  const bad = JSON.stringify({ name: 't', host: JSON.parse(hostText), axes: [{ axis: 'nodes', values: [0] }] });
  await assert.rejects(
    api.handlers.runSweep({ requestId: 'r3', sweepJson: bad }, () => {}),
    (e: unknown) =>
      e instanceof ApiError &&
      e.code === 'bad-input' &&
      /\$\.axes\[0\]\.values\[0\]: 0 is below the minimum 1 for nodes/.test(e.message),
  );
});

test('scenarios: listed from resources/scenarios and played in the pool', async () => {
  const list = await api.handlers.listScenarios({}, () => {});
  assert.ok(list.some((s) => s.name === 'cxl-hot-added-after-init' && s.description.length > 0));
  const r = await api.handlers.runScenario({ name: 'cxl-hot-added-after-init' }, () => {});
  const result = r.outcome.scenario!;
  assert.equal(result.final.outcome, 'initialized');
  assert.ok(
    result.events.some((e) => e.blocks.some((b) => b.to === 'refused')),
    'the hot-added blocks were refused',
  );
  assert.ok(
    r.outcome.findings.some((f) => f.id === 'blocks-refused'),
    'and the outcome says so',
  );
  assert.equal(JSON.parse(r.scenarioJson).name, 'cxl-hot-added-after-init');
  await assert.rejects(
    api.handlers.runScenario({ name: '../etc/passwd' }, () => {}),
    (e: unknown) => e instanceof ApiError && e.code === 'bad-arguments',
  );
});

test('saveToSession records the host as a run with its outcome', async () => {
  const ok = await api.handlers.saveToSession({ session: 'plans', hostJson: hostText, kernel: 'upstream' }, () => {});
  assert.equal(ok.status, 'ok');
  const cxl = readFileSync(join(PROJECT_ROOT, 'resources', 'hosts', '2s-server-512g-cxl-before-init.json'), 'utf8');
  const failed = await api.handlers.saveToSession(
    { session: 'plans', hostJson: cxl, kernel: 'upstream', label: 'with CXL' },
    () => {},
  );
  assert.equal(failed.status, 'failed');
  const store = openLabStore(storePath);
  try {
    assert.equal(store.listSessions().find((s) => s.name === 'plans')?.runCount, 2);
  } finally {
    store.close();
  }
});
