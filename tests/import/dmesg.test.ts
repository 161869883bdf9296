/** The kernel-log parser on every wording kernels have used (spec kernel-flow.md §6). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseArtifactText } from '../../engine/import/artifact.js';
import { kernelMessage } from '../../engine/import/dmesg.js';

const boot = (text: string) => {
  const f = parseArtifactText('t', text);
  return { f, b: f.boots[f.boots.length - 1] };
};

test('prefixes: dmesg timestamps, journalctl (with hostname), "> " quoting, bare', () => {
  assert.deepEqual(kernelMessage('[    1.824045] virt/tdx: module initialized'), {
    msg: 'virt/tdx: module initialized',
    host: undefined,
  });
  assert.deepEqual(kernelMessage('Jun 06 12:00:01 tdx-box kernel: virt/tdx: module initialized'), {
    msg: 'virt/tdx: module initialized',
    host: 'tdx-box',
  });
  assert.deepEqual(kernelMessage('2024-06-06T12:00:01+0000 tdx-box kernel: tdx: module initialized'), {
    msg: 'tdx: module initialized',
    host: 'tdx-box',
  });
  assert.equal(
    kernelMessage('> [    0.65] virt/tdx: CMR: [0x100000, 0x77800000)').msg,
    'virt/tdx: CMR: [0x100000, 0x77800000)',
  );
});

test('newer kernels: "TDX-Module initialized", version "TDX module version: x.y.z"', () => {
  const { b } = boot(
    'virt/tdx: TDX module version: 1.5.24\nvirt/tdx: 1034220 KB allocated for PAMT\nvirt/tdx: TDX-Module initialized\n',
  );
  assert.equal(b.outcome, 'initialized');
  assert.equal(b.moduleVersion, '1.5.24');
  assert.equal(b.pamtKb, 1034220);
});

test('older kernels: "KBs", "Disable ACPI S3 suspend.", "tdx:" prefix, CRLF line ends', () => {
  const { b } = boot(
    '[ 0.1] tdx: BIOS enabled: private KeyID range [32, 64)\r\n[ 0.1] tdx: Disable ACPI S3 suspend. Turn off TDX in the BIOS to use ACPI S3.\r\n[ 1.1] tdx: 1050644 KBs allocated for PAMT\r\n[ 1.1] tdx: module initialized\r\n',
  );
  assert.deepEqual(b.keyidRange, [32, 64]);
  assert.equal(b.acpiS3Disabled, true);
  assert.equal(b.pamtKb, 1050644);
});

test('boot-time failures and init failures', () => {
  assert.equal(
    boot('virt/tdx: initialization failed: too few private KeyIDs available.\n').b.failure,
    'too few private KeyIDs available',
  );
  assert.equal(
    boot('virt/tdx: initialization failed: Hibernation support is enabled\n').b.failure,
    'Hibernation support is enabled',
  );
  const ex = boot(
    'virt/tdx: initialization failed: TDMRs exhausted.\nvirt/tdx: module initialization failed (-28)\n',
  ).b;
  assert.deepEqual([ex.outcome, ex.failure, ex.errno], ['failed', 'TDMRs exhausted', -28]);
  const nl = boot('virt/tdx: module not loaded\n').b;
  assert.deepEqual([nl.outcome, nl.failure], ['failed', 'module not loaded']);
});

test('a second "Command line:" starts a new boot; "Kernel command line:" does not', () => {
  const { f } = boot(
    [
      '[0.0] Command line: BOOT_IMAGE=/boot/vmlinuz-6.8.0-1004-intel ro',
      '[0.9] Kernel command line: BOOT_IMAGE=/boot/vmlinuz-6.8.0-1004-intel ro',
      '[1.6] virt/tdx: BIOS enabled: private KeyID range [32, 64)',
      '[0.0] Command line: BOOT_IMAGE=/boot/vmlinuz-6.8.0-1006-intel ro',
      '[1.2] virt/tdx: BIOS enabled: private KeyID range [32, 64)',
    ].join('\n'),
  );
  assert.deepEqual(
    f.boots.map((b) => [b.kernel, b.firstLine]),
    [
      ['6.8.0-1004-intel', 1],
      ['6.8.0-1006-intel', 4],
    ],
  );
});

test('SEAMCALL failure lines', () => {
  const { b } = boot(
    'virt/tdx: SEAMCALL (0x0000000000000022) failed: 0xc000050500000000\nvirt/tdx: module initialization failed (-5)\n',
  );
  assert.deepEqual(b.seamcallFailures, [{ leaf: 34, status: '0xc000050500000000', line: 1 }]);
  assert.equal(b.errno, -5);
});
