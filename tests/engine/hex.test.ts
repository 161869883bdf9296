/** Hex and human-size formatting: exact to 2^52, binary units. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hex, humanSize, parseHex, MAX_PHYS_ADDR } from '../../engine/format/hex.js';

test('humanSize keeps integer digits when rounding (640 GiB, not 64)', () => {
  assert.equal(humanSize(640 * 2 ** 30), '640 GiB');
  assert.equal(humanSize(640 * 2 ** 30 - 4096), '640 GiB');
  assert.equal(humanSize(250 * 2 ** 30), '250 GiB');
  assert.equal(humanSize(1.5 * 2 ** 20), '1.5 MiB');
  assert.equal(humanSize(2.25 * 2 ** 20), '2.25 MiB');
  assert.equal(humanSize(10.04 * 2 ** 30), '10 GiB');
  assert.equal(humanSize(4096), '4 KiB');
  assert.equal(humanSize(0), '0 B');
});

test('hex round-trips up to 2^52', () => {
  for (const n of [0, 0x1000, 2 ** 32, 2 ** 52 - 4096, MAX_PHYS_ADDR]) assert.equal(parseHex(hex(n)), n);
  assert.equal(hex(0x100000000), '0x100000000');
});
