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

test('plan exit status: 0 when the kernel side succeeds, 1 when it fails', () => {
  const [ok] = loadGoldenCases('upstream').filter((c) => (c.expected as { ok: boolean }).ok);
  const [bad] = loadGoldenCases('upstream').filter((c) => !(c.expected as { ok: boolean }).ok);
  assert.equal(runTdxLab(['plan', ok.file]).status, 0);
  const r = runTdxLab(['plan', bad.file]);
  assert.equal(r.status, 1);
  assert.match(r.stdout, /FAILED at (tdmrs|pamt|reserved)/);
});
