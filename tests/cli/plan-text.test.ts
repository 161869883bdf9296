/** The human summary of `tdx-lab plan`, on the sample hosts shipped in resources/hosts. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../helpers/golden.js';
import { runTdxLab } from '../helpers/cli.js';

const SAMPLES = join(PROJECT_ROOT, 'resources', 'hosts');

test('every sample host plans on both kernel variants', () => {
  const files = readdirSync(SAMPLES).filter((f) => f.endsWith('.json'));
  assert.ok(files.length >= 3);
  for (const f of files) {
    for (const k of ['upstream', 'cmr-holes']) {
      const r = runTdxLab(['plan', '--kernel', k, join(SAMPLES, f)]);
      assert.ok(r.status === 0 || r.status === 1, `${f} ${k}: ${r.stderr}`);
      assert.match(r.stdout, new RegExp(`kernel variant: ${k}`));
      assert.match(r.stdout, /TDMRs/);
      assert.match(r.stdout, /^ {2}[✓⚠✗] TDX (initializes|does not initialize)/m, 'the verdict comes first');
      assert.match(r.stdout, /^Findings/m);
    }
  }
});

test('2-socket sample: TDMR table, PAMT per node, hex with sizes', () => {
  const r = runTdxLab(['plan', join(SAMPLES, '2s-server-512g.json')]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /TDX memory regions \(\d+, 512 GiB\)/);
  assert.match(r.stdout, /0x100000000 +0x4080000000 +254 GiB +0/);
  assert.match(r.stdout, /PAMT: \d+ KB/);
  assert.match(r.stdout, /^ +1 +256 GiB +\d+ +0\.\d+%$/m);
});

test('fragmented-low-memory sample: upstream exhausts reserved areas, cmr-holes initializes', () => {
  const file = join(SAMPLES, '2s-server-fragmented-low-memory.json');
  const up = runTdxLab(['plan', file]);
  assert.equal(up.status, 1);
  assert.match(up.stdout, /virt\/tdx: initialization failed: TDMR \[0x0, 0x40000000\): reserved areas exhausted\./);
  assert.match(
    up.stdout,
    /\[error\] TDMR 0 needs 25 reserved areas; the module allows 16 \(reserved-areas-exhausted\)/,
  );
  assert.match(up.stdout, /Reserved areas TDMR 0 needs: 25 \(the module allows 16\)/);
  const cmr = runTdxLab(['plan', '--kernel', 'cmr-holes', file, '--json']);
  assert.equal(cmr.status, 0);
  assert.equal(JSON.parse(cmr.stdout).ok, true);
});

test('--help is available for the program and for plan', () => {
  const top = runTdxLab(['--help']);
  assert.equal(top.status, 0);
  assert.match(top.stdout, /Usage: tdx-lab/);
  assert.match(top.stdout, /plan/);
  const plan = runTdxLab(['plan', '--help']);
  assert.equal(plan.status, 0);
  assert.match(plan.stdout, /--kernel <profile>/);
  assert.match(plan.stdout, /Exit status/);
});

test('CXL-before-init sample: the kernel side succeeds, the emulated module rejects the TDMR outside the CMRs', () => {
  const r = runTdxLab(['plan', join(SAMPLES, '2s-server-512g-cxl-before-init.json')]);
  assert.equal(r.status, 1, 'exit status follows the verdict');
  assert.match(r.stdout, /✗ TDX does not initialize: TDH\.SYS\.CONFIG rejects TDMR 3 with TDX_TDMR_OUTSIDE_CMRS/);
  assert.match(r.stdout, /module status: 0xc0000a0200000003 TDX_TDMR_OUTSIDE_CMRS \(TDMR 3\)/);
  assert.match(r.stdout, /\(memory-outside-cmrs\)/);
  const ok = runTdxLab(['plan', join(SAMPLES, '2s-server-512g.json')]);
  assert.equal(ok.status, 0);
  assert.match(ok.stdout, /✓ TDX initializes: 3 TDMRs, 2101260 KB of PAMT/);
});
