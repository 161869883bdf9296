/**
 * Which native binaries a process must load, decided from facts alone (the
 * runtime's versions, the platform, what the tree holds): the CLI and `tdx-lab
 * serve` run on Node and load Node's builds (node_modules/better-sqlite3,
 * native/build); the desktop app runs on Electron and loads the Electron build
 * folder (electron-build.ts), from a packaged app's resources first, else from
 * the checkout. When that folder is missing or stale the choice says why and
 * what to run — never a bare "unavailable".
 */
import { join } from 'node:path';
import {
  electronBuildDir,
  electronBuildState,
  describeTarget,
  type BuildFolderView,
  type ElectronTarget,
} from './electron-build.js';

export interface ProcessFacts {
  /** process.versions: `electron` is set only inside Electron (main process, its workers). */
  versions: { node: string; modules: string; electron?: string };
  platform: string;
  arch: string;
}

export interface TreeFacts {
  /** The checkout this code runs from (a packaged app: its app.asar). */
  projectRoot: string;
  /** A packaged app's resources folder (extraResources land there), else null. */
  resourcesDir: string | null;
  /** Whether projectRoot is inside a packaged app (then "rebuild" is not the user's fix). */
  packaged: boolean;
  /** node_modules/better-sqlite3 and its version; null when not installed. */
  sqlitePackageDir: string | null;
  sqliteVersion: string | null;
  /** Digest of native/'s sources (the CPUID addon), null when the tree has none. */
  cpuidSource: string | null;
  exists(path: string): boolean;
  folder(dir: string): BuildFolderView;
}

export type NativeChoice = { ok: true; file: string } | { ok: false; reason: string; fix: string };

export interface NativeBindings {
  runtime: 'node' | 'electron';
  /** What the Electron build must be for (null on Node). */
  target: ElectronTarget | null;
  sqlite: NativeChoice;
  cpuid: NativeChoice;
}

export const REBUILD_ELECTRON_COMMAND = 'npm run rebuild:electron';

/** "why; what to run", the one line a face shows for a choice that failed. */
export function choiceProblem(c: NativeChoice): string | null {
  return c.ok ? null : `${c.reason}; ${c.fix}`;
}

/** The source strings build.json records (electron-build.ts compares them). */
export function sqliteSource(version: string): string {
  return `better-sqlite3@${version}`;
}

function nodeBindings(tree: TreeFacts): NativeBindings {
  let sqlite: NativeChoice;
  if (tree.sqlitePackageDir === null) {
    sqlite = { ok: false, reason: 'better-sqlite3 is not installed in node_modules', fix: 'run `npm install`' };
  } else {
    const file = join(tree.sqlitePackageDir, 'build', 'Release', 'better_sqlite3.node');
    sqlite = tree.exists(file)
      ? { ok: true, file }
      : {
          ok: false,
          reason: `better-sqlite3 is not built for Node (${file} is missing)`,
          fix: 'run `npm rebuild better-sqlite3`',
        };
  }
  const addon = join(tree.projectRoot, 'native', 'build', 'Release', 'tdx_probe.node');
  const cpuid: NativeChoice = tree.exists(addon)
    ? { ok: true, file: addon }
    : { ok: false, reason: 'the CPUID addon is not built for Node', fix: 'run `npm run build:native`' };
  return { runtime: 'node', target: null, sqlite, cpuid };
}

function electronBindings(electron: string, process: ProcessFacts, tree: TreeFacts): NativeBindings {
  const target: ElectronTarget = {
    electron,
    abi: process.versions.modules,
    platform: process.platform,
    arch: process.arch,
  };
  const expected = {
    'better-sqlite3': tree.sqliteVersion === null ? null : sqliteSource(tree.sqliteVersion),
    'tdx-probe': tree.cpuidSource,
  };
  const roots = [...(tree.resourcesDir ? [tree.resourcesDir] : []), tree.projectRoot];
  const fix = tree.packaged
    ? 'this copy of the app was packaged without it: reinstall TDX Platform Lab, or package it again with `npm run dist`'
    : `run \`${REBUILD_ELECTRON_COMMAND}\` in ${tree.projectRoot}`;
  const states = roots.map((r) => electronBuildState(tree.folder(electronBuildDir(r, target)), target, expected));
  const found = states.find((s) => s.state !== 'missing') ?? states[0];
  if (found.state !== 'present') {
    const why =
      found.state === 'missing'
        ? `there is no build for ${describeTarget(target)}: ${states.map((s) => s.dir).join(' and ')} ${states.length > 1 ? 'do' : 'does'} not exist`
        : `its build for ${describeTarget(target)} is stale: ${found.reason}`;
    return {
      runtime: 'electron',
      target,
      sqlite: { ok: false, reason: `the SQLite driver (better-sqlite3) cannot load in the app: ${why}`, fix },
      cpuid: { ok: false, reason: `the CPUID addon cannot load in the app: ${why}`, fix },
    };
  }
  const sqliteBuild = found.modules['better-sqlite3'];
  const cpuidBuild = found.modules['tdx-probe'];
  return {
    runtime: 'electron',
    target,
    // A present build always has its required module (electron-build.ts).
    sqlite: sqliteBuild.ok ? sqliteBuild : { ok: false, reason: sqliteBuild.reason, fix },
    cpuid: cpuidBuild.ok
      ? cpuidBuild
      : { ok: false, reason: cpuidBuild.reason, fix: `${fix} (the addon needs a C++ toolchain)` },
  };
}

/** The binaries this process must load, for Node (electron unset) or Electron (set). */
export function selectNativeBindings(process: ProcessFacts, tree: TreeFacts): NativeBindings {
  const electron = process.versions.electron;
  return electron ? electronBindings(electron, process, tree) : nodeBindings(tree);
}

/**
 * better-sqlite3's `nativeBinding` option for these bindings: the Electron
 * build's file; undefined on Node, where the package finds its own build in
 * node_modules exactly as before.
 */
export function sqliteNativeBinding(b: NativeBindings): string | undefined {
  return b.runtime === 'electron' && b.sqlite.ok ? b.sqlite.file : undefined;
}
