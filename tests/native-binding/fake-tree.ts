/**
 * Fake checkouts for the binding and build-script tests: a real folder with
 * node_modules/better-sqlite3 (package.json, a "Node build" of known bytes),
 * node_modules/electron, native/ sources and optionally an Electron build
 * folder. Nothing here compiles anything.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import {
  MANIFEST_FILE,
  MANIFEST_FORMAT,
  MANIFEST_VERSION,
  electronBuildDir,
  type ElectronTarget,
  type ManifestModule,
  type NativeModuleName,
} from '../../main/native-binding/electron-build.js';

export const TARGET: ElectronTarget = { electron: '38.8.6', abi: '139', platform: 'linux', arch: 'x64' };

export interface FakeTree {
  root: string;
  cleanup(): void;
}

export function fakeTree(
  opts: { sqliteVersion?: string; electron?: string | null; electronBinary?: boolean } = {},
): FakeTree {
  const root = mkdtempSync(join(tmpdir(), 'tdx-lab-fake-tree-'));
  const sqlite = join(root, 'node_modules', 'better-sqlite3');
  mkdirSync(join(sqlite, 'build', 'Release'), { recursive: true });
  mkdirSync(join(sqlite, 'lib'), { recursive: true });
  mkdirSync(join(sqlite, 'src'), { recursive: true });
  writeFileSync(
    join(sqlite, 'package.json'),
    JSON.stringify({ name: 'better-sqlite3', version: opts.sqliteVersion ?? '12.11.1' }),
  );
  writeFileSync(join(sqlite, 'binding.gyp'), '{ "targets": [] }\n');
  writeFileSync(join(sqlite, 'lib', 'index.js'), 'module.exports = {};\n');
  writeFileSync(join(sqlite, 'src', 'better_sqlite3.cpp'), '// fake\n');
  writeFileSync(join(sqlite, 'build', 'Release', 'better_sqlite3.node'), 'NODE BUILD, ABI 115');
  if (opts.electron !== null) {
    const el = join(root, 'node_modules', 'electron');
    mkdirSync(el, { recursive: true });
    writeFileSync(join(el, 'package.json'), JSON.stringify({ name: 'electron', version: opts.electron ?? '38.8.6' }));
    if (opts.electronBinary) {
      mkdirSync(join(el, 'dist'), { recursive: true });
      writeFileSync(join(el, 'dist', 'electron'), 'ELF');
      writeFileSync(join(el, 'path.txt'), 'electron');
    }
  }
  mkdirSync(join(root, 'native', 'src'), { recursive: true });
  mkdirSync(join(root, 'native', 'build', 'Release'), { recursive: true });
  writeFileSync(join(root, 'native', 'binding.gyp'), '{ "targets": [{ "target_name": "tdx_probe" }] }\n');
  writeFileSync(join(root, 'native', 'src', 'cpuid.cc'), '// cpuid\n');
  writeFileSync(join(root, 'native', 'build', 'Release', 'tdx_probe.node'), 'NODE ADDON');
  return { root, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

/** Writes an Electron build folder as the build script would have. */
export function writeElectronBuild(
  root: string,
  target: ElectronTarget,
  modules: Partial<Record<NativeModuleName, ManifestModule>>,
  opts: { manifestTarget?: ElectronTarget; manifestText?: string } = {},
): string {
  const dir = electronBuildDir(root, target);
  mkdirSync(dir, { recursive: true });
  for (const m of Object.values(modules)) if (m?.file) writeFileSync(join(dir, m.file), `ELECTRON BUILD ${target.abi}`);
  const text =
    opts.manifestText ??
    JSON.stringify({
      format: MANIFEST_FORMAT,
      version: MANIFEST_VERSION,
      target: opts.manifestTarget ?? target,
      modules,
      builtAt: '2026-01-01T00:00:00.000Z',
    });
  writeFileSync(join(dir, MANIFEST_FILE), text);
  return dir;
}

/** Every file below `dir` with its sha256 and mtime: equal digests mean untouched. */
export function treeDigest(dir: string): string {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else
        out.push(
          `${relative(dir, p)} ${createHash('sha256').update(readFileSync(p)).digest('hex')} ${statSync(p).mtimeMs}`,
        );
    }
  };
  walk(dir);
  return out.sort().join('\n');
}
