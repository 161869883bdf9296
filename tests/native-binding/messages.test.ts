/** The one-line reasons: a failed Electron build (from its log) and a native driver that will not load. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { explainBuildFailure } from '../../main/native-binding/build-failure.js';
import { addonLoadProblem } from '../../main/native-binding/load-error.js';
import { openLabStore } from '../../main/store/lab-store.js';
import { StoreError } from '../../main/store/errors.js';
import { FIXTURES } from '../helpers/golden.js';

test("the log of a rebuild on this machine (no DNS): Electron's headers could not be downloaded", () => {
  const log = readFileSync(join(FIXTURES, 'native-binding', 'rebuild-no-network.log'), 'utf8');
  assert.equal(
    explainBuildFailure(log),
    "could not download Electron's headers or a prebuilt binary (no network access to electronjs.org and github.com?)",
  );
});

test('toolchain failures are named; anything else gives the last error line', () => {
  assert.match(explainBuildFailure('gyp ERR! stack Error: not found: make\n'), /^no `make`: install a C\+\+ toolchain/);
  assert.match(explainBuildFailure('gyp ERR! find Python Python is not set\n'), /^no Python 3/);
  assert.match(explainBuildFailure('/bin/sh: 1: g++: not found\n'), /^no C\+\+ compiler/);
  assert.equal(
    explainBuildFailure('CXX foo.o\n../src/x.cpp:1:10: error: expected ; before }\nmake: *** [x.o] Error 1\n'),
    'make: *** [x.o] Error 1',
  );
  assert.equal(explainBuildFailure(''), 'the build failed');
});

test('the ABI mismatch Node reports is told as the two NODE_MODULE_VERSIONs', () => {
  // Node's own wording (src/node_binding.cc), as a user of an in-place Electron rebuild sees it.
  const e = Object.assign(
    new Error(
      "The module '/w/node_modules/better-sqlite3/build/Release/better_sqlite3.node'\nwas compiled against a different Node.js version using\nNODE_MODULE_VERSION 139. This version of Node.js requires\nNODE_MODULE_VERSION 115. Please try re-compiling or re-installing\nthe module (for instance, using `npm rebuild` or `npm install`).",
    ),
    { code: 'ERR_DLOPEN_FAILED' },
  );
  assert.equal(addonLoadProblem(e), 'it was built for NODE_MODULE_VERSION 139, and this runtime needs 115');
  assert.equal(addonLoadProblem(new Error('SQLITE_BUSY')), null, 'other errors are not driver failures');
});

test('a driver binary that will not load: the store says so in one line with what to run, and creates nothing', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tdx-lab-driver-'));
  try {
    const bogus = join(dir, 'better_sqlite3.node');
    writeFileSync(bogus, 'not an ELF file at all');
    const db = join(dir, 'lab.db');
    for (const [binding, why] of [
      [
        bogus,
        /cannot load the SQLite driver \(.*better_sqlite3\.node: (invalid ELF header|.*)\); run `npm rebuild better-sqlite3`/,
      ],
      [join(dir, 'nope.node'), /cannot load the SQLite driver \(Cannot find module .*nope\.node.*\); run `npm rebuild/],
    ] as const) {
      assert.throws(
        () => openLabStore(db, { nativeBinding: binding }),
        (e: unknown) =>
          e instanceof StoreError &&
          e.code === 'cannot-open' &&
          e.message.startsWith(`${db}: `) &&
          why.test(e.message) &&
          !e.message.includes('\n'),
      );
    }
    assert.equal(existsSync(db), false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the same failure inside the store worker crosses as the same StoreError', async () => {
  const { openStore } = await import('../../main/store/worker/open-store.js');
  const dir = mkdtempSync(join(tmpdir(), 'tdx-lab-driver-'));
  try {
    const bogus = join(dir, 'better_sqlite3.node');
    writeFileSync(bogus, 'not an ELF file at all');
    const db = join(dir, 'lab.db');
    await assert.rejects(
      openStore(db, { mode: 'worker', nativeBinding: bogus }),
      (e: unknown) =>
        e instanceof StoreError &&
        e.code === 'cannot-open' &&
        /^.*lab\.db: cannot load the SQLite driver \(.*better_sqlite3\.node.*\); run `npm rebuild better-sqlite3`/.test(
          e.message,
        ),
    );
    assert.equal(existsSync(db), false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
