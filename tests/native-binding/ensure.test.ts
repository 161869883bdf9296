/**
 * The build script's decisions and installation on fake trees, with a fake
 * builder (the real one needs Electron's headers: electron-script.test.ts
 * runs it where they cannot be downloaded).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  decideEnsure,
  ensureElectronBuild,
  readElectronInstall,
  type Builder,
  type BuildJob,
  type ElectronInstall,
} from '../../main/native-binding/ensure.js';
import {
  declaredAbis,
  electronBuildDir,
  electronBuildState,
  type BuildState,
} from '../../main/native-binding/electron-build.js';
import { cleanBuildEnv } from '../../main/native-binding/electron-rebuild.js';
import { PROJECT_ROOT } from '../helpers/golden.js';
import { selectNativeBindings } from '../../main/native-binding/select.js';
import { expectedSources, readFolder, readTreeFacts } from '../../main/native-binding/tree-facts.js';
import { TARGET, fakeTree, treeDigest, writeElectronBuild } from './fake-tree.js';

const INSTALLED: ElectronInstall = { version: '38.8.6', abi: '139', binary: true };
const PRESENT: BuildState = { state: 'present', dir: '/w/native-electron/k', modules: {} as never };
const MISSING: BuildState = {
  state: 'missing',
  dir: '/w/native-electron/k',
  reason: '/w/native-electron/k does not exist',
};
const STALE: BuildState = { state: 'stale', dir: '/w/native-electron/k', reason: 'better-sqlite3 was built from x' };

/** A builder that writes a recognisable file where node-gyp would, and records its jobs. */
function fakeBuilder(opts: { fail?: Partial<Record<string, string>>; alsoWrite?: string; abi?: string } = {}) {
  const jobs: (BuildJob & { stageDeps: Record<string, string> })[] = [];
  const builder: Builder = async (job) => {
    jobs.push({ ...job, stageDeps: JSON.parse(readFileSync(join(job.stageDir, 'package.json'), 'utf8')).dependencies });
    if (opts.alsoWrite) writeFileSync(opts.alsoWrite, 'clobbered');
    const why = opts.fail?.[job.module];
    if (why) throw new Error(why);
    const out = join(job.moduleDir, job.output);
    mkdirSync(join(out, '..'), { recursive: true });
    // What a real binary carries: better-sqlite3 registers for one ABI, the Node-API addon for none.
    const tag =
      job.module === 'better-sqlite3'
        ? `node_register_module_v${opts.abi ?? job.target.abi}`
        : 'napi_register_module_v1';
    writeFileSync(out, `ELECTRON ${job.target.electron} ${job.module} ${tag}`);
  };
  return { builder, jobs };
}

function stageRoot(): { dir: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'tdx-lab-stages-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

test('decision: missing or stale builds, present does nothing, rebuild always builds, status only reports', () => {
  const d = (command: 'ensure' | 'rebuild' | 'status', state: BuildState) =>
    decideEnsure({ command, forStart: false, electron: INSTALLED, state });
  assert.equal(d('ensure', MISSING).action, 'build');
  assert.match(d('ensure', MISSING).line, /is missing \(.*does not exist\): building it/);
  assert.equal(d('ensure', STALE).action, 'build');
  assert.match(d('ensure', STALE).line, /is stale \(better-sqlite3 was built from x\)/);
  assert.equal(d('ensure', PRESENT).action, 'none');
  assert.equal(d('rebuild', PRESENT).action, 'build');
  assert.equal(d('status', MISSING).action, 'none');
  assert.equal(d('status', PRESENT).action, 'none');
});

test('decision: without electron, its ABI, or (for npm start) its binary: stop with one line', () => {
  const stop = (electron: ElectronInstall, forStart: boolean, state: BuildState | null = MISSING) =>
    decideEnsure({ command: 'ensure', forStart, electron, state });
  let r = stop({ version: null, abi: null, binary: false }, true, null);
  assert.equal(r.action, 'stop');
  assert.match(r.line, /electron is not installed in node_modules: run `npm install`/);
  r = stop({ version: '99.0.0', abi: null, binary: true }, false, null);
  assert.match(r.line, /cannot tell Electron 99\.0\.0's NODE_MODULE_VERSION/);
  r = stop({ ...INSTALLED, binary: false }, true);
  assert.equal(r.action, 'stop');
  assert.match(
    r.line,
    /Electron 38\.8\.6's binary is not installed .*ELECTRON_SKIP_BINARY_DOWNLOAD.*node node_modules\/electron\/install\.js/,
  );
  assert.ok(!r.line.includes('\n'));
  // Packaging downloads its own Electron: the binary is not needed for dist.
  assert.equal(stop({ ...INSTALLED, binary: false }, false).action, 'build');
});

test('node_modules/electron read from the tree: version, and whether its binary was downloaded', () => {
  const a = fakeTree({ electronBinary: false });
  const b = fakeTree({ electronBinary: true });
  const c = fakeTree({ electron: null });
  try {
    assert.deepEqual(readElectronInstall(a.root), { version: '38.8.6', binary: false });
    assert.deepEqual(readElectronInstall(b.root), { version: '38.8.6', binary: true });
    assert.deepEqual(readElectronInstall(c.root), { version: null, binary: false });
  } finally {
    a.cleanup();
    b.cleanup();
    c.cleanup();
  }
});

test('missing -> built into native-electron/<key> from a stage outside the tree; node_modules untouched; present after', async () => {
  const t = fakeTree();
  const s = stageRoot();
  try {
    const nm = treeDigest(join(t.root, 'node_modules'));
    const nativeBuild = treeDigest(join(t.root, 'native', 'build'));
    const { builder, jobs } = fakeBuilder();
    const lines: string[] = [];
    const r = await ensureElectronBuild({
      root: t.root,
      command: 'ensure',
      electron: INSTALLED,
      platform: 'linux',
      arch: 'x64',
      builder,
      tmpRoot: s.dir,
      log: (l) => lines.push(l),
    });
    assert.deepEqual(r, { ok: true, action: 'built', dir: electronBuildDir(t.root, TARGET) });
    assert.deepEqual(
      jobs.map((j) => j.module),
      ['better-sqlite3', 'tdx-probe'],
    );
    for (const j of jobs) {
      assert.ok(j.stageDir.startsWith(s.dir), 'built in a stage outside the checkout');
      assert.ok(!j.moduleDir.startsWith(t.root));
      assert.ok(j.module in j.stageDeps, 'the stage depends on the module (how @electron/rebuild finds it)');
      assert.ok(existsSync(j.moduleDir) === false, 'the stage is gone once the run ends');
    }
    assert.equal(treeDigest(join(t.root, 'node_modules')), nm, "node_modules' better-sqlite3 is untouched");
    assert.equal(treeDigest(join(t.root, 'native', 'build')), nativeBuild);
    const dir = electronBuildDir(t.root, TARGET);
    assert.deepEqual(readdirSync(dir).sort(), ['better_sqlite3.node', 'build.json', 'tdx_probe.node']);
    assert.equal(
      readFileSync(join(dir, 'better_sqlite3.node'), 'utf8'),
      'ELECTRON 38.8.6 better-sqlite3 node_register_module_v139',
    );
    assert.deepEqual(readdirSync(join(t.root, 'native-electron')), ['38.8.6-139-linux-x64'], 'no leftovers');
    assert.deepEqual(readdirSync(s.dir), [], 'the stage was removed');
    assert.match(
      lines.join('\n'),
      /building better-sqlite3 for Electron 38\.8\.6 .*\n.*tdx-probe.*\n.*installed the Electron build in/,
    );

    // What it wrote is what the app accepts...
    const facts = readTreeFacts({ projectRoot: t.root });
    assert.equal(electronBuildState(readFolder(dir), TARGET, expectedSources(facts)).state, 'present');
    const app = selectNativeBindings(
      { versions: { node: '22.20.0', modules: '139', electron: '38.8.6' }, platform: 'linux', arch: 'x64' },
      facts,
    );
    assert.deepEqual(app.sqlite, { ok: true, file: join(dir, 'better_sqlite3.node') });
    // ...and the next `npm start` does nothing.
    const again = fakeBuilder();
    const r2 = await ensureElectronBuild({
      root: t.root,
      command: 'ensure',
      electron: INSTALLED,
      platform: 'linux',
      arch: 'x64',
      builder: again.builder,
      tmpRoot: s.dir,
    });
    assert.deepEqual(r2, { ok: true, action: 'none', dir });
    assert.equal(again.jobs.length, 0);
  } finally {
    t.cleanup();
    s.cleanup();
  }
});

test('stale (better-sqlite3 upgraded) -> rebuilt in place of the old folder; other Electron versions pruned', async () => {
  const t = fakeTree({ sqliteVersion: '12.12.0' });
  const s = stageRoot();
  try {
    const dir = writeElectronBuild(t.root, TARGET, {
      'better-sqlite3': { source: 'better-sqlite3@12.11.1', file: 'better_sqlite3.node' },
    });
    const older = writeElectronBuild(
      t.root,
      { ...TARGET, electron: '37.2.0', abi: '136' },
      {
        'better-sqlite3': { source: 'better-sqlite3@12.11.1', file: 'better_sqlite3.node' },
      },
    );
    const otherArch = writeElectronBuild(
      t.root,
      { ...TARGET, arch: 'arm64' },
      {
        'better-sqlite3': { source: 'better-sqlite3@12.11.1', file: 'better_sqlite3.node' },
      },
    );
    mkdirSync(join(t.root, 'native-electron', 'my-notes')); // not ours: left alone
    const { builder } = fakeBuilder();
    const lines: string[] = [];
    const r = await ensureElectronBuild({
      root: t.root,
      command: 'ensure',
      electron: INSTALLED,
      platform: 'linux',
      arch: 'x64',
      builder,
      tmpRoot: s.dir,
      log: (l) => lines.push(l),
    });
    assert.equal(r.ok && r.action, 'built');
    assert.match(
      lines[0],
      /stale \(better-sqlite3 was built from better-sqlite3@12\.11\.1, but the tree now has better-sqlite3@12\.12\.0\)/,
    );
    const manifest = JSON.parse(readFileSync(join(dir, 'build.json'), 'utf8'));
    assert.equal(manifest.modules['better-sqlite3'].source, 'better-sqlite3@12.12.0');
    assert.equal(existsSync(older), false, 'the build for Electron 37 (unreachable now) was removed');
    assert.equal(existsSync(otherArch), true, 'an arm64 build is kept');
    assert.equal(existsSync(join(t.root, 'native-electron', 'my-notes')), true);
  } finally {
    t.cleanup();
    s.cleanup();
  }
});

test('the required build fails: one line, nothing installed, an existing (stale) build left as it was, no stage left', async () => {
  const t = fakeTree({ sqliteVersion: '12.12.0' });
  const s = stageRoot();
  try {
    const dir = writeElectronBuild(t.root, TARGET, {
      'better-sqlite3': { source: 'better-sqlite3@12.11.1', file: 'better_sqlite3.node' },
    });
    const before = treeDigest(join(t.root, 'native-electron'));
    const nm = treeDigest(join(t.root, 'node_modules'));
    const { builder } = fakeBuilder({ fail: { 'better-sqlite3': "could not download Electron's headers\nstack..." } });
    const r = await ensureElectronBuild({
      root: t.root,
      command: 'ensure',
      electron: INSTALLED,
      platform: 'linux',
      arch: 'x64',
      builder,
      tmpRoot: s.dir,
    });
    assert.equal(r.ok, false);
    if (!r.ok) {
      assert.equal(
        r.line,
        `cannot build better-sqlite3 for Electron 38.8.6 (NODE_MODULE_VERSION 139, linux-x64): could not download Electron's headers; nothing was installed (${dir} is as it was)`,
      );
    }
    assert.equal(treeDigest(join(t.root, 'native-electron')), before);
    assert.equal(treeDigest(join(t.root, 'node_modules')), nm);
    assert.deepEqual(readdirSync(s.dir), []);

    // On a tree with no build at all, nothing appears.
    const fresh = fakeTree();
    const r2 = await ensureElectronBuild({
      root: fresh.root,
      command: 'ensure',
      electron: INSTALLED,
      platform: 'linux',
      arch: 'x64',
      builder,
      tmpRoot: s.dir,
    });
    assert.equal(r2.ok, false);
    if (!r2.ok) assert.match(r2.line, /; nothing was installed$/);
    assert.equal(existsSync(join(fresh.root, 'native-electron', '38.8.6-139-linux-x64')), false);
    fresh.cleanup();
  } finally {
    t.cleanup();
    s.cleanup();
  }
});

test('the optional CPUID addon fails: the build is installed with the reason recorded', async () => {
  const t = fakeTree();
  const s = stageRoot();
  try {
    const { builder } = fakeBuilder({ fail: { 'tdx-probe': 'no C++ compiler' } });
    const r = await ensureElectronBuild({
      root: t.root,
      command: 'ensure',
      electron: INSTALLED,
      platform: 'linux',
      arch: 'x64',
      builder,
      tmpRoot: s.dir,
    });
    assert.equal(r.ok && r.action, 'built');
    const dir = electronBuildDir(t.root, TARGET);
    assert.deepEqual(readdirSync(dir).sort(), ['better_sqlite3.node', 'build.json']);
    assert.equal(
      JSON.parse(readFileSync(join(dir, 'build.json'), 'utf8')).modules['tdx-probe'].error,
      'no C++ compiler',
    );
  } finally {
    t.cleanup();
    s.cleanup();
  }
});

test('a builder that writes into node_modules is caught: nothing installed, the line says what changed', async () => {
  const t = fakeTree();
  const s = stageRoot();
  try {
    const nodeBuild = join(t.root, 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node');
    const { builder } = fakeBuilder({ alsoWrite: nodeBuild });
    const r = await ensureElectronBuild({
      root: t.root,
      command: 'ensure',
      electron: INSTALLED,
      platform: 'linux',
      arch: 'x64',
      builder,
      tmpRoot: s.dir,
    });
    assert.equal(r.ok, false);
    if (!r.ok) assert.match(r.line, /the build changed .*node_modules\/better-sqlite3 .*nothing was installed/);
    assert.equal(existsSync(join(t.root, 'native-electron', '38.8.6-139-linux-x64')), false);
  } finally {
    t.cleanup();
    s.cleanup();
  }
});

test('leftovers of an interrupted run are cleared; a stage inside the checkout is refused', async () => {
  const t = fakeTree();
  try {
    mkdirSync(join(t.root, 'native-electron', '.incoming-abc'), { recursive: true });
    mkdirSync(join(t.root, 'native-electron', '.old-38.8.6-139-linux-x64-1'), { recursive: true });
    const s = stageRoot();
    const { builder } = fakeBuilder();
    const r = await ensureElectronBuild({
      root: t.root,
      command: 'ensure',
      electron: INSTALLED,
      platform: 'linux',
      arch: 'x64',
      builder,
      tmpRoot: s.dir,
    });
    assert.equal(r.ok, true);
    assert.deepEqual(readdirSync(join(t.root, 'native-electron')), ['38.8.6-139-linux-x64']);
    s.cleanup();
    const inTree = await ensureElectronBuild({
      root: t.root,
      command: 'rebuild',
      electron: INSTALLED,
      platform: 'linux',
      arch: 'x64',
      builder,
      tmpRoot: join(t.root, 'tmp'),
    });
    assert.equal(inTree.ok, false);
    if (!inTree.ok) assert.match(inTree.line, /inside .*: use a temporary folder outside the checkout/);
  } finally {
    t.cleanup();
  }
});

test('"npm run dist" on a fake checkout: the Electron build is made and packaged from native-electron; the CLI\'s build in node_modules is untouched', async () => {
  const t = fakeTree({ electronBinary: false }); // packaging needs no Electron binary in node_modules
  const s = stageRoot();
  try {
    const nm = treeDigest(join(t.root, 'node_modules'));
    const { builder } = fakeBuilder();
    const r = await ensureElectronBuild({
      root: t.root,
      command: 'ensure',
      forStart: false,
      electron: { ...INSTALLED, binary: false },
      platform: 'linux',
      arch: 'x64',
      builder,
      tmpRoot: s.dir,
    });
    assert.equal(r.ok && r.action, 'built');
    assert.equal(treeDigest(join(t.root, 'node_modules')), nm);
    // The Node process (the CLI) still picks node_modules' build, byte for byte what it was.
    const cli = selectNativeBindings(
      { versions: { node: '20.20.2', modules: '115' }, platform: 'linux', arch: 'x64' },
      readTreeFacts({ projectRoot: t.root }),
    );
    assert.equal(cli.sqlite.ok && readFileSync(cli.sqlite.file, 'utf8'), 'NODE BUILD, ABI 115');
  } finally {
    t.cleanup();
    s.cleanup();
  }
});

test("a build against Node's headers (npm's nodedir) is caught by the ABI the binary registers for", async () => {
  const t = fakeTree();
  const s = stageRoot();
  try {
    const { builder } = fakeBuilder({ abi: '115' });
    const r = await ensureElectronBuild({
      root: t.root,
      command: 'ensure',
      electron: INSTALLED,
      platform: 'linux',
      arch: 'x64',
      builder,
      tmpRoot: s.dir,
    });
    assert.equal(r.ok, false);
    if (!r.ok)
      assert.match(
        r.line,
        /cannot build better-sqlite3 .*: the build made a binary for NODE_MODULE_VERSION 115, not 139 \(node-gyp used other headers than Electron's: is npm's `nodedir` set\?\); nothing was installed/,
      );
    assert.equal(existsSync(join(t.root, 'native-electron', '38.8.6-139-linux-x64')), false);
  } finally {
    t.cleanup();
    s.cleanup();
  }
});

test("the real binaries here declare their ABI: node_modules' better-sqlite3 is Node's, the CPUID addon is Node-API", () => {
  const nodeBuild = readFileSync(
    join(PROJECT_ROOT, 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node'),
  );
  assert.deepEqual(declaredAbis(nodeBuild), [process.versions.modules]);
  const addon = join(PROJECT_ROOT, 'native', 'build', 'Release', 'tdx_probe.node');
  if (existsSync(addon)) assert.deepEqual(declaredAbis(readFileSync(addon)), []);
});

test("the build's environment drops npm settings that would point node-gyp at other headers", () => {
  const env = cleanBuildEnv({
    PATH: '/usr/bin',
    HOME: '/home/me',
    npm_config_nodedir: '/usr',
    NPM_CONFIG_TARGET: '20.0.0',
    npm_config_runtime: 'node',
    npm_config_disturl: 'https://nodejs.org/dist',
    'npm_config_dist-url': 'x',
    npm_config_cache: '/home/me/.npm',
    npm_config_user_agent: 'npm/11',
  });
  assert.deepEqual(env, {
    PATH: '/usr/bin',
    HOME: '/home/me',
    npm_config_cache: '/home/me/.npm',
    npm_config_user_agent: 'npm/11',
  });
});
