/**
 * What the app's faces get from the binding choice: the store options the
 * main process hands on, and — when the Electron build is missing — the API's
 * answer, the worker store's error and the CPUID loader's reason, each
 * saying why and what to run (never a bare "unavailable").
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { appStoreOptions } from '../../main/electron-main/store-options.js';
import { selectNativeBindings } from '../../main/native-binding/select.js';
import { readTreeFacts } from '../../main/native-binding/tree-facts.js';
import { PROJECT_ROOT } from '../helpers/golden.js';
import { tempDir } from '../store/helpers.js';
import { TARGET, fakeTree, writeElectronBuild } from './fake-tree.js';

const HERE = dirname(fileURLToPath(import.meta.url));

test('the app opens its store in a worker, with the Electron build when there is one', () => {
  const t = fakeTree();
  try {
    const facts = readTreeFacts({ projectRoot: t.root });
    const db = { path: '/home/me/.local/share/tdx-lab/lab.db', isDefault: true };
    const electron = {
      versions: { node: '22.20.0', modules: '139', electron: '38.8.6' },
      platform: 'linux',
      arch: 'x64',
    };
    assert.deepEqual(appStoreOptions(db, selectNativeBindings(electron, facts)), { mode: 'worker', createDir: true });
    const dir = writeElectronBuild(t.root, TARGET, {
      'better-sqlite3': { source: 'better-sqlite3@12.11.1', file: 'better_sqlite3.node' },
      'tdx-probe': { source: facts.cpuidSource!, file: 'tdx_probe.node' },
    });
    assert.deepEqual(appStoreOptions(db, selectNativeBindings(electron, readTreeFacts({ projectRoot: t.root }))), {
      mode: 'worker',
      createDir: true,
      nativeBinding: join(dir, 'better_sqlite3.node'),
    });
  } finally {
    t.cleanup();
  }
});

test('inside Electron without its build: the API, the worker store and the CPUID loader all say why and what to run', () => {
  const { dir, cleanup } = tempDir();
  try {
    const db = join(dir, 'lab.db');
    const r = spawnSync(process.execPath, [join(HERE, 'as-electron.js'), db], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    const key = `38.8.6-${process.versions.modules}-${process.platform}-${process.arch}`;
    const why = `the SQLite driver (better-sqlite3) cannot load in the app: there is no build for Electron 38.8.6 (NODE_MODULE_VERSION ${process.versions.modules}, ${process.platform}-${process.arch}): ${join(PROJECT_ROOT, 'native-electron', key)} does not exist; run \`npm run rebuild:electron\` in ${PROJECT_ROOT}`;
    assert.deepEqual(out.listed, {
      ok: false,
      error: { code: 'unavailable', message: `sessions are not available: ${db}: ${why}` },
    });
    assert.deepEqual(out.worker, { code: 'cannot-open', message: `${db}: ${why}` });
    assert.equal(out.native.ok, false);
    assert.match(out.native.reason, /^the CPUID addon cannot load in the app: .*; run `npm run rebuild:electron`/);
    assert.equal(out.bindings.runtime, 'electron');
    assert.equal(existsSync(db), false, 'nothing was created');
  } finally {
    cleanup();
  }
});
