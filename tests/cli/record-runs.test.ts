/** simulate and sweep record their runs with --session, like plan. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../helpers/golden.js';
import { runTdxLab } from '../helpers/cli.js';
import { openLabStore } from '../../main/store/lab-store.js';

test('simulate --session stores the run with its timeline events; sweep --session stores its rows', () => {
  const db = join(mkdtempSync(join(tmpdir(), 'tdx-lab-rec-')), 'lab.db');
  const sim = runTdxLab([
    'simulate',
    join(PROJECT_ROOT, 'resources/scenarios/cxl-hot-added-before-init.json'),
    '--session',
    'cxl',
    '--db',
    db,
  ]);
  assert.equal(sim.status, 1, sim.stderr);
  assert.match(sim.stderr, /recorded run #1 in session 'cxl'/);
  const sw = runTdxLab([
    'sweep',
    join(PROJECT_ROOT, 'resources/sweeps/cxl-x-kernel.json'),
    '--workers',
    '1',
    '--csv',
    '--session',
    'cxl',
    '--db',
    db,
  ]);
  assert.equal(sw.status, 0, sw.stderr);

  const store = openLabStore(db);
  try {
    const session = store.listSessions().find((s) => s.name === 'cxl');
    assert.ok(session);
    const runs = store.listRuns(session.id);
    assert.deepEqual(
      runs.map((r) => r.kind),
      ['simulate', 'sweep'],
    );
    assert.equal(runs[0].status, 'failed', 'TDH.SYS.CONFIG rejected the CXL TDMR');
    const events = store.eventsInWindow(runs[0].id, -1, 1e9);
    assert.ok(
      events.some((e) => e.kind === 'seamcall'),
      'SEAMCALLs stored',
    );
    assert.ok(
      events.some((e) => e.kind === 'log'),
      'kernel lines stored',
    );
    const sweep = store.getRun(runs[1].id) as { payload?: { rows?: unknown[] } } | undefined;
    const rowsInCsv = sw.stdout.trim().split('\n').length - 1;
    assert.equal(sweep?.payload?.rows?.length, rowsInCsv);
  } finally {
    store.close();
  }
});
