import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadGoldenCases } from '../helpers/golden.js';
import { parseHost } from '../../engine/host/validate.js';
import { planTdmrs } from '../../engine/kernel/construct.js';
import { planToResultJson } from '../../engine/format/result-json.js';
import { KERNEL_VARIANTS } from '../../engine/host/types.js';

for (const variant of KERNEL_VARIANTS) {
  const cases = loadGoldenCases(variant);
  test(`golden ${variant}: the case set is present`, () => {
    assert.ok(cases.length >= 100, `expected the full golden set, found ${cases.length}`);
  });
  for (const c of cases) {
    test(`golden ${variant}: ${c.name}`, () => {
      const parsed = parseHost(c.input);
      assert.ok(parsed.ok, parsed.ok ? '' : JSON.stringify(parsed.problems));
      const result = planToResultJson(planTdmrs(parsed.value, variant));
      // Byte equality of the serialization also checks field order.
      assert.equal(JSON.stringify(result), JSON.stringify(c.expected));
    });
  }
}
