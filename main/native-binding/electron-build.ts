/**
 * The Electron builds of the native modules, kept in their own folder beside
 * node_modules (never inside it, which stays Node's for the CLI):
 *
 *   native-electron/<electron>-<abi>-<platform>-<arch>/better_sqlite3.node
 *                                                      tdx_probe.node
 *                                                      build.json
 *
 * A process loads only its own runtime's build: better-sqlite3 uses V8's API
 * directly, so a binary is tied to one NODE_MODULE_VERSION (Node 20: 115,
 * Electron 38: 139). build.json says what the folder was built from; this
 * file decides, without touching the disk, whether a folder is present,
 * missing or stale.
 */
import { join } from 'node:path';

export const ELECTRON_BUILD_DIR = 'native-electron';
export const MANIFEST_FILE = 'build.json';
export const MANIFEST_FORMAT = 'tdx-lab-electron-build';
export const MANIFEST_VERSION = 1;
/** A build.json is a few hundred bytes; anything far bigger is not ours. */
export const MANIFEST_MAX_BYTES = 64 * 1024;

/** What one Electron build is for. */
export interface ElectronTarget {
  electron: string;
  /** NODE_MODULE_VERSION of that Electron (process.versions.modules inside it). */
  abi: string;
  platform: string;
  arch: string;
}

export type NativeModuleName = 'better-sqlite3' | 'tdx-probe';

export interface NativeModuleInfo {
  /** The file inside the build folder. */
  file: string;
  /** Required modules must build; optional ones may fail (recorded with the reason). */
  required: boolean;
}

/** The two native modules: the SQLite driver (required) and the CPUID addon (optional, as for Node). */
export const NATIVE_MODULES: Record<NativeModuleName, NativeModuleInfo> = {
  'better-sqlite3': { file: 'better_sqlite3.node', required: true },
  'tdx-probe': { file: 'tdx_probe.node', required: false },
};

export const NATIVE_MODULE_NAMES = Object.keys(NATIVE_MODULES) as NativeModuleName[];

/** One module in build.json: built (file) or not (error), and what it was built from. */
export interface ManifestModule {
  /** better-sqlite3: its package version; tdx-probe: a digest of native/'s sources. */
  source: string;
  file?: string;
  error?: string;
}

export interface ElectronBuildManifest {
  format: typeof MANIFEST_FORMAT;
  version: typeof MANIFEST_VERSION;
  target: ElectronTarget;
  modules: Partial<Record<NativeModuleName, ManifestModule>>;
  builtAt: string;
}

export function electronBuildKey(t: ElectronTarget): string {
  return `${t.electron}-${t.abi}-${t.platform}-${t.arch}`;
}

/** The build folder for `t` under `root` (a checkout, or a packaged app's resources). */
export function electronBuildDir(root: string, t: ElectronTarget): string {
  return join(root, ELECTRON_BUILD_DIR, electronBuildKey(t));
}

/** "Electron 38.8.6 (NODE_MODULE_VERSION 139, linux-x64)" */
export function describeTarget(t: ElectronTarget): string {
  return `Electron ${t.electron} (NODE_MODULE_VERSION ${t.abi}, ${t.platform}-${t.arch})`;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const str = (v: unknown): v is string => typeof v === 'string' && v.length > 0 && v.length <= 4096;

/** Parses build.json text; a problem names the JSON path. */
export function parseManifest(
  text: string,
): { ok: true; manifest: ElectronBuildManifest } | { ok: false; problem: string } {
  if (text.length > MANIFEST_MAX_BYTES) return { ok: false, problem: `larger than ${MANIFEST_MAX_BYTES} bytes` };
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return { ok: false, problem: 'malformed JSON' };
  }
  if (!isObject(doc)) return { ok: false, problem: '$: expected a JSON object' };
  if (doc.format !== MANIFEST_FORMAT) return { ok: false, problem: `$.format: expected "${MANIFEST_FORMAT}"` };
  if (doc.version !== MANIFEST_VERSION)
    return { ok: false, problem: `$.version: expected ${MANIFEST_VERSION}, got ${JSON.stringify(doc.version)}` };
  const t = doc.target;
  if (!isObject(t)) return { ok: false, problem: '$.target: expected an object' };
  for (const k of ['electron', 'abi', 'platform', 'arch'] as const)
    if (!str(t[k])) return { ok: false, problem: `$.target.${k}: expected a string` };
  if (!isObject(doc.modules)) return { ok: false, problem: '$.modules: expected an object' };
  const modules: Partial<Record<NativeModuleName, ManifestModule>> = {};
  for (const [name, m] of Object.entries(doc.modules)) {
    if (!(NATIVE_MODULE_NAMES as string[]).includes(name)) continue; // a newer tdx-lab's module: not ours to judge
    if (!isObject(m) || !str(m.source)) return { ok: false, problem: `$.modules.${name}.source: expected a string` };
    if (m.file !== undefined && !str(m.file))
      return { ok: false, problem: `$.modules.${name}.file: expected a string` };
    if (m.error !== undefined && !str(m.error))
      return { ok: false, problem: `$.modules.${name}.error: expected a string` };
    if ((m.file === undefined) === (m.error === undefined))
      return { ok: false, problem: `$.modules.${name}: expected exactly one of "file" and "error"` };
    modules[name as NativeModuleName] = {
      source: m.source,
      ...(m.file !== undefined && { file: m.file as string }),
      ...(m.error !== undefined && { error: m.error as string }),
    };
  }
  return {
    ok: true,
    manifest: {
      format: MANIFEST_FORMAT,
      version: MANIFEST_VERSION,
      target: {
        electron: t.electron as string,
        abi: t.abi as string,
        platform: t.platform as string,
        arch: t.arch as string,
      },
      modules,
      builtAt: str(doc.builtAt) ? doc.builtAt : '',
    },
  };
}

/** What a build folder holds, as read from disk by the caller. */
export interface BuildFolderView {
  dir: string;
  /** build.json's text, or null when there is none. */
  manifestText: string | null;
  /** Whether a file directly inside the folder exists. */
  has(file: string): boolean;
}

/**
 * What the current tree expects a module's build to come from; null when the
 * tree cannot tell (a packaged app ships no sources: its build is right by
 * construction).
 */
export type ExpectedSources = Partial<Record<NativeModuleName, string | null>>;

export type ModuleBuild = { ok: true; file: string } | { ok: false; reason: string };

export type BuildState =
  | { state: 'present'; dir: string; modules: Record<NativeModuleName, ModuleBuild> }
  | { state: 'missing' | 'stale'; dir: string; reason: string };

/**
 * The one decision: is the Electron build in `folder` usable for `target`
 * and the sources the tree has now? Missing: nothing there. Stale: something
 * there, but for another target or other sources, or incomplete. Present: a
 * complete build (an optional module may be recorded as not built).
 */
export function electronBuildState(
  folder: BuildFolderView,
  target: ElectronTarget,
  expected: ExpectedSources,
): BuildState {
  const { dir } = folder;
  if (folder.manifestText === null) {
    const strays = NATIVE_MODULE_NAMES.filter((n) => folder.has(NATIVE_MODULES[n].file));
    if (strays.length === 0) return { state: 'missing', dir, reason: `${dir} does not exist` };
    return {
      state: 'stale',
      dir,
      reason: `${dir} has ${NATIVE_MODULES[strays[0]].file} but no ${MANIFEST_FILE} (not made by this tree's build script)`,
    };
  }
  const parsed = parseManifest(folder.manifestText);
  if (!parsed.ok) return { state: 'stale', dir, reason: `${join(dir, MANIFEST_FILE)}: ${parsed.problem}` };
  const m = parsed.manifest;
  if (electronBuildKey(m.target) !== electronBuildKey(target))
    return {
      state: 'stale',
      dir,
      reason: `${dir} was built for ${describeTarget(m.target)}, not ${describeTarget(target)}`,
    };
  const modules = {} as Record<NativeModuleName, ModuleBuild>;
  for (const name of NATIVE_MODULE_NAMES) {
    const info = NATIVE_MODULES[name];
    const rec = m.modules[name];
    if (!rec) return { state: 'stale', dir, reason: `${join(dir, MANIFEST_FILE)} has no record of ${name}` };
    const want = expected[name];
    if (want != null && rec.source !== want)
      return {
        state: 'stale',
        dir,
        reason: `${name} was built from ${rec.source}, but the tree now has ${want}`,
      };
    if (rec.error !== undefined) {
      if (info.required) return { state: 'stale', dir, reason: `${name} did not build: ${rec.error}` };
      modules[name] = { ok: false, reason: `${name} was not built for ${describeTarget(target)}: ${rec.error}` };
      continue;
    }
    if (rec.file !== info.file || !folder.has(info.file))
      return { state: 'stale', dir, reason: `${join(dir, info.file)} is missing` };
    modules[name] = { ok: true, file: join(dir, info.file) };
  }
  return { state: 'present', dir, modules };
}

/**
 * The NODE_MODULE_VERSIONs a binary registers itself for: a V8-API addon
 * exports node_register_module_v<ABI> (Node's NODE_MODULE_INIT); a Node-API
 * one (napi_register_module_v1) has none. Read from the bytes, without loading.
 */
export function declaredAbis(bytes: Uint8Array): string[] {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  return [...new Set([...text.matchAll(/node_register_module_v(\d+)/g)].map((m) => m[1]))];
}
