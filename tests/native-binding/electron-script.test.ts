/**
 * scripts/electron-native.mjs as a user runs it, on fake checkouts, with the
 * real @electron/rebuild: on a machine where Electron's binary is absent or
 * its headers cannot be downloaded, one line on stderr and nothing half-built.
 * (Headers come from a closed loopback port and an empty HOME, so this holds
 * on any machine, networked or not.)
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../helpers/golden.js';
import { fakeTree, treeDigest } from './fake-tree.js';

const SCRIPT = join(PROJECT_ROOT, 'scripts', 'electron-native.mjs');

function run(
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [SCRIPT, ...args], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

/** A loopback port nothing listens on (bound, then closed). */
function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

function oneLine(stderr: string): string {
  const lines = stderr.trimEnd().split('\n');
  assert.equal(lines.length, 1, `exactly one line on stderr, got:\n${stderr}`);
  assert.ok(lines[0].startsWith('tdx-lab: '), lines[0]);
  return lines[0];
}

test('status on a checkout without an Electron build: one line, exit 1', async () => {
  const t = fakeTree();
  try {
    const r = await run(['status', '--root', t.root]);
    assert.equal(r.code, 1);
    assert.match(
      oneLine(r.stderr),
      /the Electron build is missing: .*native-electron\/38\.8\.6-139-linux-x64 does not exist/,
    );
    assert.equal(r.stdout, '');
  } finally {
    t.cleanup();
  }
});

test("npm start's step without Electron's binary: one line saying so and what to run; nothing built", async () => {
  const t = fakeTree({ electronBinary: false });
  try {
    const r = await run(['ensure', '--for', 'start', '--root', t.root]);
    assert.equal(r.code, 1);
    assert.match(
      oneLine(r.stderr),
      /Electron 38\.8\.6's binary is not installed .*node node_modules\/electron\/install\.js/,
    );
    assert.equal(existsSync(join(t.root, 'native-electron')), false);
  } finally {
    t.cleanup();
  }
});

test("a rebuild where Electron's headers cannot be downloaded: one line, exit 1, no build folder, no stage, node_modules untouched", async () => {
  const t = fakeTree();
  const tmp = mkdtempSync(join(tmpdir(), 'tdx-lab-script-'));
  try {
    mkdirSync(join(tmp, 'home'));
    mkdirSync(join(tmp, 'stages'));
    const nm = treeDigest(join(t.root, 'node_modules'));
    const headers = `http://127.0.0.1:${await closedPort()}`;
    const r = await run(['rebuild', '--root', t.root, '--build-from-source', '--dist-url', headers], {
      HOME: join(tmp, 'home'), // no cached headers in ~/.electron-gyp
      USERPROFILE: join(tmp, 'home'),
      TMPDIR: join(tmp, 'stages'),
      TMP: join(tmp, 'stages'),
      TEMP: join(tmp, 'stages'),
    });
    assert.equal(r.code, 1, r.stderr);
    const line = oneLine(r.stderr);
    const logFile = join(tmp, 'stages', 'tdx-lab-electron-rebuild.log');
    const log = existsSync(logFile) ? readFileSync(logFile, 'utf8') : '(no log)';
    assert.match(
      line,
      /^tdx-lab: cannot build better-sqlite3 for Electron 38\.8\.6 \(NODE_MODULE_VERSION 139, .*\): could not download Electron's headers or a prebuilt binary .*; log: .*tdx-lab-electron-rebuild\.log; nothing was installed$/,
      `the build's log:\n${log.slice(-3000)}`,
    );
    assert.match(r.stdout, /building better-sqlite3 for Electron 38\.8\.6/);
    assert.equal(existsSync(join(t.root, 'native-electron', '38.8.6-139-linux-x64')), false);
    assert.deepEqual(
      readdirSync(join(tmp, 'stages')).filter((f) => f !== 'tdx-lab-electron-rebuild.log'),
      [],
      'the stage was removed',
    );
    assert.equal(treeDigest(join(t.root, 'node_modules')), nm, "node_modules' better-sqlite3 is untouched");
  } finally {
    t.cleanup();
    rmSync(tmp, { recursive: true, force: true });
  }
});

test('usage errors: one line, exit 2', async () => {
  let r = await run(['frobnicate']);
  assert.equal(r.code, 2);
  assert.match(oneLine(r.stderr), /unknown command 'frobnicate'/);
  r = await run(['ensure', '--for', 'later']);
  assert.equal(r.code, 2);
  assert.match(oneLine(r.stderr), /--for: expected start or dist, got 'later'/);
  r = await run(['ensure', '--bogus']);
  assert.equal(r.code, 2);
  assert.match(oneLine(r.stderr), /Unknown option '--bogus'/);
});
