/**
 * The runtime cost of TDs under Dynamic PAMT (dynamic-pamt.md §5), computed
 * by hand here: 8 KiB per 2 MiB range holding a 4 KiB TD page, a control
 * page (TDR, TDCS, TDVPR, TDCX) or an S-EPT page; nothing for 2 MiB pages;
 * back to 0 when the TDs are destroyed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseScenario } from '../../engine/scenario/parse.js';
import { runScenario } from '../../engine/scenario/run.js';
import { sampleScenarioJson } from '../flow/helpers.js';

function scenario(kernel: string, tds: unknown[], events: unknown[]) {
  const base = structuredClone(sampleScenarioJson('dpamt-td-workload')) as Record<string, any>;
  const parsed = parseScenario({ ...base, kernel, tds, events });
  assert.ok(parsed.ok, JSON.stringify(!parsed.ok && parsed.problems));
  return runScenario(parsed.value);
}

const TDS = [
  // 4 GiB all at 4 KiB, 2 vCPUs.
  { name: 'small', count: 2, memory_gib: 4, page_4k_percent: 100, vcpus: 2 },
  // 16 GiB, a quarter at 4 KiB, the rest in 2 MiB pages, 4 vCPUs.
  { name: 'big', count: 1, memory_gib: 16, page_4k_percent: 25, vcpus: 4 },
];

test('TDs of 4K and 2M pages cost what §5 predicts, by hand; destroying them returns it to 0', () => {
  const r = scenario('dpamt', TDS, [
    { t: 0, kind: 'boot' },
    { t: 10, kind: 'td-create', td: 'small' },
    { t: 20, kind: 'td-create', td: 'big' },
    { t: 30, kind: 'td-destroy', td: 'small' },
    { t: 40, kind: 'td-destroy', td: 'big' },
  ]);
  // small: 4 GiB / 4 KiB = 1048576 4K pages -> 2048 ranges of 2 MiB.
  //   control: TDR 1 + TDCS 6 + 2 vCPUs × (TDVPR + 5 TDCX) = 19 pages;
  //   S-EPT: 2048 page tables + 4 page directories + 1 PDPT = 2053 pages;
  //   control + S-EPT = 2072 pages -> 5 ranges. 2053 ranges × 8 KiB = 16424 KiB.
  const small = (2048 + Math.ceil((1 + 6 + 2 * 6 + (2048 + 4 + 1)) / 512)) * 8;
  assert.equal(small, 16424);
  // big: 4 GiB at 4K (2048 ranges), 12 GiB in 6144 2M pages (no 4K PAMT);
  //   control 1 + 6 + 4 × 6 = 31; S-EPT 2048 + 16 + 1 = 2065; 2096 pages -> 5 ranges.
  const big = (2048 + Math.ceil((1 + 6 + 4 * 6 + (2048 + 16 + 1)) / 512)) * 8;
  assert.equal(big, 16424);
  const p = r.tdxMemory.points;
  assert.deepEqual(
    p.map((x) => x.dynamicKb),
    [0, 2 * small, 2 * small + big, big, 0],
  );
  assert.deepEqual(
    p.map((x) => x.tds),
    [0, 2, 3, 1, 0],
  );
  // Total = the PAMT (bitmap + 2M + 1G) + refcounts + the dynamic part; the static PAMT it replaces beside it.
  assert.equal(p[2].totalKb, 20492 + 1028 + 2 * small + big);
  assert.equal(p[2].staticEquivalentKb, 2101260);
  assert.deepEqual(r.events[1].tds, { running: 2, pamtAdd: 2 * 2053, pamtRemove: 0 });
  assert.deepEqual(r.events[3].tds, { running: 1, pamtAdd: 0, pamtRemove: 2 * 2053 });
  assert.match(r.events[1].summary, /TDH\.PHYMEM\.PAMT\.ADD on 4106 2 MiB ranges/);
  // Scattered pages cost up to one range per page, but never more ranges than 512 GiB of TDX memory has
  // (8 KiB per 2 MiB: the old static 4K PAMT, 2 GiB).
  assert.ok(p[1].dynamicMaxKb > p[1].dynamicKb && p[1].dynamicMaxKb <= 512 * 512 * 8, String(p[1].dynamicMaxKb));
  assert.equal(p[4].totalKb, 20492 + 1028);
});

test('2 MiB pages need no 4K PAMT: a TD all in 2 MiB pages costs only its control and S-EPT ranges', () => {
  const r = scenario(
    'dpamt',
    [{ name: 'huge', count: 1, memory_gib: 8, page_4k_percent: 0, vcpus: 1 }],
    [
      { t: 0, kind: 'boot' },
      { t: 1, kind: 'td-create', td: 'huge' },
    ],
  );
  // control 1 + 6 + 6 = 13; S-EPT: no page tables, 8 page directories, 1 PDPT -> 22 pages, 1 range.
  assert.equal(r.tdxMemory.points[1].dynamicKb, 8);
  // Scattered, each of the 22 pages in a range of its own.
  assert.equal(r.tdxMemory.points[1].dynamicMaxKb, 22 * 8);
});

test('memory assigned later (td-memory) grows and shrinks the cost', () => {
  const r = scenario('dpamt', TDS, [
    { t: 0, kind: 'boot' },
    { t: 1, kind: 'td-create', td: 'small', count: 1, assigned_gib: 1 },
    { t: 2, kind: 'td-memory', td: 'small', assigned_gib: 4 },
    { t: 3, kind: 'td-memory', td: 'small', assigned_gib: 0 },
  ]);
  // 1 GiB: 512 ranges; control 19 + S-EPT (512 + 1 + 1) = 533 pages -> 2 ranges.
  assert.deepEqual(
    r.tdxMemory.points.map((x) => x.dynamicKb),
    [0, (512 + 2) * 8, 16424, 1 * 8],
  );
});

test('on static-PAMT kernels TDs cost no dynamic PAMT; the static PAMT already covers every page', () => {
  for (const kernel of ['upstream', 'boot-init']) {
    const r = scenario(kernel, TDS, [
      { t: 0, kind: 'boot' },
      { t: 1, kind: 'init' },
      { t: 2, kind: 'td-create', td: 'small' },
    ]);
    const p = r.tdxMemory.points.at(-1)!;
    assert.deepEqual([p.pamt, p.dynamicKb, p.refcountKb, p.totalKb], ['static', 0, 0, 2101260], kernel);
    assert.equal(r.events.at(-1)!.ok, true);
  }
});

test('TDs need the module: before init (upstream) td-create fails; more TDs than KeyIDs is -ENOSPC', () => {
  const early = scenario('upstream', TDS, [{ t: 0, kind: 'td-create', td: 'small' }]);
  assert.deepEqual([early.events[0].ok, early.events[0].errno], [false, '-ENODEV']);
  const many = scenario(
    'dpamt',
    [{ name: 'tiny', count: 100, memory_gib: 0.5 }],
    [
      { t: 0, kind: 'boot' },
      { t: 1, kind: 'td-create', td: 'tiny', count: 63 },
      { t: 2, kind: 'td-create', td: 'tiny', count: 1 },
    ],
  );
  assert.equal(many.events[1].ok, true, '63 guest KeyIDs (64 TDX KeyIDs, one is global)');
  assert.deepEqual([many.events[2].ok, many.events[2].errno], [false, '-ENOSPC']);
});

test('bad workload input names its JSON path', () => {
  const base = structuredClone(sampleScenarioJson('dpamt-td-workload')) as Record<string, any>;
  const bad = parseScenario({
    ...base,
    tds: [{ name: 'a', count: 0, memory_gib: 1.0000001, page_4k_percent: 120, colour: 'red' }],
    events: [
      { kind: 'td-create', td: 'nope' },
      { kind: 'td-memory', td: 'a' },
    ],
  });
  assert.equal(bad.ok, false);
  const msgs = !bad.ok ? bad.problems.map((p) => `${p.path}: ${p.message}`) : [];
  for (const want of [
    /^\$\.tds\[0\]\.colour: unknown field/,
    /^\$\.tds\[0\]\.count: must be an integer 1\.\.4096/,
    /^\$\.tds\[0\]\.memory_gib: 1\.0000001 GiB is not a whole number of 4 KiB pages/,
    /^\$\.tds\[0\]\.page_4k_percent: must be a percentage/,
    /^\$\.events\[0\]\.td: no TD group "nope" in \$\.tds \(have: a\)/,
    /^\$\.events\[1\]\.assigned_gib: missing/,
  ])
    assert.ok(
      msgs.some((m) => want.test(m)),
      `${want} in ${JSON.stringify(msgs)}`,
    );
});
