/** The address axis: round trips, compress-holes monotonicity, exact hex ticks. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  addressTicks,
  collapsibleGaps,
  compressedBreakpoints,
  makeAddressScale,
  MAX_GAPS,
  tickBase,
} from '../../renderer/map/index.js';
import { hex, humanSize, SZ_1G, SZ_4G, MAX_PHYS_ADDR } from '../../engine/format/hex.js';

const TiB = 1024 * SZ_1G;
// 2 GiB below 4 GiB, then 4 TiB from 4 GiB: the case compress-holes exists for.
const occupied: Array<[number, number]> = [
  [0, 2 * SZ_1G],
  [SZ_4G, SZ_4G + 4 * TiB],
];
const top = SZ_4G + 4 * TiB + 64 * TiB; // with a long empty tail

test('linear scale: x and invert round-trip to the byte for page-aligned addresses', () => {
  const s = makeAddressScale({ top, range: [0, 1000] });
  for (const a of [0, 0x1000, SZ_1G, SZ_4G, 3 * TiB + 0x5000, top]) {
    assert.ok(Math.abs(s.invert(s.x(a)) - a) <= top * 1e-12, `round trip ${hex(a)}`);
  }
  assert.equal(s.x(0), 0);
  assert.equal(s.x(top), 1000);
});

test('scale up to 2^52 stays exact at the ends and monotone', () => {
  const s = makeAddressScale({ top: MAX_PHYS_ADDR, range: [100, 1100] });
  assert.equal(s.invert(100), 0);
  assert.equal(s.invert(1100), MAX_PHYS_ADDR);
  let prev = -Infinity;
  for (let a = 0; a <= MAX_PHYS_ADDR; a += MAX_PHYS_ADDR / 64) {
    assert.ok(s.x(a) > prev);
    prev = s.x(a);
  }
});

test('compress holes: strictly monotone, breakpoints exact, long holes collapsed, everything else linear', () => {
  const bp = compressedBreakpoints(occupied, top);
  for (let i = 1; i < bp.addrs.length; i++) {
    assert.ok(bp.addrs[i] > bp.addrs[i - 1]);
    assert.ok(bp.u[i] > bp.u[i - 1]);
  }
  assert.equal(bp.u[0], 0);
  assert.equal(bp.u[bp.u.length - 1], 1);
  // The 2 GiB hole below 4 GiB is short next to 4 TiB of memory: it keeps its width; the 64 TiB tail collapses.
  assert.deepEqual(bp.breaks, [[SZ_4G + 4 * TiB, top]]);
  const s = makeAddressScale({ top, occupied, compressHoles: true, range: [0, 1000] });
  // Every breakpoint maps back to itself exactly.
  for (const a of bp.addrs) assert.equal(s.invert(s.x(a)), a);
  // Linear outside the gap: 2 GiB of low memory is to 4 TiB exactly as their sizes (no minimum width).
  const low = s.x(2 * SZ_1G) - s.x(0);
  const high = s.x(SZ_4G + 4 * TiB) - s.x(SZ_4G);
  assert.ok(Math.abs(low / high - (2 * SZ_1G) / (4 * TiB)) < 1e-9, `low ${low} px, high ${high} px`);
  assert.ok(
    Math.abs(s.x(SZ_4G) - s.x(2 * SZ_1G) - (2 * SZ_1G * high) / (4 * TiB)) < 1e-6,
    'the short hole is to scale',
  );
  // The collapsed tail takes its fixed share (6 %) of the linear width, whatever its size.
  const linearPx = s.x(SZ_4G + 4 * TiB) - s.x(0);
  const gapPx = s.x(top) - s.x(SZ_4G + 4 * TiB);
  assert.ok(Math.abs(gapPx / linearPx - 0.06) < 1e-9, `gap ${gapPx} px of ${linearPx}`);
  let prev = -Infinity;
  for (let a = 0; a <= top; a += top / 997) {
    const x = s.x(a);
    assert.ok(x > prev, `monotone at ${hex(a)}`);
    prev = x;
    assert.ok(Math.abs(s.invert(x) - a) <= Math.max(1, top * 1e-12));
  }
});

test('many gaps: at most MAX_GAPS are collapsed (the longest), together at most 30 % of the width', () => {
  // 1,000 regions of 1 GiB, each followed by a hole of 2^k GiB (k cycling 0..9): 1,000 holes longer than 2 %.
  const occ: Array<[number, number]> = [];
  let at = 0;
  for (let i = 0; i < 1000; i++) {
    occ.push([at, at + SZ_1G]);
    at += SZ_1G + 2 ** (i % 10) * 64 * SZ_1G;
  }
  const gaps = collapsibleGaps(occ, at);
  assert.equal(gaps.length, MAX_GAPS);
  for (let i = 1; i < gaps.length; i++) assert.ok(gaps[i][0] > gaps[i - 1][0], 'gaps in address order');
  const shortest = Math.min(...gaps.map(([a, b]) => b - a));
  const all = occ.slice(1).map((r, i) => r[0] - occ[i][1]);
  assert.equal(all.filter((h) => h > shortest).length <= MAX_GAPS, true, 'the longest holes are the ones kept');
  const s = makeAddressScale({ top: at, gaps, compressHoles: true, range: [0, 1000] });
  let gapPx = 0;
  for (const [a, b] of s.breakpoints.breaks) gapPx += s.x(b) - s.x(a);
  assert.ok(gapPx <= 300 * (1 + 1e-9), `gaps take ${gapPx} px of 1000`);
  assert.ok(s.breakpoints.addrs.length <= 2 * MAX_GAPS + 2, 'the layout stays small');
});

test('deep zoom: ticks read as offsets from a labelled base; a wide window reads plainly', () => {
  const TiB3 = 3 * TiB + 0x123456000;
  const deep = makeAddressScale({ top: 4 * TiB, range: [0, 1200] }).withDomain([TiB3, TiB3 + 64 * 1024 * 1024]);
  const base = tickBase(deep);
  assert.ok(base !== null && base <= TiB3 && TiB3 - base < 128 * 1024 * 1024, `base ${base}`);
  const ticks = addressTicks(deep, 90);
  assert.ok(ticks.length >= 3);
  for (const t of ticks) {
    assert.equal(t.label, `+${hex(t.addr - base!)}`);
    assert.equal(t.sub, `+${humanSize(t.addr - base!)}`);
    assert.equal(t.hex, hex(t.addr), 'the exact address stays with every tick');
  }
  assert.equal(new Set(ticks.map((t) => t.sub)).size, ticks.length, 'no two ticks read the same size');
  const wide = makeAddressScale({ top: 4 * TiB, range: [0, 1200] });
  assert.equal(tickBase(wide), null);
  for (const t of addressTicks(wide, 90)) assert.equal(t.label, t.hex);
});

test('a zoomed window maps its ends to the range ends', () => {
  const s = makeAddressScale({ top, occupied, compressHoles: true, range: [10, 810] }).withDomain([
    SZ_1G,
    SZ_4G + SZ_1G,
  ]);
  assert.ok(Math.abs(s.x(SZ_1G) - 10) < 1e-9);
  assert.ok(Math.abs(s.x(SZ_4G + SZ_1G) - 810) < 1e-9);
  assert.equal(s.invert(10), SZ_1G);
  assert.equal(s.invert(810), SZ_4G + SZ_1G);
});

test('ticks are exact hex at power-of-two multiples with human sizes, spaced apart', () => {
  for (const s of [
    makeAddressScale({ top, range: [0, 1200] }),
    makeAddressScale({ top, occupied, compressHoles: true, range: [0, 1200] }),
    makeAddressScale({ top: 0x180000000, range: [0, 900] }).withDomain([0x1000, 0x9000]),
  ]) {
    const ticks = addressTicks(s, 90);
    assert.ok(ticks.length >= 2, 'some ticks');
    for (let i = 0; i < ticks.length; i++) {
      const t = ticks[i];
      assert.ok(Number.isSafeInteger(t.addr));
      assert.equal(t.hex, hex(t.addr));
      assert.equal(BigInt(t.hex), BigInt(t.addr));
      assert.equal(t.size, humanSize(t.addr));
      if (i > 0) assert.ok(t.x - ticks[i - 1].x >= 90 - 1e-9, 'spacing');
      assert.ok(t.addr >= s.domain[0] && t.addr <= s.domain[1]);
    }
  }
  // A compressed hole in the middle of the space gets its edge labelled.
  const middle: Array<[number, number]> = [...occupied, [1024 * TiB, 1028 * TiB]];
  const compressed = addressTicks(
    makeAddressScale({ top: 1028 * TiB, occupied: middle, compressHoles: true, range: [0, 1200] }),
    90,
  );
  assert.ok(
    compressed.some((t) => (t.addr === SZ_4G + 4 * TiB || t.addr === 1024 * TiB) && t.edge),
    'the hole edge is labelled',
  );
});
