/**
 * Every golden host through the whole flow: where the kernel side fails the
 * flow stops at the same stage with the same errno and lines; where it
 * succeeds the module either initializes with the golden PAMT figure or
 * rejects the TDMRs in TDH.SYS.CONFIG (device memory outside the CMRs, or
 * addresses with KeyID bits).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { initTdx } from '../../engine/flow/init.js';
import { parseHost } from '../../engine/host/validate.js';
import { ERRNO_VALUES } from '../../engine/kernel/construct.js';
import { loadGoldenCases } from '../helpers/golden.js';

for (const variant of ['upstream', 'cmr-holes'] as const) {
  test(`golden cases (${variant}) through initTdx agree with the kernel-side results`, () => {
    const outcomes = new Map<string, number>();
    for (const c of loadGoldenCases(variant)) {
      const parsed = parseHost(c.input);
      assert.ok(parsed.ok, c.name);
      const r = initTdx(parsed.value, variant, { includePlan: false });
      const exp = c.expected as { ok: boolean; stage?: string; errno?: string; log: string[]; pamt_kb?: number };
      const key = `${c.category}:${r.ok ? 'ok' : `${r.stage}/${r.statusName ?? r.errno}`}`;
      outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
      if (!exp.ok) {
        assert.deepEqual([r.stage, r.errno], [exp.stage, exp.errno], c.name);
        const n = ERRNO_VALUES[exp.errno as keyof typeof ERRNO_VALUES];
        assert.deepEqual(
          r.log.slice(-exp.log.length - 1),
          [...exp.log, `virt/tdx: module initialization failed (${n})`],
          c.name,
        );
        continue;
      }
      if (r.ok) {
        assert.equal(r.pamtKb, exp.pamt_kb, c.name);
        assert.ok(r.log.includes(`virt/tdx: ${exp.pamt_kb} KB allocated for PAMT`), c.name);
      } else {
        assert.equal(r.stage, 'config', c.name);
        assert.match(r.statusName!, /^TDX_(TDMR_OUTSIDE_CMRS|PAMT_OUTSIDE_CMRS|INVALID_TDMR)$/, c.name);
      }
      if (c.category === 'cxl' || c.category === 'nvdimm')
        assert.match(r.statusName ?? 'ok', /OUTSIDE_CMRS/, `${c.name}: device memory is not convertible`);
    }
    assert.ok(outcomes.size > 3);
  });
}
