/** `tdx-lab import --session` keeps the imported host in the lab notebook as a recorded host. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FIXTURES } from '../helpers/golden.js';
import { runTdxLab } from '../helpers/cli.js';
import { openLabStore } from '../../main/store/lab-store.js';

test('import --session stores the host with origin "recorded"; a log without memory layout is refused and stores nothing', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tdx-lab-imp-'));
  const db = join(dir, 'lab.db');
  const log = join(FIXTURES, 'real-hosts', 'canonical-tdx-285-spr-8480c-256g.txt');
  const r = runTdxLab(['import', log, '--session', 'imported', '--db', db, '--out', join(dir, 'host.json')]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /kept host #1 in session 'imported'/);
  assert.ok(existsSync(join(dir, 'host.json')));

  const none = runTdxLab([
    'import',
    join(FIXTURES, 'real-hosts', 'kernel-6.19-host.txt'),
    '--session',
    'imported',
    '--db',
    db,
  ]);
  assert.equal(none.status, 2);
  assert.match(none.stderr, /no host to keep in session 'imported'/);

  const store = openLabStore(db);
  try {
    const session = store.listSessions().find((s) => s.name === 'imported');
    assert.ok(session);
    const hosts = store.listHosts(session.id);
    assert.equal(hosts.length, 1);
    assert.equal(hosts[0].origin, 'recorded');
    assert.equal(hosts[0].name, 'canonical-tdx-285-spr-8480c-256g');
    // The analysis is kept as a run whose summary carries the check verdict (what the Sessions tab lists).
    const runs = store.listRuns(session.id);
    assert.equal(runs.length, 1);
    assert.deepEqual((runs[0].summary as { check?: { verdict: string } }).check?.verdict, 'agree');
    assert.match(r.stderr, /recorded run #\d+: check agree/i);
  } finally {
    store.close();
  }
});
