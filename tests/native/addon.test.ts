/** The native addon: built here, CPUID works; the loader falls back cleanly when it is absent. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../helpers/golden.js';
import { ADDON_FILE, loadNative } from '../../native/index.js';
import { readCpuid } from '../../native/cpuid.js';

const BUILT = join(PROJECT_ROOT, 'native', 'build', 'Release', ADDON_FILE);

test('the addon is built at native/build/Release and executes CPUID (leaf 0)', () => {
  assert.ok(existsSync(BUILT), `not built: run npx node-gyp rebuild --directory native (looked for ${BUILT})`);
  const n = loadNative({ TDX_LAB_NATIVE: BUILT });
  assert.equal(n.ok, true, n.ok ? '' : n.reason);
  if (!n.ok) return;
  const l0 = n.cpuid(0);
  assert.ok(l0.eax > 0, 'max basic leaf > 0');
  const facts = readCpuid(n.cpuid);
  assert.ok(facts.vendor.length === 12 && facts.vendor.trim() !== '', `vendor "${facts.vendor}"`);
  assert.ok(facts.family > 0);
});

test('the loader finds the built addon without being told where', () => {
  const n = loadNative({});
  assert.equal(n.ok, true, n.ok ? '' : n.reason);
});

test('a missing addon path falls back with the reason', () => {
  const n = loadNative({ TDX_LAB_NATIVE: join(PROJECT_ROOT, 'native', 'no-such-dir', ADDON_FILE) });
  assert.equal(n.ok, false);
  if (!n.ok) assert.match(n.reason, /native addon not found at .*no-such-dir/);
});

test('TDX_LAB_NO_NATIVE=1 hides the addon', () => {
  const n = loadNative({ TDX_LAB_NO_NATIVE: '1' });
  assert.deepEqual(n, { ok: false, reason: 'native addon disabled (TDX_LAB_NO_NATIVE=1)' });
});

test('a file that is not an addon is reported, not thrown', () => {
  const n = loadNative({ TDX_LAB_NATIVE: join(PROJECT_ROOT, 'native', 'binding.gyp') });
  assert.equal(n.ok, false);
  if (!n.ok) assert.match(n.reason, /binding\.gyp: cannot load/);
});
