/**
 * A notebook damaged on any table's pages is refused by every command (exit
 * 2, one line naming the file and what to do), the file stays byte-identical,
 * `session check` says DAMAGED, and `session recover` salvages the runs the
 * damage did not touch into a new, sound notebook.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { closeSync, copyFileSync, existsSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { planTdmrs } from '../../engine/kernel/construct.js';
import { openLabStore } from '../../main/store/lab-store.js';
import { recordRun } from '../../main/store/record-run.js';
import { PROJECT_ROOT } from '../helpers/golden.js';
import { HERE, loadFixtureHost, rng, tempDir } from './helpers.js';

const ENTRY = join(HERE, 'cli-entry.js');

function run(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const env = { ...process.env };
    delete env.TDX_LAB_DB;
    const child = spawn(process.execPath, [ENTRY, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

/** Runs jobs two at a time. */
async function pool<T, R>(items: T[], fn: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  };
  await Promise.all([worker(), worker()]);
  return out;
}

const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

/** Three sessions: 24 plans (TDMR tables) on as many hosts, a simulation with 20,000 events, notes, an export record. */
function makeNotebook(file: string): void {
  const store = openLabStore(file);
  const h2 = loadFixtureHost('host-2s-16g.json');
  const h3 = loadFixtureHost('host-3n-16g.json');
  const names = ['alpha', 'beta', 'gamma'];
  for (let i = 0; i < 24; i++) {
    const host = { ...(i % 2 ? h3 : h2), name: `host-${i}` };
    const variant = i % 4 < 2 ? 'upstream' : 'cmr-holes';
    const { run } = recordRun(store, names[i % 3], { kind: 'plan', host, variant, plan: planTdmrs(host, variant) });
    store.addNote(names[i % 3], { text: `about run ${run.id}: ${'details '.repeat(20)}`, runId: run.id });
  }
  const r = rng(9);
  recordRun(store, 'gamma', {
    kind: 'simulate',
    host: h2,
    variant: 'upstream',
    payload: { steps: 3 },
    events: Array.from({ length: 20_000 }, (_, i) => {
      const addrStart = Math.floor(r() * 2 ** 30) * 4096;
      return { t: i, kind: 'block', addrStart, addrEnd: addrStart + 4096, payload: { i } };
    }),
  });
  store.recordExport('alpha', '/tmp/alpha.json', 1234);
  store.close();
}

/** Overwrites one leaf page of `table` (by dbstat) with garbage; returns its page number. */
function damage(file: string, table: string): number {
  const db = new Database(file, { readonly: true });
  const pages = db.prepare(`SELECT pageno, pagetype FROM dbstat WHERE name = ? ORDER BY pageno`).all(table) as {
    pageno: number;
    pagetype: string;
  }[];
  const size = db.pragma('page_size', { simple: true }) as number;
  db.close();
  const leaves = pages.filter((p) => p.pagetype === 'leaf');
  const page = (leaves[Math.floor(leaves.length / 2)] ?? pages[0]).pageno;
  const junk = Buffer.alloc(size);
  const r = rng(page);
  for (let i = 0; i < size; i++) junk[i] = Math.floor(r() * 256);
  const fd = openSync(file, 'r+');
  writeSync(fd, junk, 0, size, (page - 1) * size);
  closeSync(fd);
  return page;
}

const TABLES = ['sessions', 'hosts', 'runs', 'run_tdmrs', 'events', 'event_addrs', 'notes', 'exports'];

test('a notebook damaged on each table is refused by every command, left byte-identical, and recovered', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const pristine = join(dir, 'pristine.db');
    makeNotebook(pristine);
    // A valid export file and inputs for the commands that record runs.
    const exportFile = join(dir, 'alpha.json');
    const store = openLabStore(pristine, { readonly: true });
    writeFileSync(exportFile, JSON.stringify(store.exportSession('alpha')));
    const originalRuns = store.listRuns('alpha').concat(store.listRuns('beta'), store.listRuns('gamma'));
    store.close();
    const host = join(PROJECT_ROOT, 'resources', 'hosts', '2s-server-512g.json');
    const scenario = join(PROJECT_ROOT, 'resources', 'scenarios', 'boot-dram-only.json');
    const sweep = join(PROJECT_ROOT, 'resources', 'sweeps', 'module-limits.json');
    const artifact = join(PROJECT_ROOT, 'tests', 'fixtures', 'real-hosts', 'canonical-tdx-275-spr-8480c-512g.txt');

    for (const table of TABLES) {
      const file = join(dir, `${table}.db`);
      copyFileSync(pristine, file);
      damage(file, table);
      const before = sha(file);
      const out = join(dir, `${table}-out`);
      const commands: string[][] = [
        ['session', 'list'],
        ['session', 'show', 'alpha'],
        ['session', 'diff', '1', '2'],
        ['session', 'export', 'alpha', '--out', `${out}.json`],
        ['session', 'import', exportFile, '--rename', 'again'],
        ['session', 'new', 'fresh'],
        ['session', 'rm', 'beta'],
        ['session', 'rename', 'beta', 'delta'],
        ['session', 'note', 'alpha', 'more'],
        ['plan', host, '--session', 'alpha'],
        ['simulate', scenario, '--session', 'alpha'],
        ['sweep', sweep, '--plan-only', '--workers', '1', '--session', 'alpha'],
        ['import', artifact, '--session', 'alpha'],
        ['report', '--session', 'alpha', '--run', '1', '--out', `${out}.html`],
      ];
      // Every command on the table the issue names and on runs; a reading, a writing and a recording one elsewhere.
      const tried = table === 'events' || table === 'runs' ? commands : [0, 1, 3, 5, 9].map((i) => commands[i]);
      const results = await pool(tried, (args) => run([...args, '--db', file]));
      results.forEach((r, i) => {
        const what = `${table}: ${tried[i].slice(0, 2).join(' ')}`;
        assert.equal(r.status, 2, `${what} exits 2 (stderr: ${r.stderr})`);
        const lines = r.stderr.trimEnd().split('\n');
        assert.equal(lines.length, 1, `${what}: one line: ${r.stderr}`);
        assert.match(
          lines[0],
          new RegExp(`^tdx-lab: ${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: the notebook is damaged`),
          what,
        );
        assert.match(lines[0], /session recover/, `${what} says what to do`);
      });
      assert.equal(sha(file), before, `${table}: the damaged file is byte-identical`);
      assert.equal(existsSync(`${out}.json`), false, `${table}: nothing exported`);

      const check = await run(['session', 'check', '--db', file]);
      assert.equal(check.status, 1, `${table}: session check says damaged (${check.stdout}${check.stderr})`);
      assert.match(check.stdout, /DAMAGED/);

      const rec = join(dir, `${table}-recovered.db`);
      const r = await run(['session', 'recover', '--db', file, '--out', rec, '--json']);
      assert.equal(r.status, 0, `${table}: recover: ${r.stderr}`);
      const report = JSON.parse(r.stdout) as { runs: number; lostRuns: { id: number }[] };
      assert.equal(sha(file), before, `${table}: recover only read the damaged file`);
      const ok = await run(['session', 'check', '--db', rec]);
      assert.equal(ok.status, 0, `${table}: the recovered notebook is sound: ${ok.stdout}`);
      // Every recovered run is whole and the same as before; only runs on the damaged pages are lost.
      const a = openLabStore(pristine, { readonly: true });
      const b = openLabStore(rec, { readonly: true });
      const lost = new Set(report.lostRuns.map((l) => l.id));
      let kept = 0;
      for (const orig of originalRuns) {
        const got = b.getRun(orig.id);
        if (!got) continue;
        kept++;
        assert.ok(!lost.has(orig.id));
        const want = a.getRun(orig.id)!;
        assert.deepEqual(got.payload, want.payload, `${table}: run #${orig.id} payload`);
        assert.equal(got.eventCount, want.eventCount);
        assert.equal(b.countEvents(orig.id), want.eventCount, `${table}: run #${orig.id} has all its events`);
        assert.deepEqual(b.getRunTdmrs(orig.id), a.getRunTdmrs(orig.id));
        assert.deepEqual(
          b.eventsInRange(orig.id, 0, 2 ** 52, 50),
          a.eventsInRange(orig.id, 0, 2 ** 52, 50),
          `${table}: run #${orig.id} address index rebuilt`,
        );
      }
      a.close();
      b.close();
      assert.equal(kept, report.runs);
      assert.ok(kept >= 1, `${table}: some runs were salvaged`);
      // Damage to the index tables loses no run: they are rebuilt from the runs' own rows.
      if (table === 'event_addrs' || table === 'exports' || table === 'notes')
        assert.equal(kept, originalRuns.length, `${table}: every run recovered`);
      if (table === 'events') assert.ok(lost.has(originalRuns.find((x) => x.eventCount > 0)!.id));
    }
  } finally {
    cleanup();
  }
});

test('a notebook whose tables disagree with its schema version is refused (exit 2), never half-migrated', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const file = join(dir, 'lab.db');
    makeNotebook(file);
    const db = new Database(file);
    db.pragma('user_version = 1'); // says v1, but has v2's event_addrs
    db.close();
    const before = sha(file);
    for (const args of [
      ['session', 'list'],
      ['session', 'new', 'x'],
    ]) {
      const r = await run([...args, '--db', file]);
      assert.equal(r.status, 2, r.stderr);
      assert.match(r.stderr, /inconsistent notebook: schema version 1, but it already has event_addrs/);
      assert.equal(r.stderr.trimEnd().split('\n').length, 1);
    }
    assert.equal(sha(file), before);
  } finally {
    cleanup();
  }
});
