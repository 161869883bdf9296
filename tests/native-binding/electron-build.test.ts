/** The build folder decision (missing / stale / present) and build.json's reader. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  MANIFEST_MAX_BYTES,
  electronBuildKey,
  electronBuildState,
  parseManifest,
  type BuildFolderView,
  type ElectronTarget,
} from '../../main/native-binding/electron-build.js';

const T: ElectronTarget = { electron: '38.8.6', abi: '139', platform: 'linux', arch: 'x64' };
const EXPECTED = { 'better-sqlite3': 'better-sqlite3@12.11.1', 'tdx-probe': 'native@sha256:aaaa' };

function view(manifest: unknown, files: string[]): BuildFolderView {
  return {
    dir: '/w/native-electron/38.8.6-139-linux-x64',
    manifestText: manifest === null ? null : typeof manifest === 'string' ? manifest : JSON.stringify(manifest),
    has: (f) => files.includes(f),
  };
}

const good = {
  format: 'tdx-lab-electron-build',
  version: 1,
  target: T,
  modules: {
    'better-sqlite3': { source: 'better-sqlite3@12.11.1', file: 'better_sqlite3.node' },
    'tdx-probe': { source: 'native@sha256:aaaa', file: 'tdx_probe.node' },
  },
  builtAt: '2026-01-01T00:00:00.000Z',
};
const FILES = ['better_sqlite3.node', 'tdx_probe.node', 'build.json'];

test('the key names the Electron version, its ABI, the platform and the arch', () => {
  assert.equal(electronBuildKey(T), '38.8.6-139-linux-x64');
});

test('missing: no folder (nothing there at all)', () => {
  const s = electronBuildState(view(null, []), T, EXPECTED);
  assert.equal(s.state, 'missing');
});

test('present: the manifest matches the target and the sources, every file is there', () => {
  const s = electronBuildState(view(good, FILES), T, EXPECTED);
  assert.equal(s.state, 'present');
  if (s.state === 'present') {
    assert.deepEqual(s.modules['better-sqlite3'], {
      ok: true,
      file: '/w/native-electron/38.8.6-139-linux-x64/better_sqlite3.node',
    });
    assert.equal(s.modules['tdx-probe'].ok, true);
  }
});

test('present when the tree cannot tell the sources (a packaged app): not judged stale for it', () => {
  const s = electronBuildState(view(good, FILES), T, { 'better-sqlite3': null, 'tdx-probe': null });
  assert.equal(s.state, 'present');
});

test('stale: every way a folder can be out of date, each with its reason', () => {
  const cases: [unknown, string[], RegExp][] = [
    [null, ['better_sqlite3.node'], /has better_sqlite3\.node but no build\.json/],
    ['{ not json', FILES, /build\.json: malformed JSON/],
    ['x'.repeat(MANIFEST_MAX_BYTES + 1), FILES, /larger than 65536 bytes/],
    [{ ...good, version: 2 }, FILES, /\$\.version: expected 1, got 2/],
    [{ ...good, target: { ...T, abi: '136' } }, FILES, /built for Electron 38\.8\.6 \(NODE_MODULE_VERSION 136/],
    [
      {
        ...good,
        modules: {
          ...good.modules,
          'better-sqlite3': { source: 'better-sqlite3@12.0.0', file: 'better_sqlite3.node' },
        },
      },
      FILES,
      /better-sqlite3 was built from better-sqlite3@12\.0\.0, but the tree now has better-sqlite3@12\.11\.1/,
    ],
    [{ ...good, modules: { 'tdx-probe': good.modules['tdx-probe'] } }, FILES, /has no record of better-sqlite3/],
    [good, ['tdx_probe.node', 'build.json'], /better_sqlite3\.node is missing/],
    [
      { ...good, modules: { ...good.modules, 'better-sqlite3': { source: 'better-sqlite3@12.11.1', error: 'x' } } },
      FILES,
      /better-sqlite3 did not build: x/,
    ],
    [
      { ...good, modules: { ...good.modules, 'tdx-probe': { source: 'native@sha256:aaaa', file: 'a', error: 'b' } } },
      FILES,
      /exactly one of "file" and "error"/,
    ],
  ];
  for (const [manifest, files, why] of cases) {
    const s = electronBuildState(view(manifest, files), T, EXPECTED);
    assert.equal(s.state, 'stale', JSON.stringify(manifest).slice(0, 80));
    if (s.state === 'stale') assert.match(s.reason, why);
  }
});

test('an optional module recorded as not built keeps the folder present, with the reason', () => {
  const m = { ...good, modules: { ...good.modules, 'tdx-probe': { source: 'native@sha256:aaaa', error: 'no make' } } };
  const s = electronBuildState(view(m, ['better_sqlite3.node', 'build.json']), T, EXPECTED);
  assert.equal(s.state, 'present');
  if (s.state === 'present') {
    assert.equal(s.modules['tdx-probe'].ok, false);
    if (!s.modules['tdx-probe'].ok) assert.match(s.modules['tdx-probe'].reason, /not built for Electron .*: no make/);
  }
});

test('build.json from a newer tdx-lab with an extra module: that module is not ours to judge', () => {
  const p = parseManifest(JSON.stringify({ ...good, modules: { ...good.modules, 'future-addon': { source: 'x' } } }));
  assert.equal(p.ok, true);
  if (p.ok) assert.deepEqual(Object.keys(p.manifest.modules), ['better-sqlite3', 'tdx-probe']);
});
