/** `tdx-lab plan --json` reproduces every golden case exactly, through the real executable. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KERNEL_VARIANTS } from '../../engine/host/types.js';
import { loadGoldenCases } from '../helpers/golden.js';
import { runTdxLab } from '../helpers/cli.js';

for (const variant of KERNEL_VARIANTS) {
  test(`plan --json --kernel ${variant}: every golden case, one document per line, in order`, () => {
    const cases = loadGoldenCases(variant);
    assert.ok(cases.length > 50, 'golden fixtures present');
    const r = runTdxLab(['plan', '--json', '--kernel', variant, ...cases.map((c) => c.file)]);
    assert.equal(r.stderr, '');
    const anyFailure = cases.some((c) => (c.expected as { ok: boolean }).ok === false);
    assert.equal(r.status, anyFailure ? 1 : 0);
    const lines = r.stdout.trimEnd().split('\n');
    assert.equal(lines.length, cases.length);
    cases.forEach((c, i) => assert.deepEqual(JSON.parse(lines[i]), c.expected, `${variant}/${c.name}`));
  });
}

test('plan exit status: the verdict in text (0 initializes, 1 not); the kernel side with --json', () => {
  const cases = loadGoldenCases('upstream');
  const ok = cases.find((c) => c.name === 'server-2s-256g') ?? cases.find((c) => (c.expected as { ok: boolean }).ok)!;
  const [bad] = cases.filter((c) => !(c.expected as { ok: boolean }).ok);
  assert.equal(runTdxLab(['plan', ok.file]).status, 0);
  const r = runTdxLab(['plan', bad.file]);
  assert.equal(r.status, 1);
  assert.match(r.stdout, /✗ TDX does not initialize: /);
  assert.equal(runTdxLab(['plan', '--json', bad.file]).status, 1);
  // A CXL case: the kernel side succeeds (the golden RESULT is ok), the module rejects the TDMR.
  const cxl = cases.find((c) => c.category === 'cxl' && (c.expected as { ok: boolean }).ok)!;
  assert.equal(runTdxLab(['plan', '--json', cxl.file]).status, 0, '--json: the kernel side');
  const text = runTdxLab(['plan', cxl.file]);
  assert.equal(text.status, 1, 'text: the verdict');
  assert.match(text.stdout, /TDH\.SYS\.CONFIG rejects TDMR \d+ with TDX_TDMR_OUTSIDE_CMRS/);
});
