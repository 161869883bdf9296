/** sortInPlace: the built-in stable sort's order, in place, on short and long lists with ties. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sortInPlace } from '../../engine/kernel/sort.js';

test('sortInPlace gives Array.prototype.sort’s stable order for lengths 0 to 60, ties kept in input order', () => {
  let seed = 12345;
  const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  for (let n = 0; n <= 60; n++)
    for (let round = 0; round < 20; round++) {
      const items = Array.from({ length: n }, (_, i) => ({ key: Math.floor(rand() * (n / 3 + 1)), i }));
      const cmp = (a: { key: number }, b: { key: number }) => a.key - b.key;
      const want = [...items].sort(cmp);
      const got = [...items];
      assert.equal(sortInPlace(got, cmp), got, 'sorts in place and returns the array');
      assert.deepEqual(got, want, `n=${n}`);
      for (let k = 1; k < got.length; k++)
        if (got[k - 1].key === got[k].key) assert.ok(got[k - 1].i < got[k].i, 'stable');
    }
});
