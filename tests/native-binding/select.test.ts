/** Which binaries a process loads: Node (electron unset) and Electron (set), on fake trees. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { electronBuildDir } from '../../main/native-binding/electron-build.js';
import {
  choiceProblem,
  selectNativeBindings,
  sqliteNativeBinding,
  type ProcessFacts,
} from '../../main/native-binding/select.js';
import { readTreeFacts } from '../../main/native-binding/tree-facts.js';
import { TARGET, fakeTree, writeElectronBuild } from './fake-tree.js';

const NODE: ProcessFacts = { versions: { node: '20.20.2', modules: '115' }, platform: 'linux', arch: 'x64' };
const ELECTRON: ProcessFacts = {
  versions: { node: '22.20.0', modules: '139', electron: '38.8.6' },
  platform: 'linux',
  arch: 'x64',
};

function freshBuild(root: string): string {
  const facts = readTreeFacts({ projectRoot: root });
  return writeElectronBuild(root, TARGET, {
    'better-sqlite3': { source: 'better-sqlite3@12.11.1', file: 'better_sqlite3.node' },
    'tdx-probe': { source: facts.cpuidSource!, file: 'tdx_probe.node' },
  });
}

test('Node (electron unset): the builds in node_modules and native/build, and better-sqlite3 finds its own', () => {
  const t = fakeTree();
  try {
    freshBuild(t.root); // an Electron build beside it changes nothing for Node
    const b = selectNativeBindings(NODE, readTreeFacts({ projectRoot: t.root }));
    assert.equal(b.runtime, 'node');
    assert.equal(b.target, null);
    assert.deepEqual(b.sqlite, {
      ok: true,
      file: join(t.root, 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node'),
    });
    assert.deepEqual(b.cpuid, { ok: true, file: join(t.root, 'native', 'build', 'Release', 'tdx_probe.node') });
    assert.equal(sqliteNativeBinding(b), undefined, 'the CLI opens the store exactly as before');
  } finally {
    t.cleanup();
  }
});

test('Electron (electron set), build present: the files in native-electron/<version>-<abi>-<platform>-<arch>', () => {
  const t = fakeTree();
  try {
    const dir = freshBuild(t.root);
    assert.equal(dir, join(t.root, 'native-electron', '38.8.6-139-linux-x64'));
    const b = selectNativeBindings(ELECTRON, readTreeFacts({ projectRoot: t.root }));
    assert.equal(b.runtime, 'electron');
    assert.deepEqual(b.target, TARGET);
    assert.deepEqual(b.sqlite, { ok: true, file: join(dir, 'better_sqlite3.node') });
    assert.deepEqual(b.cpuid, { ok: true, file: join(dir, 'tdx_probe.node') });
    assert.equal(sqliteNativeBinding(b), join(dir, 'better_sqlite3.node'));
    assert.ok(!b.sqlite.ok || !b.sqlite.file.includes('node_modules'), 'never a file inside node_modules');
  } finally {
    t.cleanup();
  }
});

test('Electron, build missing: says which build is missing and what to run, never a bare "unavailable"', () => {
  const t = fakeTree();
  try {
    const b = selectNativeBindings(ELECTRON, readTreeFacts({ projectRoot: t.root }));
    assert.equal(b.sqlite.ok, false);
    const line = choiceProblem(b.sqlite)!;
    assert.equal(
      line,
      `the SQLite driver (better-sqlite3) cannot load in the app: there is no build for Electron 38.8.6 (NODE_MODULE_VERSION 139, linux-x64): ${electronBuildDir(t.root, TARGET)} does not exist; run \`npm run rebuild:electron\` in ${t.root}`,
    );
    assert.equal(b.cpuid.ok, false);
    assert.match(choiceProblem(b.cpuid)!, /^the CPUID addon cannot load in the app: .*npm run rebuild:electron/);
    assert.equal(sqliteNativeBinding(b), undefined);
  } finally {
    t.cleanup();
  }
});

test('Electron, stale: better-sqlite3 upgraded since the build', () => {
  const t = fakeTree({ sqliteVersion: '12.12.0' });
  try {
    freshBuild(t.root); // recorded 12.11.1
    const b = selectNativeBindings(ELECTRON, readTreeFacts({ projectRoot: t.root }));
    assert.equal(b.sqlite.ok, false);
    assert.match(
      choiceProblem(b.sqlite)!,
      /its build for Electron 38\.8\.6 .* is stale: better-sqlite3 was built from better-sqlite3@12\.11\.1, but the tree now has better-sqlite3@12\.12\.0; run `npm run rebuild:electron`/,
    );
  } finally {
    t.cleanup();
  }
});

test('Electron, stale: the CPUID sources changed, a file went missing, build.json is not ours', () => {
  const t = fakeTree();
  try {
    const dir = freshBuild(t.root);
    writeFileSync(join(t.root, 'native', 'src', 'cpuid.cc'), '// changed\n');
    let b = selectNativeBindings(ELECTRON, readTreeFacts({ projectRoot: t.root }));
    assert.match(
      choiceProblem(b.sqlite)!,
      /stale: tdx-probe was built from native@sha256:\w+, but the tree now has native@sha256:/,
    );

    const t2 = fakeTree();
    const d2 = freshBuild(t2.root);
    writeFileSync(join(d2, 'build.json'), '{ "format": "something-else" }');
    b = selectNativeBindings(ELECTRON, readTreeFacts({ projectRoot: t2.root }));
    assert.match(choiceProblem(b.sqlite)!, /stale: .*build\.json: \$\.format: expected "tdx-lab-electron-build"/);
    t2.cleanup();

    // A build for another Electron copied into this folder's name.
    writeElectronBuild(
      t.root,
      TARGET,
      { 'better-sqlite3': { source: 'better-sqlite3@12.11.1', file: 'better_sqlite3.node' } },
      { manifestTarget: { ...TARGET, electron: '37.1.0', abi: '136' } },
    );
    b = selectNativeBindings(ELECTRON, readTreeFacts({ projectRoot: t.root }));
    assert.match(
      choiceProblem(b.sqlite)!,
      /was built for Electron 37\.1\.0 \(NODE_MODULE_VERSION 136, linux-x64\), not Electron 38\.8\.6/,
    );
    assert.ok(dir);
  } finally {
    t.cleanup();
  }
});

test('Electron, the optional CPUID addon did not build: the store still loads, the addon says why', () => {
  const t = fakeTree();
  try {
    const facts = readTreeFacts({ projectRoot: t.root });
    const dir = writeElectronBuild(t.root, TARGET, {
      'better-sqlite3': { source: 'better-sqlite3@12.11.1', file: 'better_sqlite3.node' },
      'tdx-probe': { source: facts.cpuidSource!, error: 'no C++ compiler' },
    });
    const b = selectNativeBindings(ELECTRON, facts);
    assert.deepEqual(b.sqlite, { ok: true, file: join(dir, 'better_sqlite3.node') });
    assert.equal(b.cpuid.ok, false);
    assert.match(
      choiceProblem(b.cpuid)!,
      /tdx-probe was not built for Electron 38\.8\.6 .*: no C\+\+ compiler; run `npm run rebuild:electron` .*C\+\+ toolchain/,
    );
  } finally {
    t.cleanup();
  }
});

test('Electron, another platform or arch: its own folder (an x64 build is not an arm64 one)', () => {
  const t = fakeTree();
  try {
    freshBuild(t.root);
    const b = selectNativeBindings({ ...ELECTRON, arch: 'arm64' }, readTreeFacts({ projectRoot: t.root }));
    assert.equal(b.sqlite.ok, false);
    assert.match(choiceProblem(b.sqlite)!, /38\.8\.6-139-linux-arm64 does not exist/);
  } finally {
    t.cleanup();
  }
});

test('a packaged app loads the build from its resources; when that lacks it, the fix is to reinstall', () => {
  const t = fakeTree();
  try {
    const resources = join(t.root, 'release', 'resources');
    const asar = join(resources, 'app.asar');
    mkdirSync(asar, { recursive: true }); // stands in for the archive (read through Electron's fs)
    const facts = readTreeFacts({ projectRoot: asar, resourcesDir: resources });
    assert.equal(facts.packaged, true);
    assert.equal(facts.cpuidSource, null, 'a package ships no native sources: no staleness check for them');
    let b = selectNativeBindings(ELECTRON, facts);
    assert.equal(b.sqlite.ok, false);
    assert.match(choiceProblem(b.sqlite)!, /packaged without it: reinstall TDX Platform Lab/);
    assert.doesNotMatch(choiceProblem(b.sqlite)!, /rebuild:electron/);
    const dir = writeElectronBuild(resources, TARGET, {
      'better-sqlite3': { source: 'better-sqlite3@12.11.1', file: 'better_sqlite3.node' },
      'tdx-probe': { source: 'native@sha256:0123456789abcdef', file: 'tdx_probe.node' },
    });
    b = selectNativeBindings(ELECTRON, readTreeFacts({ projectRoot: asar, resourcesDir: resources }));
    assert.deepEqual(b.sqlite, { ok: true, file: join(dir, 'better_sqlite3.node') });
  } finally {
    t.cleanup();
  }
});

test('Node without better-sqlite3 built: says so and what to run', () => {
  const t = fakeTree();
  try {
    const facts = readTreeFacts({ projectRoot: t.root });
    const b = selectNativeBindings(NODE, { ...facts, exists: () => false });
    assert.match(choiceProblem(b.sqlite)!, /better-sqlite3 is not built for Node .*; run `npm rebuild better-sqlite3`/);
    assert.match(choiceProblem(b.cpuid)!, /not built for Node; run `npm run build:native`/);
  } finally {
    t.cleanup();
  }
});
