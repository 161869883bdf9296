import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { openLabStore } from '../../main/store/lab-store.js';
import { defaultDbPath } from '../../main/store/paths.js';
import { cli, STORE_FIXTURES, tempDir } from './helpers.js';

const H2 = join(STORE_FIXTURES, 'host-2s-16g.json');
const H3 = join(STORE_FIXTURES, 'host-3n-16g.json');

function ok(args: string[], env: NodeJS.ProcessEnv = {}): string {
  const r = cli(args, env);
  assert.equal(r.status, 0, `${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

function fails(args: string[], why: RegExp, env: NodeJS.ProcessEnv = {}): string {
  const r = cli(args, env);
  assert.equal(r.status, 2, `${args.join(' ')} should fail: ${r.stdout}`);
  const lines = r.stderr.trimEnd().split('\n');
  assert.equal(lines.length, 1, r.stderr);
  assert.match(lines[0], why);
  return lines[0];
}

test('session new / list / show / rename / note / rm', () => {
  const { dir, cleanup } = tempDir();
  try {
    const db = join(dir, 'lab.db');
    assert.match(ok(['session', 'list', '--db', db]), /No sessions in/);
    assert.equal(existsSync(db), false, 'listing does not create the database');
    fails(['plan', H2, '--session', '', '--db', db], /a session name cannot be empty/);
    assert.equal(existsSync(db), false, 'a bad session name is refused before the database is touched');
    assert.match(ok(['session', 'new', 'emr', '-d', 'EMR bring-up', '--db', db]), /created session 'emr' \(#1\)/);
    fails(['session', 'new', 'emr', '--db', db], /a session named 'emr' already exists/);
    ok(['plan', H2, H3, '--session', 'emr', '--db', db]);
    ok(['session', 'note', 'emr', 'node 2 adds one TDMR', '--run', '2', '--db', db]);
    // TDX_LAB_DB works like --db.
    const list = ok(['session', 'list'], { TDX_LAB_DB: db });
    assert.match(list, /emr +2 +2 +1/);
    const show = ok(['session', 'show', 'emr', '--db', db]);
    assert.match(show, /Session 'emr' \(#1/);
    assert.match(show, /EMR bring-up/);
    assert.match(show, /server-2s-16g-plus-node2/);
    assert.match(show, /#2 +plan +upstream +server-2s-16g-plus-node2 +ok +4/);
    assert.match(show, /\(run #2\): node 2 adds one TDMR/);
    const json = JSON.parse(ok(['session', 'show', 'emr', '--db', db, '--json']));
    assert.equal(json.runs.length, 2);
    assert.equal(json.hosts[0].provenance.file, H2);
    assert.match(ok(['session', 'rename', 'emr', 'emr-2026', '--db', db]), /renamed session 'emr' to 'emr-2026'/);
    fails(['session', 'show', 'emr', '--db', db], /no session named 'emr'/);
    assert.match(
      ok(['session', 'rm', 'emr-2026', '--db', db]),
      /deleted session 'emr-2026' \(2 runs, 2 hosts, 1 notes\)/,
    );
    assert.match(ok(['session', 'list', '--db', db]), /No sessions/);
  } finally {
    cleanup();
  }
});

test('session export / import: one file, exact round trip, --rename, clear refusals', () => {
  const { dir, cleanup } = tempDir();
  try {
    const db = join(dir, 'lab.db');
    const other = join(dir, 'other.db');
    const file = join(dir, 'emr.tdx-session.json');
    ok(['plan', H2, H3, '--session', 'emr', '--db', db]);
    ok(['session', 'note', 'emr', 'look at TDMR 3', '--db', db]);
    assert.match(
      ok(['session', 'export', 'emr', '--out', file, '--db', db]),
      /exported session 'emr' to .* \(\d+ bytes\)/,
    );
    const doc = JSON.parse(readFileSync(file, 'utf8'));
    assert.equal(doc.format, 'tdx-lab-session');
    assert.equal(doc.version, 1);
    fails(['session', 'export', 'emr', '--out', file, '--db', db], /already exists; use --force/);
    ok(['session', 'export', 'emr', '--out', file, '--db', db, '--force']);

    assert.match(
      ok(['session', 'import', file, '--db', other]),
      /imported session 'emr' \(#1: 2 runs, 2 hosts, 1 notes\)/,
    );
    const again = join(dir, 'again.json');
    ok(['session', 'export', 'emr', '--out', again, '--db', other]);
    const a = JSON.parse(readFileSync(again, 'utf8'));
    delete a.exported_at;
    delete doc.exported_at;
    assert.deepEqual(a, doc);

    fails(
      ['session', 'import', file, '--db', other],
      /emr\.tdx-session\.json: a session named 'emr' already exists .*--rename/,
    );
    assert.match(ok(['session', 'import', file, '--rename', 'emr-copy', '--db', other]), /imported session 'emr-copy'/);
    const store = openLabStore(other);
    assert.deepEqual(
      store.listSessions().map((s) => s.name),
      ['emr', 'emr-copy'],
    );
    store.close();
  } finally {
    cleanup();
  }
});

test('bad import files: exit 2, one line naming the file, the database unchanged', () => {
  const { dir, cleanup } = tempDir();
  try {
    const db = join(dir, 'lab.db');
    ok(['session', 'new', 'existing', '--db', db]);
    const stamp = () => JSON.parse(ok(['session', 'list', '--db', db, '--json']));
    const before = stamp();
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, '{ "format": "tdx-lab-session",\n  "version": 1,\n  "session": { oops } }');
    fails(['session', 'import', broken, '--db', db], /broken\.json: malformed JSON at line 3/);
    fails(
      ['session', 'import', join(STORE_FIXTURES, 'export-newer-version.json'), '--db', db],
      /export-newer-version\.json: \$\.version: export format version 2 is newer than this tdx-lab reads \(1\)/,
    );
    fails(['session', 'import', H2, '--db', db], /host-2s-16g\.json: \$\.format: expected "tdx-lab-session"/);
    fails(['session', 'import', join(dir, 'nope.json'), '--db', db], /nope\.json: no such file/);
    const empty = join(dir, 'empty.json');
    writeFileSync(empty, '');
    fails(['session', 'import', empty, '--db', db], /empty\.json: empty file/);
    assert.deepEqual(stamp(), before);
    assert.ok(statSync(db).size > 0);
  } finally {
    cleanup();
  }
});

test('without --db or TDX_LAB_DB the notebook goes to the per-user data folder (created on first write)', () => {
  const { dir, cleanup } = tempDir();
  try {
    const env = { XDG_DATA_HOME: join(dir, 'data'), HOME: join(dir, 'home'), APPDATA: join(dir, 'appdata') };
    const expected = defaultDbPath(process.platform, env, env.HOME);
    if (process.platform === 'linux') assert.equal(expected, join(dir, 'data', 'tdx-lab', 'lab.db'));
    assert.match(ok(['session', 'list'], env), /No sessions/);
    assert.equal(existsSync(expected), false, 'reading creates nothing');
    assert.ok(ok(['session', 'new', 'first'], env).includes(`in ${expected}`));
    assert.ok(existsSync(expected));
    assert.match(ok(['session', 'list', '--db', expected]), /first/);
  } finally {
    cleanup();
  }
});
