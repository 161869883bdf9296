/**
 * The lines of newer kernels (init at boot, Dynamic PAMT; dynamic-pamt.md §6)
 * through the importers: each is read, and the profile is picked from them
 * when the kernel release does not decide.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseArtifactText } from '../../engine/import/artifact.js';
import { buildHost } from '../../engine/import/build-host.js';
import { checkBoot } from '../../engine/import/compare.js';

const E820 = [
  'BIOS-e820: [mem 0x0000000000000000-0x000000000009efff] usable',
  'BIOS-e820: [mem 0x0000000000100000-0x000000007fefffff] usable',
  'BIOS-e820: [mem 0x0000000100000000-0x000000107fffffff] usable',
];

function imported(lines: string[], kernel?: string) {
  const head = kernel
    ? [`Linux version ${kernel} (builder@build) #1 SMP`, `Command line: BOOT_IMAGE=/vmlinuz-${kernel} nohibernate`]
    : [];
  const text = [...head, ...E820, ...lines].map((l, i) => `[${(i + 1).toFixed(6).padStart(12)}] ${l}`).join('\n');
  const facts = parseArtifactText('dmesg.txt', text);
  return { facts, result: buildHost([{ source: 'dmesg.txt', facts }]) };
}

test('init at boot: "Module version", "TDX-Module initialized"; the profile is boot-init whatever the release guessed', () => {
  const { facts, result } = imported(
    [
      'virt/tdx: BIOS enabled: private KeyID range [64, 128)',
      'virt/tdx: Module version: 1.5.24',
      'virt/tdx: 266264 KB allocated for PAMT',
      'virt/tdx: TDX-Module initialized',
    ],
    '7.2.0',
  );
  const b = facts.boots[0];
  assert.deepEqual(
    [b.outcome, b.initWording, b.moduleVersion, b.moduleVersionLine],
    ['initialized', 'boot', '1.5.24', true],
  );
  const o = result.observed[0];
  assert.deepEqual([o.variant, o.variant_known], ['boot-init', true]);
  assert.match(o.variant_reason, /TDX-Module initialized/);
  assert.equal(result.host?.module.version, '1.5.24');
});

test('"Enable Dynamic PAMT" picks dpamt even without a release; the KB line is the bitmap figure', () => {
  const { result } = imported([
    'virt/tdx: Module version: 1.5.20',
    'virt/tdx: Enable Dynamic PAMT',
    'virt/tdx: 2568 KB allocated for PAMT',
    'virt/tdx: TDX-Module initialized',
  ]);
  const o = result.observed[0];
  assert.deepEqual([o.variant, o.variant_known, o.dpamt, o.pamt_kb], ['dpamt', true, true, 2568]);
  // 0x80000000 + 62 GiB above 4 GiB: TDMRs [0, 2G) and [4G, 66G): 40·2 + 4 + 40·62 + 4.
  const c = checkBoot(result.host!, o);
  assert.equal(c.verdict, 'agree', JSON.stringify(c));
  assert.match(c.printed, /Enable Dynamic PAMT, 2568 KB allocated for PAMT/);
});

test('"TDX-Module initialization failed (-5)" is read with its errno', () => {
  const { facts, result } = imported([
    'virt/tdx: SEAMCALL (0x000000000000002d) failed: 0xc0000a0200000001',
    'virt/tdx: TDX-Module initialization failed (-5)',
  ]);
  const b = facts.boots[0];
  assert.deepEqual([b.outcome, b.errno, b.initWording], ['failed', -5, 'boot']);
  assert.equal(result.observed[0].variant, 'boot-init');
});

test('a precondition failure: the line is the failure, the host keeps the missing feature, check reproduces it', () => {
  for (const [line, field] of [
    ['XSAVE is required for TDX', 'xsave'],
    ['MOVDIR64B is required for TDX', 'movdir64b'],
    ['Self-snoop is required for TDX', 'self_snoop'],
  ] as const) {
    const { facts, result } = imported(['virt/tdx: BIOS enabled: private KeyID range [64, 128)', `virt/tdx: ${line}`]);
    const b = facts.boots[0];
    assert.deepEqual([b.outcome, b.failure, b.preconditionFailed], ['failed', line, field]);
    const o = result.observed[0];
    assert.deepEqual([o.variant, o.precondition], ['boot-init', field]);
    assert.equal(result.host?.platform?.[field], false);
    assert.ok(result.assumptions.some((a) => a.includes(`platform.${field} = false`)));
    const c = checkBoot(result.host!, o);
    assert.equal(c.verdict, 'agree', JSON.stringify(c));
    assert.equal(c.printed, line);
  }
});

test('"module initialized" on a 7.x release: init at KVM load, so upstream, and the lab says it is guessing', () => {
  const { result } = imported(['virt/tdx: 266264 KB allocated for PAMT', 'virt/tdx: module initialized'], '7.1.0');
  const o = result.observed[0];
  assert.deepEqual([o.variant, o.variant_known], ['upstream', false]);
  assert.match(o.variant_reason, /wording of init at KVM load/);
});

test('a version line of failed reads ("0.0.00") is no version', () => {
  const { facts } = imported(['virt/tdx: Module version: 0.0.00', 'virt/tdx: TDX-Module initialization failed (-5)']);
  assert.equal(facts.boots[0].moduleVersion, undefined);
});
