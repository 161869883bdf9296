/** The kernel profile table: ids, what each stands for, release mapping, and that nothing else branches on an id. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { KERNEL_VARIANTS } from '../../engine/host/types.js';
import {
  KERNEL_PROFILE_IDS,
  kernelProfile,
  kernelProfiles,
  profileForBoot,
  profileForRelease,
} from '../../engine/kernel/profiles.js';
import { PROJECT_ROOT } from '../helpers/golden.js';

test('four profiles, in table order, and KERNEL_VARIANTS is derived from the table', () => {
  assert.deepEqual(KERNEL_PROFILE_IDS, ['upstream', 'cmr-holes', 'boot-init', 'dpamt']);
  assert.deepEqual(KERNEL_VARIANTS, KERNEL_PROFILE_IDS);
  for (const p of kernelProfiles()) {
    assert.ok(p.title.length > 0 && p.description.length > 40 && p.releases.length > 0, p.id);
    assert.ok(p.sources.length > 0, `${p.id} names its sources`);
  }
});

test('what each profile says: holes, when init runs, PAMT sizing, update, messages', () => {
  const rows = kernelProfiles().map((p) => [p.id, p.holes, p.initAt, p.pamt, p.runtimeUpdate, p.messages.initialized]);
  assert.deepEqual(rows, [
    ['upstream', 'memblock', 'kvm-load', 'static', false, 'module initialized'],
    ['cmr-holes', 'cmrs', 'kvm-load', 'static', false, 'module initialized'],
    ['boot-init', 'memblock', 'boot', 'static', true, 'TDX-Module initialized'],
    ['dpamt', 'memblock', 'boot', 'dynamic', true, 'TDX-Module initialized'],
  ]);
  // Upstream reads features first, Ubuntu 6.8 last; mainline reads the version group first and prints it.
  assert.equal(kernelProfile('upstream').metadata.fields[0], 'TDX_FEATURES0');
  assert.equal(kernelProfile('cmr-holes').metadata.fields.at(-1), 'TDX_FEATURES0');
  assert.deepEqual(kernelProfile('boot-init').metadata.fields.slice(0, 4), [
    'MINOR_VERSION',
    'MAJOR_VERSION',
    'UPDATE_VERSION',
    'TDX_FEATURES0',
  ]);
  assert.deepEqual(
    kernelProfile('boot-init').preconditions.map((c) => [c.message, c.errno]),
    [
      ['TDX not supported by the host platform', '-ENODEV'],
      ['XSAVE is required for TDX', '-EINVAL'],
      ['MOVDIR64B is required for TDX', '-EINVAL'],
      ['Self-snoop is required for TDX', '-ENODEV'],
    ],
  );
});

test('release strings map to a profile where known, and the lab says when it is guessing', () => {
  const cases: [string | undefined, string, boolean][] = [
    ['6.8.0-1028-intel', 'cmr-holes', true],
    ['6.8.0-1006-intel', 'cmr-holes', true],
    ['6.8.0-1004-intel', 'upstream', true],
    ['6.14.0-1009-intel', 'upstream', true],
    ['6.19.0-3-generic', 'upstream', true],
    ['6.6.0-rc2', 'upstream', false],
    ['7.2.0', 'boot-init', false],
    ['7.4.0', 'dpamt', false],
    ['7.10.1', 'dpamt', false],
    [undefined, 'upstream', false],
    ['5.15.0-generic', 'upstream', false],
  ];
  for (const [release, profile, known] of cases) {
    const g = profileForRelease(release);
    assert.deepEqual([g.profile, g.known], [profile, known], String(release));
    if (!known) assert.match(g.reason, /guess|assumed/, `${release}: says it is guessing`);
  }
  assert.match(profileForRelease('6.14.0-1009-intel').reason, /canonical\/tdx #415/);
});

test("a boot's own lines decide when the release does not, or contradicts them", () => {
  assert.deepEqual(pick(profileForBoot('7.2.0', { initWording: 'kvm-load' })), ['upstream', false]);
  assert.deepEqual(pick(profileForBoot('7.2.0', { initWording: 'boot' })), ['boot-init', true]);
  assert.deepEqual(pick(profileForBoot(undefined, { dpamtLine: true, initWording: 'boot' })), ['dpamt', true]);
  assert.deepEqual(pick(profileForBoot('7.2.0', { dpamtLine: true })), ['dpamt', true]);
  assert.deepEqual(pick(profileForBoot('6.8.0-1028-intel', {})), ['cmr-holes', true]);
  const contra = profileForBoot('6.8.0-1028-intel', { initWording: 'boot' });
  assert.equal(contra.profile, 'boot-init');
  assert.match(contra.reason, /alone suggested cmr-holes/);
  assert.deepEqual(pick(profileForBoot(undefined, { preconditionLine: true })), ['boot-init', true]);
});

function pick(g: { profile: string; known: boolean }): [string, boolean] {
  return [g.profile, g.known];
}

function engineFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? engineFiles(p) : p.endsWith('.ts') ? [p] : [];
  });
}

test('kernel behaviour is data: no engine file outside the table compares a profile id', () => {
  const ids = KERNEL_PROFILE_IDS.map((i) => i.replace('-', '\\-')).join('|');
  const branch = new RegExp(`[!=]==\\s*'(${ids})'|'(${ids})'\\s*[!=]==|case '(${ids})':`);
  const offenders = engineFiles(join(PROJECT_ROOT, 'engine'))
    .filter((f) => !f.endsWith(join('kernel', 'profiles.ts')))
    .filter((f) => branch.test(readFileSync(f, 'utf8')))
    .map((f) => f.slice(PROJECT_ROOT.length + 1));
  assert.deepEqual(offenders, []);
});
