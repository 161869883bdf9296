/** hasFeature: the bit test the flow makes on TDX_FEATURES0, against BigInt arithmetic, bits 0 to 52. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hasFeature } from '../../engine/module/leaves.js';

test('hasFeature agrees with a BigInt AND for every bit below 2^53, on values with many bits set', () => {
  let seed = 7;
  const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const values = [0, 1, 2 ** 36, 2 ** 53 - 1, 2 ** 18 + 2 ** 1, 2 ** 36 + 2 ** 18 + 2];
  for (let k = 0; k < 200; k++) values.push(Math.floor(rand() * 2 ** 26) * 2 ** 27 + Math.floor(rand() * 2 ** 27));
  for (const v of values)
    for (let bit = 0; bit < 53; bit++) {
      const want = (BigInt(v) & (1n << BigInt(bit))) !== 0n;
      assert.equal(hasFeature(v, 2 ** bit), want, `0x${v.toString(16)} bit ${bit}`);
    }
});
