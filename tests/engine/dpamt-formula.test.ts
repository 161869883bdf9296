/**
 * Dynamic PAMT sizing checked against dynamic-pamt.md §3 computed here, not
 * by the engine: for every dpamt golden case that initializes, pamt_kb is
 * the sum over its TDMRs of 40·G + 4 KiB (G ≤ 256 GiB, 16-byte entries) or
 * the general formula; the worked examples (a) and (b) hold; and the engine
 * agrees through planTdmrs and through `plan --kernel dpamt --json`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadGoldenCases } from '../helpers/golden.js';
import { parseHost } from '../../engine/host/validate.js';
import { planTdmrs } from '../../engine/kernel/construct.js';
import { runTdxLab } from '../helpers/cli.js';
import { FIXTURES } from '../helpers/golden.js';
import { join } from 'node:path';

const GiB = 2 ** 30;
const pg = (x: number) => Math.ceil(x / 4096) * 4096;

/** §3 with DPAMT: bitmap = pg(ceil(pages·bits/8)), 2M and 1G levels as before; bytes per TDMR. */
function dpamtTdmrBytes(size: number, e2: number, e1: number, bits = 1): number {
  return pg(Math.ceil(((size / 4096) * bits) / 8)) + pg((size / 0x200000) * e2) + pg((size / GiB) * e1);
}

interface Expected {
  ok: boolean;
  pamt_kb?: number;
  tdmrs?: { size: string; pamt: { size_4k: string } }[];
}
interface Input {
  module: { pamt_entry_size: { '4k': number; '2m': number; '1g': number } };
}

test('every dpamt golden case that initializes: pamt_kb from the spec formula', () => {
  let shortcut = 0;
  let general = 0;
  for (const c of loadGoldenCases('dpamt')) {
    const exp = c.expected as Expected;
    if (!exp.ok) continue;
    const e = (c.input as Input).module.pamt_entry_size;
    let kb = 0;
    for (const t of exp.tdmrs!) {
      const size = Number(t.size);
      const g = size / GiB;
      if (e['2m'] === 16 && e['1g'] === 16 && g <= 256) {
        // 32 KiB of bitmap and 8 KiB of 2M PAMT per GiB, one page of 1G PAMT.
        kb += 40 * g + 4;
        shortcut++;
      } else {
        kb += dpamtTdmrBytes(size, e['2m'], e['1g']) / 1024;
        general++;
      }
      // The 4K level is the bitmap, per TDMR.
      assert.equal(Number(t.pamt.size_4k), pg(Math.ceil(size / 4096 / 8)), `${c.name}: bitmap size`);
    }
    assert.equal(kb, exp.pamt_kb, `${c.name}: golden pamt_kb`);
    const parsed = parseHost(c.input);
    assert.ok(parsed.ok);
    const plan = planTdmrs(parsed.value, 'dpamt');
    assert.ok(plan.ok, c.name);
    assert.equal(plan.ok && plan.pamtKb, kb, `${c.name}: engine pamt_kb`);
  }
  assert.ok(shortcut > 100, `the 40·G + 4 shortcut covered ${shortcut} TDMRs`);
  assert.ok(general > 0, `the general formula covered ${general} TDMRs (over 256 GiB or other entry sizes)`);
});

test('worked example (a): one 256 GiB TDMR is 10244 KB with DPAMT, 1050628 KB without', () => {
  assert.equal(dpamtTdmrBytes(256 * GiB, 16, 16) / 1024, 10244);
  assert.equal(40 * 256 + 4, 10244);
  assert.equal(4104 * 256 + 4, 1050628);
});

test('worked example (b): plan --kernel dpamt --json prints pamt_kb 20492, upstream 2101260', () => {
  // server-2s-256g: TDMRs [0, 2G), [4G, 258G), [258G, 514G), no module version (a DPAMT module assumed).
  const host = join(FIXTURES, 'golden', 'dpamt', 'server-2s-256g.json');
  const byKernel = (k: string) => {
    const r = runTdxLab(['plan', '--json', '--kernel', k, host]);
    assert.equal(r.status, 0, r.stderr);
    return JSON.parse(r.stdout) as { pamt_kb: number; tdmrs: { base: string; size: string }[] };
  };
  const d = byKernel('dpamt');
  assert.deepEqual(
    d.tdmrs.map((t) => [Number(t.base) / GiB, Number(t.size) / GiB]),
    [
      [0, 2],
      [4, 254],
      [258, 256],
    ],
  );
  assert.equal(d.pamt_kb, 20492);
  assert.equal(40 * (2 + 254 + 256) + 3 * 4, 20492);
  assert.equal(byKernel('upstream').pamt_kb, 2101260);
  assert.equal(byKernel('boot-init').pamt_kb, 2101260);
});

test('dpamt with a module older than 1.5.20: static PAMT, and the plan says why', () => {
  const c = loadGoldenCases('dpamt').find((g) => g.name === 'server-2s-256g')!;
  const parsed = parseHost({ ...(c.input as object), module: { ...(c.input as Input).module, version: '1.5.06' } });
  assert.ok(parsed.ok);
  const plan = planTdmrs(parsed.value, 'dpamt');
  assert.ok(plan.ok);
  assert.equal(plan.ok && plan.pamtKb, 2101260);
  assert.equal(plan.dpamt?.dynamic, false);
  assert.match(plan.dpamt!.reason, /static PAMT.*1\.5\.06 is older than 1\.5\.20/);
  const newer = parseHost({ ...(c.input as object), module: { ...(c.input as Input).module, version: '1.5.20' } });
  assert.ok(newer.ok);
  const p2 = planTdmrs(newer.value, 'dpamt');
  assert.equal(p2.ok && p2.pamtKb, 20492);
  assert.equal(p2.dpamt?.assumed, true, 'bit 36 inferred from the version');
  // An explicit TDX_FEATURES0 decides: NO_RBP_MOD only means no Dynamic PAMT whatever the version.
  const explicit = parseHost({
    ...(c.input as object),
    module: { ...(c.input as Input).module, version: '1.5.24', tdx_features0: '0x40000' },
  });
  assert.ok(explicit.ok);
  const p3 = planTdmrs(explicit.value, 'dpamt');
  assert.equal(p3.ok && p3.pamtKb, 2101260);
  assert.equal(p3.dpamt?.assumed, false);
  // Static profiles have no decision at all.
  assert.equal(planTdmrs(parsed.value, 'boot-init').dpamt, undefined);
});
