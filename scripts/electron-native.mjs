#!/usr/bin/env node
// The Electron builds of the native modules (better-sqlite3, the CPUID addon),
// kept in native-electron/<electron>-<abi>-<platform>-<arch>/, never in
// node_modules (which stays Node's, for the CLI). docs/app.md.
//   node scripts/electron-native.mjs ensure [--for start|dist]   build when missing or stale
//   node scripts/electron-native.mjs rebuild                      build again
//   node scripts/electron-native.mjs status                       up to date? (exit 1 if not)
// Options: --root DIR (default: this checkout), --build-from-source (no prebuilt
// download), --dist-url URL (Electron's headers; also ELECTRON_REBUILD_DIST_URL).
// Progress goes to stdout; a failure is ONE line on stderr, exit 1 (2: usage).
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const fail = (line, code = 1) => {
  process.stderr.write(`tdx-lab: ${line}\n`);
  process.exit(code);
};

const ensureJs = join(repo, 'dist', 'main', 'native-binding', 'ensure.js');
if (!existsSync(ensureJs)) fail('not built yet: run `npm run build` first', 2);

let args;
try {
  args = parseArgs({
    allowPositionals: true,
    options: {
      for: { type: 'string' },
      root: { type: 'string' },
      'build-from-source': { type: 'boolean' },
      'dist-url': { type: 'string' },
    },
  });
} catch (e) {
  fail(`${e.message.split('\n')[0]} (usage: electron-native.mjs ensure|rebuild|status [--for start|dist])`, 2);
}
const command = args.positionals[0] ?? 'ensure';
if (!['ensure', 'rebuild', 'status'].includes(command) || args.positionals.length > 1)
  fail(
    `unknown command '${args.positionals.join(' ')}' (usage: electron-native.mjs ensure|rebuild|status [--for start|dist])`,
    2,
  );
if (args.values.for !== undefined && !['start', 'dist'].includes(args.values.for))
  fail(`--for: expected start or dist, got '${args.values.for}'`, 2);

// node-abi as @electron/rebuild resolves it: the ABI table the build itself uses.
async function abiOf(version) {
  try {
    const rebuildMain = fileURLToPath(import.meta.resolve('@electron/rebuild'));
    const nodeAbi = await import(pathToFileURL(createRequire(rebuildMain).resolve('node-abi')).href);
    return String(nodeAbi.getAbi(version, 'electron'));
  } catch {
    return null;
  }
}

const { ensureElectronBuild, readElectronInstall } = await import(pathToFileURL(ensureJs).href);
const { electronRebuildBuilder } = await import(
  pathToFileURL(join(repo, 'dist', 'main', 'native-binding', 'electron-rebuild.js')).href
);

const root = resolve(args.values.root ?? repo);
const installed = readElectronInstall(root);
const electron = { ...installed, abi: installed.version === null ? null : await abiOf(installed.version) };
const result = await ensureElectronBuild({
  root,
  command,
  forStart: args.values.for === 'start',
  electron,
  builder: electronRebuildBuilder({
    childScript: join(repo, 'scripts', 'electron-rebuild-child.mjs'),
    logFile: join(tmpdir(), 'tdx-lab-electron-rebuild.log'),
    buildFromSource: args.values['build-from-source'] ?? false,
    headerURL: args.values['dist-url'] ?? process.env.ELECTRON_REBUILD_DIST_URL,
  }),
  log: (line) => process.stdout.write(`tdx-lab: ${line}\n`),
});
if (!result.ok) fail(result.line);
