/**
 * The existing store tests (tests/store/*.test.ts: lab-store, crash safety
 * with SIGKILL, bad-db, migrations, export/import, diff, ...) run unchanged
 * against the store worker: a module hook (register.js) makes their
 * openLabStore open a worker and send every call through its messages
 * (sync-store.ts), in the test processes and in the crash writer they kill.
 * The worker log proves the calls really went through workers.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const STORE_TESTS = join(HERE, '..');
const REGISTER = join(HERE, 'register.js');

test('every store test passes with its store opened through the worker protocol (crash writer included)', async () => {
  const files = readdirSync(STORE_TESTS)
    .filter((f) => f.endsWith('.test.js'))
    .sort();
  for (const expected of ['lab-store', 'crash', 'bad-db', 'migrations', 'export-import', 'diff'])
    assert.ok(files.includes(`${expected}.test.js`), `tests/store/${expected}.test.ts is run`);
  const tmp = mkdtempSync(join(tmpdir(), 'tdx-lab-through-worker-'));
  try {
    const log = join(tmp, 'workers.log');
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import="${pathToFileURL(REGISTER).href}"`.trim(),
      TDX_LAB_TEST_WORKER_LOG: log,
    };
    delete env.NODE_TEST_CONTEXT; // a run of its own, not a child of this one
    const run = await new Promise<{ code: number | null; out: string }>((resolve) => {
      const child = spawn(
        process.execPath,
        ['--test', '--test-reporter=tap', ...files.map((f) => join(STORE_TESTS, f))],
        { env, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let out = '';
      child.stdout.on('data', (c) => (out += c));
      child.stderr.on('data', (c) => (out += c));
      child.on('exit', (code) => resolve({ code, out }));
    });
    const failures = run.out
      .split('\n')
      .filter((l) => /^\s*not ok/.test(l))
      .join('\n');
    assert.equal(run.code, 0, `store tests failed through the worker:\n${failures}\n${run.out.slice(-4000)}`);
    assert.match(run.out, /^# fail 0$/m);
    const pass = Number(/^# pass (\d+)$/m.exec(run.out)?.[1]);
    assert.ok(pass >= 30, `${pass} store tests ran`);

    const opened = readFileSync(log, 'utf8').trim().split('\n');
    const byScript = new Map<string, number>();
    for (const line of opened) {
      const script = line.split(' ')[2];
      byScript.set(script, (byScript.get(script) ?? 0) + 1);
    }
    for (const f of [
      'lab-store.test.js',
      'crash.test.js',
      'bad-db.test.js',
      'migrations.test.js',
      'export-import.test.js',
      'diff.test.js',
    ])
      assert.ok((byScript.get(f) ?? 0) > 0, `${f} opened its stores through workers (${[...byScript].join(', ')})`);
    assert.ok((byScript.get('crash-writer.js') ?? 0) >= 4, 'the SIGKILLed writer wrote through a worker');
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});
