/**
 * `npm start` and `npm run dist` make the Electron build before they need it,
 * and packaging never rebuilds node_modules in place (read from the checked-in
 * package.json and electron-builder.yml: electron-builder itself cannot run here).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../helpers/golden.js';

const pkg = JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
const builderYml = readFileSync(join(PROJECT_ROOT, 'electron-builder.yml'), 'utf8');

test('npm start and npm run dist run the build script before Electron / electron-builder', () => {
  const steps = (s: string) => s.split('&&').map((x) => x.trim());
  assert.deepEqual(steps(pkg.scripts.start), [
    'npm run build',
    'node scripts/electron-native.mjs ensure --for start',
    'electron .',
  ]);
  assert.deepEqual(steps(pkg.scripts.dist), [
    'npm run build',
    'node scripts/electron-native.mjs ensure --for dist',
    'electron-builder --config electron-builder.yml',
  ]);
  assert.deepEqual(steps(pkg.scripts['rebuild:electron']), [
    'npm run build',
    'node scripts/electron-native.mjs rebuild',
  ]);
});

test('electron-builder never rebuilds node_modules in place, and ships native-electron/ outside the asar', () => {
  assert.match(builderYml, /^npmRebuild: false$/m);
  assert.doesNotMatch(builderYml, /^npmRebuild: true/m);
  assert.doesNotMatch(builderYml, /^buildDependenciesFromSource: true/m);
  assert.match(builderYml, /^extraResources:\n {2}- from: native-electron\n {4}to: native-electron\n/m);
  // Node's builds stay out of the package (the app never loads them).
  assert.match(builderYml, /'!node_modules\/better-sqlite3\/build\/\*\*'/);
  assert.doesNotMatch(builderYml, /native\/build\/Release/);
});
