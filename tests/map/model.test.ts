/** buildMapModel over the golden cases: one shape per engine object, stable ids, sorted tracks. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildMapModel, findShapesAt } from '../../renderer/map/index.js';
import { pamtTotal } from '../../engine/kernel/pamt.js';
import { plannedGoldenCases } from './helpers.js';

const cases = plannedGoldenCases('upstream');

test('golden cases (both kernel variants): shape counts equal the engine TDMR, reserved-area, CMR and memblock counts', () => {
  assert.ok(cases.length > 50);
  for (const { name, host, plan } of [...cases, ...plannedGoldenCases('cmr-holes')]) {
    const m = buildMapModel({ host, plan });
    const reserved = plan.ok ? plan.tdmrs.reduce((s, t) => s + t.reserved.length, 0) : 0;
    assert.equal(m.counts.tdmr, plan.tdmrs.length, `${name}: TDMRs`);
    assert.equal(m.counts['reserved-area'], reserved, `${name}: reserved areas`);
    assert.equal(m.counts.cmr, host.cmrs.length, `${name}: CMRs`);
    assert.equal(m.counts.memblock, host.memblock.length, `${name}: memblock`);
    assert.equal(m.counts['tdx-memory'], plan.memlist.length, `${name}: TDX memory`);
    assert.equal(m.counts.device, (host.devices ?? []).length, `${name}: devices`);
    const pamtParts = plan.ok
      ? plan.tdmrs.reduce((s, t) => s + [t.pamt.size4k, t.pamt.size2m, t.pamt.size1g].filter((x) => x > 0).length, 0)
      : 0;
    assert.equal(m.counts.pamt, pamtParts, `${name}: PAMT blocks`);
    assert.equal(m.ok, plan.ok);
    if (!plan.ok) assert.equal(m.failedTdmr, plan.failedTdmr);
  }
});

test('PAMT of each TDMR is three consecutive blocks 4K, 2M, 1G starting at pamt.base', () => {
  const { host, plan } = cases.find((c) => c.plan.ok && c.plan.tdmrs.length > 1)!;
  assert.ok(plan.ok);
  const m = buildMapModel({ host, plan });
  const pamt = m.tracks.find((t) => t.id === 'pamt')!.shapes;
  plan.tdmrs.forEach((t, i) => {
    const k4 = pamt.find((s) => s.id === `pamt-${i}-4k`)!;
    const k2 = pamt.find((s) => s.id === `pamt-${i}-2m`)!;
    const g1 = pamt.find((s) => s.id === `pamt-${i}-1g`)!;
    assert.equal(k4.start, t.pamt.base);
    assert.equal(k4.end, k2.start);
    assert.equal(k2.end, g1.start);
    assert.equal(g1.end, t.pamt.base + pamtTotal(t.pamt));
    assert.deepEqual(k4.classes, ['pamt-4k']);
  });
});

test('ids are unique and stable; tracks are sorted by start; details carry exact hex and sizes', () => {
  for (const { name, host, plan } of cases) {
    const a = buildMapModel({ host, plan });
    const b = buildMapModel({ host, plan });
    assert.deepEqual(a, b, `${name}: deterministic`);
    const ids = a.tracks.flatMap((t) => t.shapes.map((s) => s.id));
    assert.equal(new Set(ids).size, ids.length, `${name}: unique ids`);
    for (const t of a.tracks) {
      for (let i = 1; i < t.shapes.length; i++)
        assert.ok(t.shapes[i - 1].start <= t.shapes[i].start, `${name}: ${t.id} sorted`);
      for (const s of t.shapes) assert.match(s.details.range, /^\[0x[0-9a-f]+, 0x[0-9a-f]+\)$/);
    }
  }
  const { host, plan } = cases.find((c) => c.plan.ok)!;
  const m = buildMapModel({ host, plan });
  const t0 = m.tracks.find((t) => t.id === 'tdmr')!.shapes.find((s) => s.id === 'tdmr-0')!;
  assert.ok(plan.ok);
  assert.equal(
    t0.details.range,
    `[0x${plan.tdmrs[0].base.toString(16)}, 0x${(plan.tdmrs[0].base + plan.tdmrs[0].size).toString(16)})`,
  );
  assert.match(t0.details.size, /^\d+(\.\d+)? (KiB|MiB|GiB|TiB)$/);
});

test('track order top to bottom, and the failed TDMR is marked', () => {
  const { host, plan } = cases.find((c) => !c.plan.ok && c.plan.failedTdmr !== undefined)!;
  const m = buildMapModel({ host, plan });
  assert.deepEqual(
    m.tracks.map((t) => t.id).filter((id) => id !== 'device' && id !== 'mem-block'),
    ['numa', 'memblock', 'tdx-memory', 'cmr', 'tdmr', 'pamt'],
  );
  const failed = m.tracks.find((t) => t.id === 'tdmr')!.shapes.filter((s) => s.classes.includes('failed'));
  assert.deepEqual(
    failed.map((s) => s.id),
    [`tdmr-${plan.ok ? -1 : plan.failedTdmr}`],
  );
});

test('memory blocks and devices become their own tracks with state classes', () => {
  const { host, plan } = cases.find((c) => (c.host.devices ?? []).length > 0) ?? cases[0];
  const bs = 128 * 1024 * 1024;
  const blocks = [
    { start: 4 * 1024 ** 3, end: 4 * 1024 ** 3 + bs, state: 'online' as const },
    { start: 4 * 1024 ** 3 + bs, end: 4 * 1024 ** 3 + 2 * bs, state: 'refused' as const, reason: 'not TDX memory' },
  ];
  const m = buildMapModel({
    host: { ...host, platform: { ...host.platform, memory_block_size: bs } },
    plan,
    memoryBlocks: blocks,
  });
  const mb = m.tracks.find((t) => t.id === 'mem-block')!.shapes;
  assert.deepEqual(
    mb.map((s) => s.id),
    ['mem-32', 'mem-33'],
  );
  assert.deepEqual(mb[1].classes, ['refused']);
  assert.equal(mb[1].details.reason, 'not TDX memory');
  const hits = findShapesAt(m, 4 * 1024 ** 3 + bs + 5);
  assert.deepEqual(
    hits.find((h) => h.track === 'mem-block')!.shapes.map((s) => s.id),
    ['mem-33'],
  );
});

test('findShapesAt finds the TDMR and the reserved area covering an address', () => {
  const c = cases.find((x) => x.plan.ok && x.plan.tdmrs.some((t) => t.reserved.length > 0))!;
  assert.ok(c.plan.ok);
  const ti = c.plan.tdmrs.findIndex((t) => t.reserved.length > 0);
  const t = c.plan.tdmrs[ti];
  const addr = t.base + t.reserved[0].offset;
  const m = buildMapModel(c);
  const tdmrHits = findShapesAt(m, addr)
    .find((h) => h.track === 'tdmr')!
    .shapes.map((s) => s.id);
  assert.deepEqual(tdmrHits.sort(), [`rsvd-${ti}-0`, `tdmr-${ti}`].sort());
  assert.deepEqual(findShapesAt(m, m.top + 10), []);
});

test('details of shapes above 4 GiB format exactly like engine hex()', async () => {
  const { contiguousHost } = await import('../../engine/host/synthetic.js');
  const { planTdmrs } = await import('../../engine/kernel/construct.js');
  const { hex } = await import('../../engine/format/hex.js');
  const host = contiguousHost({
    regions: 1000,
    maxTdmrs: 8192,
    maxReservedPerTdmr: 1024,
    start: 2 ** 50 - 1000 * 64 * 1024 * 1024 - 0x1000,
  });
  host.memblock = host.memblock.map((r) => ({ ...r, start: r.start + 0x123000, end: r.end }));
  host.cmrs = [{ base: host.memblock[0].start, size: host.memblock[999].end - host.memblock[0].start }];
  const m = buildMapModel({ host, plan: planTdmrs(host, 'upstream') });
  for (const s of m.tracks.find((t) => t.id === 'memblock')!.shapes) {
    assert.equal(s.details.range, `[${hex(s.start)}, ${hex(s.end)})`);
  }
});

test('reserved areas exhausted: the areas the failed TDMR would need are drawn as needed-area, not as reserved areas', async () => {
  const { planTdmrs } = await import('../../engine/kernel/construct.js');
  const { drawMap } = await import('../../renderer/map/index.js');
  const { emptySvg } = await import('./helpers.js');
  const c = cases.find((x) => x.name === 'rsvd-holes-16')!;
  assert.ok(!c.plan.ok && c.plan.stage === 'reserved' && c.plan.failedTdmr !== undefined);
  const relaxed = planTdmrs({ ...c.host, module: { ...c.host.module, max_reserved_per_tdmr: 1 << 20 } }, 'upstream');
  assert.ok(relaxed.ok);
  const areas = relaxed.tdmrs[c.plan.failedTdmr].reserved;
  assert.ok(areas.length > c.host.module.max_reserved_per_tdmr);
  const m = buildMapModel({ host: c.host, plan: c.plan, neededReserved: { tdmr: c.plan.failedTdmr, areas } });
  assert.equal(m.counts['needed-area'], areas.length);
  assert.equal(m.counts['reserved-area'], 0);
  const over = m.tracks.find((t) => t.id === 'tdmr')!.shapes.filter((s) => s.classes.includes('over-limit'));
  assert.equal(over.length, areas.length - c.host.module.max_reserved_per_tdmr);
  const svg = emptySvg();
  drawMap(svg, m, { width: 1000, height: 360, detail: 'full' });
  assert.equal(svg.querySelectorAll('.needed-area').length, areas.length);
  assert.equal(svg.querySelectorAll('.reserved-area').length, 0);
});
