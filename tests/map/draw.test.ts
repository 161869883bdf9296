/** drawMap under linkedom: one element per engine object, aggregation for huge hosts, deterministic SVG. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildMapModel, drawMap } from '../../renderer/map/index.js';
import { contiguousHost } from '../../engine/host/synthetic.js';
import { planTdmrs } from '../../engine/kernel/construct.js';
import { SZ_1G, SZ_4G } from '../../engine/format/hex.js';
import { count, emptySvg, plannedGoldenCases } from './helpers.js';

const cases = plannedGoldenCases('upstream');

test('full detail: .tdmr and .reserved-area element counts equal the engine counts for every golden case', () => {
  for (const { name, host, plan } of cases) {
    const svg = emptySvg();
    drawMap(svg, buildMapModel({ host, plan }), { width: 1200, height: 360, detail: 'full' });
    const reserved = plan.ok ? plan.tdmrs.reduce((s, t) => s + t.reserved.length, 0) : 0;
    assert.equal(count(svg, '.tdmr'), plan.tdmrs.length, `${name}: .tdmr`);
    assert.equal(count(svg, '.reserved-area'), reserved, `${name}: .reserved-area`);
    assert.equal(count(svg, '.cmr'), host.cmrs.length, `${name}: .cmr`);
    assert.equal(count(svg, '.lod-aggregate'), 0);
    if (!plan.ok && plan.failedTdmr !== undefined)
      assert.equal(svg.querySelector('.tdmr.failed')?.getAttribute('data-id'), `tdmr-${plan.failedTdmr}`);
  }
});

test('auto detail: drawn plus aggregated shapes account for every shape; data-count is exact', () => {
  for (const { name, host, plan } of cases) {
    const svg = emptySvg();
    const model = buildMapModel({ host, plan });
    drawMap(svg, model, { width: 900, height: 320 });
    for (const layer of svg.querySelectorAll('g.layer')) {
      const kind = layer.getAttribute('data-kind')!;
      const total = Number(layer.getAttribute('data-count'));
      assert.equal(
        total,
        model.counts[kind as keyof typeof model.counts] - (kind === 'numa-node' ? 0 : 0),
        `${name}: ${kind} data-count`,
      );
      const drawn = layer.querySelectorAll('rect[data-id]').length;
      let aggregated = 0;
      for (const a of layer.querySelectorAll('rect.lod-aggregate')) aggregated += Number(a.getAttribute('data-count'));
      assert.equal(drawn, Number(layer.getAttribute('data-drawn')));
      assert.equal(drawn + aggregated, total, `${name}: ${kind} drawn ${drawn} + aggregated ${aggregated}`);
    }
  }
});

test('the same input gives byte-identical SVG; no NaN; coordinates have at most 2 decimals', () => {
  for (const { host, plan } of cases.slice(0, 30)) {
    const a = emptySvg();
    const b = emptySvg();
    drawMap(a, buildMapModel({ host, plan }), { width: 1000, height: 340 });
    drawMap(b, buildMapModel({ host, plan }), { width: 1000, height: 340 });
    const sa = a.outerHTML;
    assert.equal(sa, b.outerHTML);
    assert.ok(!sa.includes('NaN') && !sa.includes('Infinity'));
    for (const m of sa.matchAll(/ (?:x|y|width|height)="([^"]*)"/g)) assert.match(m[1], /^-?\d+(\.\d{1,2})?$/);
  }
});

test('100,000 regions: bounded element count, everything accounted for by aggregates', () => {
  const host = contiguousHost({ regions: 100_000, maxTdmrs: 8192, maxReservedPerTdmr: 1024 });
  const plan = planTdmrs(host, 'upstream');
  const model = buildMapModel({ host, plan });
  const svg = emptySvg();
  const t0 = performance.now();
  drawMap(svg, model, { width: 1200, height: 360 });
  const ms = performance.now() - t0;
  const elements = svg.querySelectorAll('*').length;
  assert.ok(elements < 20_000, `${elements} elements`);
  const mb = svg.querySelector('g.layer-memblock')!;
  assert.equal(mb.getAttribute('data-count'), '100000');
  let agg = 0;
  for (const a of mb.querySelectorAll('rect.lod-aggregate')) agg += Number(a.getAttribute('data-count'));
  assert.equal(agg + mb.querySelectorAll('rect[data-id]').length, 100_000);
  void ms;
});

test('setDomain zooms in: only the window is drawn, and getDomain reports it', () => {
  const { host, plan } = cases.find((c) => c.plan.ok && c.plan.tdmrs.length >= 3)!;
  assert.ok(plan.ok);
  const svg = emptySvg();
  const map = drawMap(svg, buildMapModel({ host, plan }), { width: 1000, height: 340, detail: 'full' });
  const t1 = plan.tdmrs[1];
  map.setDomain([t1.base, t1.base + t1.size]);
  assert.deepEqual(map.getDomain(), [t1.base, t1.base + t1.size]);
  const ids = [...svg.querySelectorAll('.tdmr[data-id]')].map((e) => e.getAttribute('data-id'));
  assert.deepEqual(ids, ['tdmr-1']);
  map.select('tdmr-1');
  assert.equal(svg.querySelector('.selected')?.getAttribute('data-id'), 'tdmr-1');
  map.highlight(['tdmr-1']);
  assert.equal(count(svg, '.highlighted'), 1);
  const at = map.shapesAt(t1.base);
  assert.ok(at.find((h) => h.track === 'tdmr')!.shapes.some((s) => s.id === 'tdmr-1'));
  map.destroy();
  assert.equal(svg.childNodes.length, 0);
});

test('compressed holes are drawn as breaks with labelled edges', () => {
  const host = contiguousHost({ regions: 64, maxTdmrs: 64, maxReservedPerTdmr: 16, start: 64 * SZ_4G });
  host.memblock.unshift({ start: 0x100000, end: 2 * SZ_1G, nid: 0 });
  host.cmrs.unshift({ base: 0, size: 2 * SZ_1G });
  const svg = emptySvg();
  drawMap(svg, buildMapModel({ host, plan: planTdmrs(host, 'upstream') }), { width: 1000, height: 300 });
  assert.ok(count(svg, '.hole-break') >= 1);
  assert.ok(count(svg, '.tick.edge') >= 1);
});

test('30,000 memory blocks plus 100,000 regions: zooming anywhere stays bounded', () => {
  const host = contiguousHost({ regions: 100_000, maxTdmrs: 8192, maxReservedPerTdmr: 1024 });
  const plan = planTdmrs(host, 'upstream');
  const bs = 128 * 1024 * 1024;
  const states = ['online', 'offline', 'refused'] as const;
  const memoryBlocks = Array.from({ length: 30_000 }, (_, i) => ({
    start: SZ_4G + i * bs,
    end: SZ_4G + (i + 1) * bs,
    state: states[i % 7 === 0 ? 2 : i % 3 === 0 ? 1 : 0],
  }));
  const model = buildMapModel({ host, plan, memoryBlocks });
  assert.equal(model.counts['mem-block'], 30_000);
  const svg = emptySvg();
  const map = drawMap(svg, model, { width: 1200, height: 400 });
  for (const [a, b] of [
    [0, model.top],
    [SZ_4G, SZ_4G + 64 * SZ_1G],
    [SZ_4G + 1000 * bs, SZ_4G + 1010 * bs],
  ] as Array<[number, number]>) {
    map.setDomain([a, b]);
    assert.ok(
      svg.querySelectorAll('*').length < 20_000,
      `window ${a}-${b}: ${svg.querySelectorAll('*').length} elements`,
    );
    const layer = svg.querySelector('g.layer-mem-block')!;
    let agg = 0;
    for (const r of layer.querySelectorAll('rect.lod-aggregate')) agg += Number(r.getAttribute('data-count'));
    const drawn = layer.querySelectorAll('rect[data-id]').length;
    // Every block in the window is accounted for.
    const inWindow = memoryBlocks.filter((m) => m.end > a && m.start < b).length;
    assert.equal(drawn + agg, inWindow);
  }
  // At 10 blocks wide, every block is drawn individually with its state class.
  assert.equal(svg.querySelectorAll('.mem-block').length, 10);
  assert.equal(
    svg.querySelectorAll('.mem-block.refused').length,
    memoryBlocks.slice(1000, 1010).filter((m) => m.state === 'refused').length,
  );
});
