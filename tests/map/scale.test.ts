/** The address axis: round trips, compress-holes monotonicity, exact hex ticks. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addressTicks, compressedBreakpoints, makeAddressScale } from '../../renderer/map/index.js';
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

test('compress holes: strictly monotone, breakpoints exact, long holes shrunk, small memory readable', () => {
  const bp = compressedBreakpoints(occupied, top);
  for (let i = 1; i < bp.addrs.length; i++) {
    assert.ok(bp.addrs[i] > bp.addrs[i - 1]);
    assert.ok(bp.u[i] > bp.u[i - 1]);
  }
  assert.equal(bp.u[0], 0);
  assert.equal(bp.u[bp.u.length - 1], 1);
  assert.deepEqual(bp.breaks, [[SZ_4G + 4 * TiB, top]]);
  const s = makeAddressScale({ top, occupied, compressHoles: true, range: [0, 1000] });
  // Every breakpoint maps back to itself exactly.
  for (const a of bp.addrs) assert.equal(s.invert(s.x(a)), a);
  // 2 GiB of low memory gets a readable width next to 4 TiB (linear would give under a pixel).
  assert.ok(s.x(2 * SZ_1G) - s.x(0) >= 20, `low memory is ${s.x(2 * SZ_1G)} px`);
  assert.ok(makeAddressScale({ top, range: [0, 1000] }).x(2 * SZ_1G) < 1);
  // The 64 TiB empty tail is drawn shorter than the 4 TiB of memory.
  assert.ok(s.x(top) - s.x(SZ_4G + 4 * TiB) < s.x(SZ_4G + 4 * TiB) - s.x(SZ_4G));
  let prev = -Infinity;
  for (let a = 0; a <= top; a += top / 997) {
    const x = s.x(a);
    assert.ok(x > prev, `monotone at ${hex(a)}`);
    prev = x;
    assert.ok(Math.abs(s.invert(x) - a) <= Math.max(1, top * 1e-12));
  }
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
