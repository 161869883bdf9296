/**
 * Making the Electron build folder (scripts/electron-native.mjs runs this for
 * `npm start`, `npm run dist` and `npm run rebuild:electron`):
 *
 *  1. decide (decideEnsure): nothing to do, build, or stop with one line;
 *  2. copy each module's sources into a temporary stage OUTSIDE the checkout
 *     (an in-tree stage would let @electron/rebuild's module search climb into
 *     the checkout's node_modules and rebuild Node's build in place);
 *  3. build there (the builder is injected: @electron/rebuild in the script,
 *     a fake in tests);
 *  4. copy the results into native-electron/.incoming-*, write build.json,
 *     and rename it into place: the build folder is whole or absent, never half.
 *
 * node_modules and native/build are checked before and after: if a builder
 * touched them, nothing is installed and the line says so.
 */
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
  copyFileSync,
  readFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, isAbsolute, sep } from 'node:path';
import {
  ELECTRON_BUILD_DIR,
  MANIFEST_FILE,
  MANIFEST_FORMAT,
  MANIFEST_VERSION,
  NATIVE_MODULES,
  NATIVE_MODULE_NAMES,
  declaredAbis,
  describeTarget,
  electronBuildDir,
  electronBuildKey,
  electronBuildState,
  parseManifest,
  type BuildState,
  type ElectronBuildManifest,
  type ElectronTarget,
  type ManifestModule,
  type NativeModuleName,
} from './electron-build.js';
import { REBUILD_ELECTRON_COMMAND } from './select.js';
import { expectedSources, packageVersion, readBounded, readFolder, readTreeFacts } from './tree-facts.js';

export type EnsureCommand = 'ensure' | 'rebuild' | 'status';

/** What node_modules says about Electron. */
export interface ElectronInstall {
  /** node_modules/electron's version, null when electron is not installed. */
  version: string | null;
  /** NODE_MODULE_VERSION of that version (node-abi's table), null when unknown. */
  abi: string | null;
  /** Whether Electron's binary was downloaded (node_modules/electron/dist). */
  binary: boolean;
}

export type EnsureDecision =
  { action: 'none'; line: string } | { action: 'build'; line: string } | { action: 'stop'; line: string };

/**
 * The script's decision, from facts alone. `forStart`: the caller is about to
 * run `electron .`, which needs Electron's binary (packaging does not: the
 * packager downloads its own copy).
 */
export function decideEnsure(input: {
  command: EnsureCommand;
  forStart: boolean;
  electron: ElectronInstall;
  /** The build folder's state (null when the target is unknown). */
  state: BuildState | null;
}): EnsureDecision {
  const { electron, state } = input;
  if (electron.version === null)
    return { action: 'stop', line: 'electron is not installed in node_modules: run `npm install`' };
  if (electron.abi === null || state === null)
    return {
      action: 'stop',
      line: `cannot tell Electron ${electron.version}'s NODE_MODULE_VERSION (node-abi has no entry for it): update @electron/rebuild`,
    };
  if (input.forStart && !electron.binary)
    return {
      action: 'stop',
      line: `Electron ${electron.version}'s binary is not installed (node_modules/electron/dist is missing: npm install ran with ELECTRON_SKIP_BINARY_DOWNLOAD=1, or without network access): run \`node node_modules/electron/install.js\``,
    };
  if (input.command === 'status')
    return {
      action: 'none',
      line:
        state.state === 'present'
          ? `the Electron build in ${state.dir} is up to date`
          : `the Electron build is ${state.state}: ${state.reason}`,
    };
  if (input.command === 'rebuild') return { action: 'build', line: `rebuilding ${state.dir} (asked for)` };
  if (state.state === 'present') return { action: 'none', line: `the Electron build in ${state.dir} is up to date` };
  return { action: 'build', line: `the Electron build is ${state.state} (${state.reason}): building it` };
}

/** One module to build: its staged sources, inside `stageDir` (outside the checkout). */
export interface BuildJob {
  module: NativeModuleName;
  target: ElectronTarget;
  /** The stage: package.json plus node_modules/<module> (and the helper packages it needs). */
  stageDir: string;
  /** node_modules/<module> inside the stage: the builder writes only below it. */
  moduleDir: string;
  /** The file the build must produce, relative to moduleDir (build/Release/…). */
  output: string;
}

/** Builds one module; rejects with an Error whose message is ONE line saying why. */
export type Builder = (job: BuildJob) => Promise<void>;

/** Packages a build may need to resolve from the stage (prebuilt download; Node-API headers). */
export const STAGE_HELPERS = ['prebuild-install', 'node-addon-api'];

export interface EnsureOptions {
  root: string;
  command: EnsureCommand;
  forStart?: boolean;
  electron: ElectronInstall;
  platform?: string;
  arch?: string;
  builder: Builder;
  /** Where stages go (default: the OS temp folder). Must be outside `root`. */
  tmpRoot?: string;
  /** Progress lines (the script prints them with a "tdx-lab: " prefix). */
  log?: (line: string) => void;
}

export type EnsureResult = { ok: true; action: 'none' | 'built'; dir: string | null } | { ok: false; line: string };

/** Sizes and mtimes of every file below `dir`: what "untouched" is checked against. */
function fingerprint(dir: string): string {
  if (!existsSync(dir)) return '-';
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else {
        const st = statSync(p);
        out.push(`${relative(dir, p)}\t${st.size}\t${st.mtimeMs}`);
      }
    }
  };
  walk(dir);
  return out.sort().join('\n');
}

function inside(child: string, parent: string): boolean {
  const r = relative(parent, child);
  return r !== '' && !r.startsWith('..') && !isAbsolute(r);
}

/** Leftovers of an interrupted run (never the build folders themselves). */
function removeLeftovers(buildRoot: string): void {
  if (!existsSync(buildRoot)) return;
  for (const e of readdirSync(buildRoot))
    if (e.startsWith('.incoming-') || e.startsWith('.old-'))
      rmSync(join(buildRoot, e), { recursive: true, force: true });
}

function stageModule(root: string, stageDir: string, module: NativeModuleName): { moduleDir: string } {
  const modulesDir = join(stageDir, 'node_modules');
  const moduleDir = join(modulesDir, module);
  if (module === 'better-sqlite3') {
    const src = join(root, 'node_modules', 'better-sqlite3');
    cpSync(src, moduleDir, {
      recursive: true,
      filter: (p) => {
        const r = relative(src, p).split(sep)[0];
        return r !== 'build' && r !== 'node_modules' && r !== '.git';
      },
    });
  } else {
    const src = join(root, 'native');
    mkdirSync(moduleDir, { recursive: true });
    copyFileSync(join(src, 'binding.gyp'), join(moduleDir, 'binding.gyp'));
    if (existsSync(join(src, 'src'))) cpSync(join(src, 'src'), join(moduleDir, 'src'), { recursive: true });
    writeFileSync(
      join(moduleDir, 'package.json'),
      JSON.stringify({ name: 'tdx-probe', version: '0.0.0', private: true, gypfile: true }, null, 2),
    );
  }
  for (const helper of STAGE_HELPERS) {
    const real = join(root, 'node_modules', helper);
    const link = join(modulesDir, helper);
    if (existsSync(real) && !existsSync(link))
      symlinkSync(real, link, process.platform === 'win32' ? 'junction' : 'dir');
  }
  return { moduleDir };
}

/** Stale builds of other Electron versions for this platform and arch: unreachable, so removed. */
function pruneSiblings(buildRoot: string, keep: string, target: ElectronTarget, log: (l: string) => void): void {
  for (const e of readdirSync(buildRoot)) {
    if (e === keep || e.startsWith('.')) continue;
    const dir = join(buildRoot, e);
    const text = readFolder(dir).manifestText;
    const parsed = text === null ? null : parseManifest(text);
    if (!parsed?.ok) continue; // not ours: left alone
    const t = parsed.manifest.target;
    if (t.platform === target.platform && t.arch === target.arch) {
      rmSync(dir, { recursive: true, force: true });
      log(`removed the build for ${describeTarget(t)} (${dir})`);
    }
  }
}

/** Decides, and when needed builds and installs the Electron build folder. Never throws for expected failures. */
export async function ensureElectronBuild(o: EnsureOptions): Promise<EnsureResult> {
  const log = o.log ?? (() => {});
  const platform = o.platform ?? process.platform;
  const arch = o.arch ?? process.arch;
  const facts = readTreeFacts({ projectRoot: o.root });
  const target: ElectronTarget | null =
    o.electron.version !== null && o.electron.abi !== null
      ? { electron: o.electron.version, abi: o.electron.abi, platform, arch }
      : null;
  const expected = expectedSources(facts);
  const dir = target ? electronBuildDir(o.root, target) : null;
  const state = target && dir ? electronBuildState(readFolder(dir), target, expected) : null;
  const decision = decideEnsure({ command: o.command, forStart: o.forStart ?? false, electron: o.electron, state });
  if (decision.action === 'stop') return { ok: false, line: decision.line };
  if (decision.action === 'none' || !target || !dir) {
    if (o.command === 'status' && state?.state !== 'present') return { ok: false, line: decision.line };
    log(decision.line);
    return { ok: true, action: 'none', dir };
  }
  log(decision.line);
  if (facts.sqlitePackageDir === null)
    return { ok: false, line: 'better-sqlite3 is not installed in node_modules: run `npm install`' };

  const buildRoot = join(o.root, ELECTRON_BUILD_DIR);
  const tmpRoot = o.tmpRoot ?? tmpdir();
  if (inside(tmpRoot, o.root) || tmpRoot === o.root)
    return {
      ok: false,
      line: `the build stage ${tmpRoot} is inside ${o.root}: use a temporary folder outside the checkout`,
    };
  const guarded = [join(o.root, 'node_modules', 'better-sqlite3'), join(o.root, 'native', 'build')];
  const before = guarded.map(fingerprint);
  const stageDir = mkdtempSync(join(tmpRoot, 'tdx-lab-electron-'));
  let incoming: string | null = null;
  try {
    const modules: Partial<Record<NativeModuleName, ManifestModule>> = {};
    const built = new Map<NativeModuleName, string>();
    // The stage is a tiny project depending on the modules (how @electron/rebuild finds them).
    const dependencies = Object.fromEntries(
      NATIVE_MODULE_NAMES.filter((m) => expected[m] !== null).map((m) => [
        m,
        m === 'better-sqlite3' ? (facts.sqliteVersion ?? '*') : '0.0.0',
      ]),
    );
    writeFileSync(
      join(stageDir, 'package.json'),
      JSON.stringify({ name: 'tdx-lab-electron-stage', version: '0.0.0', private: true, dependencies }, null, 2),
    );
    for (const module of NATIVE_MODULE_NAMES) {
      const info = NATIVE_MODULES[module];
      const source = expected[module];
      if (source === null) {
        if (info.required) return { ok: false, line: `${module}: its sources are not in ${o.root}` };
        modules[module] = { source: 'none', error: `no sources in ${join(o.root, 'native')}` };
        continue;
      }
      const { moduleDir } = stageModule(o.root, stageDir, module);
      const output = join('build', 'Release', info.file);
      log(`building ${module} for ${describeTarget(target)}`);
      try {
        await o.builder({ module, target, stageDir, moduleDir, output });
        const file = join(moduleDir, output);
        if (!existsSync(file)) throw new Error(`the build finished without ${output}`);
        // A build against other headers (npm's `nodedir`, say) would look fine until the app loads it.
        const wrong = declaredAbis(readFileSync(file)).filter((abi) => abi !== target.abi);
        if (wrong.length > 0)
          throw new Error(
            `the build made a binary for NODE_MODULE_VERSION ${wrong[0]}, not ${target.abi} (node-gyp used other headers than Electron's: is npm's \`nodedir\` set?)`,
          );
        built.set(module, file);
        modules[module] = { source, file: info.file };
      } catch (e) {
        const why = (e instanceof Error ? e.message : String(e)).split('\n')[0];
        if (info.required)
          return {
            ok: false,
            line: `cannot build ${module} for ${describeTarget(target)}: ${why}; nothing was installed${existsSync(dir) ? ` (${dir} is as it was)` : ''}`,
          };
        modules[module] = { source, error: why };
        log(`${module} (optional) was not built: ${why}`);
      }
    }
    const after = guarded.map(fingerprint);
    const touched = guarded.filter((_, i) => before[i] !== after[i]);
    if (touched.length > 0)
      return {
        ok: false,
        line: `the build changed ${touched.join(' and ')} (it must only write to its stage); nothing was installed — reinstall with \`npm rebuild better-sqlite3\``,
      };

    mkdirSync(buildRoot, { recursive: true });
    removeLeftovers(buildRoot);
    incoming = mkdtempSync(join(buildRoot, '.incoming-'));
    for (const [module, file] of built) copyFileSync(file, join(incoming, NATIVE_MODULES[module].file));
    const manifest: ElectronBuildManifest = {
      format: MANIFEST_FORMAT,
      version: MANIFEST_VERSION,
      target,
      modules,
      builtAt: new Date().toISOString(),
    };
    writeFileSync(join(incoming, MANIFEST_FILE), JSON.stringify(manifest, null, 2) + '\n');
    // Rename into place: readers see the old folder or the new one, never a mix.
    let old: string | null = null;
    if (existsSync(dir)) {
      old = join(buildRoot, `.old-${electronBuildKey(target)}-${process.pid}`);
      rmSync(old, { recursive: true, force: true });
      renameSync(dir, old);
    }
    renameSync(incoming, dir);
    incoming = null;
    if (old) rmSync(old, { recursive: true, force: true });
    pruneSiblings(buildRoot, electronBuildKey(target), target, log);
    log(`installed the Electron build in ${dir}`);
    return { ok: true, action: 'built', dir };
  } finally {
    rmSync(stageDir, { recursive: true, force: true });
    if (incoming) rmSync(incoming, { recursive: true, force: true });
  }
}

export { REBUILD_ELECTRON_COMMAND };

/** Reads node_modules/electron: its version and whether its binary is there (the ABI comes from node-abi). */
export function readElectronInstall(root: string): Omit<ElectronInstall, 'abi'> {
  const dir = join(root, 'node_modules', 'electron');
  const version = packageVersion(dir);
  if (version === null) return { version: null, binary: false };
  // electron's install script writes path.txt (the executable inside dist/) once the download succeeded.
  const pathTxt = readBounded(join(dir, 'path.txt'), 4096);
  const binary = pathTxt !== null && pathTxt.trim() !== '' && existsSync(join(dir, 'dist', pathTxt.trim()));
  return { version, binary };
}
