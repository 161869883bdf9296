/**
 * Reading a tree's facts for select.ts and the build script: where
 * better-sqlite3 is and which version, a digest of the CPUID addon's sources,
 * and a bounded view of a build folder. Every read fails soft (a missing or
 * unreadable file is "not there"): the decisions say what is wrong.
 */
import { createHash } from 'node:crypto';
import { closeSync, existsSync, openSync, readSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { MANIFEST_FILE, MANIFEST_MAX_BYTES, type BuildFolderView } from './electron-build.js';
import { sqliteSource, type TreeFacts } from './select.js';

/** At most `max` bytes of a file as text (more is reported by the parser as too large), or null. */
export function readBounded(file: string, max: number): string | null {
  let fd: number | undefined;
  try {
    if (!statSync(file).isFile()) return null;
    fd = openSync(file, 'r');
    const buf = Buffer.alloc(max + 1);
    const n = readSync(fd, buf, 0, buf.length, 0);
    return buf.toString('utf8', 0, n);
  } catch {
    return null;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

export function readFolder(dir: string): BuildFolderView {
  return {
    dir,
    manifestText: readBounded(join(dir, MANIFEST_FILE), MANIFEST_MAX_BYTES),
    has: (file) => existsSync(join(dir, file)),
  };
}

/** The installed better-sqlite3's version, or null. */
export function packageVersion(packageDir: string): string | null {
  const text = readBounded(join(packageDir, 'package.json'), 256 * 1024);
  if (text === null) return null;
  try {
    const v = (JSON.parse(text) as { version?: unknown }).version;
    return typeof v === 'string' ? v : null;
  } catch {
    return null;
  }
}

function walk(dir: string, out: string[]): void {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) walk(p, out);
    else if (e.isFile()) out.push(p);
  }
}

/** sha256 of native/binding.gyp and native/src/** (names and bytes), or null when the tree has no sources. */
export function cpuidSourceDigest(nativeDir: string): string | null {
  const gyp = join(nativeDir, 'binding.gyp');
  if (!existsSync(gyp)) return null;
  const files = [gyp];
  try {
    walk(join(nativeDir, 'src'), files);
  } catch {
    // no src/: the digest covers binding.gyp alone
  }
  const h = createHash('sha256');
  for (const f of files.sort()) {
    h.update(relative(nativeDir, f).split('\\').join('/'));
    h.update('\0');
    h.update(readFileSync(f));
    h.update('\0');
  }
  return `native@sha256:${h.digest('hex').slice(0, 16)}`;
}

export interface TreeLocation {
  projectRoot: string;
  /** A packaged app's resources folder, else null. */
  resourcesDir?: string | null;
}

/** A packaged app runs from inside app.asar. */
export function isPackagedRoot(projectRoot: string): boolean {
  return /\.asar([\\/]|$)/.test(projectRoot);
}

export function readTreeFacts(loc: TreeLocation): TreeFacts {
  const sqliteDir = join(loc.projectRoot, 'node_modules', 'better-sqlite3');
  const version = packageVersion(sqliteDir);
  return {
    projectRoot: loc.projectRoot,
    resourcesDir: loc.resourcesDir ?? null,
    packaged: isPackagedRoot(loc.projectRoot),
    sqlitePackageDir: version === null ? null : sqliteDir,
    sqliteVersion: version,
    cpuidSource: cpuidSourceDigest(join(loc.projectRoot, 'native')),
    exists: (p) => existsSync(p),
    folder: readFolder,
  };
}

/** The expected sources the build script records (the same strings select.ts compares). */
export function expectedSources(facts: TreeFacts): { 'better-sqlite3': string | null; 'tdx-probe': string | null } {
  return {
    'better-sqlite3': facts.sqliteVersion === null ? null : sqliteSource(facts.sqliteVersion),
    'tdx-probe': facts.cpuidSource,
  };
}
