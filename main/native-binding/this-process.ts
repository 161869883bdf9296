/**
 * The native bindings of the running process: its runtime's versions and the
 * tree this code was loaded from (dist/main/native-binding/ → the checkout, or
 * app.asar in a packaged app). Decided once per process.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { choiceProblem, selectNativeBindings, type NativeBindings, type ProcessFacts } from './select.js';
import { isPackagedRoot, readTreeFacts } from './tree-facts.js';

/** The checkout (or app.asar) holding this build: dist/main/native-binding/../../.. */
export const PROJECT_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

export function thisProcessFacts(): ProcessFacts {
  return {
    versions: process.versions as ProcessFacts['versions'],
    platform: process.platform,
    arch: process.arch,
  };
}

let memo: NativeBindings | undefined;

export function nativeBindingsForThisProcess(): NativeBindings {
  if (memo) return memo;
  const resources = (process as { resourcesPath?: string }).resourcesPath;
  const packaged = isPackagedRoot(PROJECT_ROOT);
  memo = selectNativeBindings(
    thisProcessFacts(),
    readTreeFacts({ projectRoot: PROJECT_ROOT, resourcesDir: packaged && resources ? resources : null }),
  );
  return memo;
}

export type SqliteBindingUse = { ok: true; nativeBinding: string | undefined } | { ok: false; problem: string };

/**
 * What the store hands better-sqlite3 here: nothing on Node (the package's own
 * build in node_modules, as the CLI always did); inside Electron the Electron
 * build's file, or the one-line reason it cannot load and what to run.
 */
export function sqliteBindingForThisProcess(): SqliteBindingUse {
  if (!process.versions.electron) return { ok: true, nativeBinding: undefined };
  const b = nativeBindingsForThisProcess();
  return b.sqlite.ok ? { ok: true, nativeBinding: b.sqlite.file } : { ok: false, problem: choiceProblem(b.sqlite)! };
}
