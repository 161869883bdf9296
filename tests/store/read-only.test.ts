/**
 * A notebook that can be read but not written — another user's file in a
 * folder we cannot write, as on read-only media — can be listed, shown,
 * diffed, exported and reported on; a command that would write says why it
 * cannot, in one line. As root (where permission bits do not apply) the CLI
 * runs as the unprivileged user 65534.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { planTdmrs } from '../../engine/kernel/construct.js';
import { openLabStore } from '../../main/store/lab-store.js';
import { recordRun } from '../../main/store/record-run.js';
import { HERE, loadFixtureHost, tempDir } from './helpers.js';

const root = process.getuid?.() === 0;

function cli(args: string[]) {
  const env = { ...process.env };
  delete env.TDX_LAB_DB;
  const r = spawnSync(process.execPath, [join(HERE, 'cli-entry.js'), ...args], {
    env,
    encoding: 'utf8',
    ...(root ? { uid: 65534, gid: 65534 } : {}),
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/**
 * The unprivileged user must reach this build: a checkout inside a private
 * folder (mktemp -d is 0700) gets search permission (o+x, never read) on its
 * ancestors for the test, and their modes back afterwards.
 */
function letOthersReach(path: string): () => void {
  const changed: Array<[string, number]> = [];
  for (let d = path; ; d = dirname(d)) {
    const mode = statSync(d).mode & 0o7777;
    if (!(mode & 0o001)) {
      chmodSync(d, mode | 0o001);
      changed.push([d, mode]);
    }
    if (dirname(d) === d) break;
  }
  return () => {
    for (const [d, mode] of changed.reverse()) chmodSync(d, mode);
  };
}

test('a read-only notebook: list, show, diff, export and report work; writes are refused clearly', () => {
  const { dir, cleanup } = tempDir();
  const restore = root ? letOthersReach(HERE) : () => {};
  try {
    chmodSync(dir, 0o755);
    const ro = join(dir, 'ro');
    mkdirSync(ro);
    const file = join(ro, 'lab.db');
    const store = openLabStore(file);
    const h2 = loadFixtureHost('host-2s-16g.json');
    const h3 = loadFixtureHost('host-3n-16g.json');
    recordRun(store, 'emr', { kind: 'plan', host: h2, variant: 'upstream', plan: planTdmrs(h2, 'upstream') });
    recordRun(store, 'emr', { kind: 'plan', host: h3, variant: 'upstream', plan: planTdmrs(h3, 'upstream') });
    store.close();
    chmodSync(file, 0o444);
    chmodSync(ro, 0o555);
    const outDir = join(dir, 'out');
    mkdirSync(outDir, { mode: 0o777 });
    chmodSync(outDir, 0o777);
    const before = readFileSync(file);

    const list = cli(['session', 'list', '--db', file]);
    assert.equal(list.status, 0, list.stderr);
    assert.match(list.stdout, /emr\s+2/);
    const show = cli(['session', 'show', 'emr', '--json', '--db', file]);
    assert.equal(show.status, 0, show.stderr);
    assert.equal(JSON.parse(show.stdout).runs.length, 2);
    const diff = cli(['session', 'diff', '1', '2', '--db', file]);
    assert.equal(diff.status, 0, diff.stderr);
    const exported = join(outDir, 'emr.json');
    const exp = cli(['session', 'export', 'emr', '--out', exported, '--db', file]);
    assert.equal(exp.status, 0, exp.stderr);
    assert.equal(JSON.parse(readFileSync(exported, 'utf8')).runs.length, 2);
    const report = cli(['report', '--session', 'emr', '--run', '1', '--out', join(outDir, 'r.html'), '--db', file]);
    assert.equal(report.status, 0, report.stderr);
    assert.ok(existsSync(join(outDir, 'r.html')));
    const check = cli(['session', 'check', '--db', file]);
    assert.equal(check.status, 0, check.stdout + check.stderr);

    const write = cli(['session', 'new', 'other', '--db', file]);
    assert.equal(write.status, 2);
    assert.equal(write.stderr.trimEnd().split('\n').length, 1, write.stderr);
    assert.match(write.stderr, /lab\.db: .*read-only|lab\.db: cannot/);

    assert.deepEqual(readFileSync(file), before, 'the notebook is unchanged');
    assert.deepEqual(readdirSync(ro), ['lab.db'], 'nothing was created beside it');
  } finally {
    chmodSync(join(dir, 'ro'), 0o755);
    cleanup();
    restore();
  }
});
