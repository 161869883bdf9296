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

test('parseHex reads exactly what the regex-and-parseInt reading did, leading zeros and limits included', () => {
  // The reading before parseHex was sped up, kept here as the reference.
  const reference = (s: string): number | undefined => {
    if (!/^0x[0-9a-fA-F]+$/.test(s)) return undefined;
    const digits = s.slice(2).replace(/^0+(?=.)/, '');
    if (digits.length > 14) return undefined;
    const n = parseInt(digits, 16);
    return Number.isSafeInteger(n) ? n : undefined;
  };
  const cases = [
    '0x0',
    '0x00000',
    '0x1',
    '0x0001000',
    '0xABCdef',
    '0x1fffffffffffff',
    '0x20000000000000',
    '0x20000000000001',
    '0x00000000000000000001',
    '0xffffffffffffff',
    '0x100000000000000',
    '0x0000000000000000000fffffffffffff',
    '0x',
    '0X10',
    '10',
    '0x1g',
    ' 0x1',
    '0x1 ',
    '',
    '-0x1',
    '0x1.8',
  ];
  for (let k = 0; k <= 56; k++) cases.push(hex(2 ** k), hex(2 ** k - 1), '0x000' + (2 ** k + 4096).toString(16));
  for (const s of cases) assert.equal(parseHex(s), reference(s), JSON.stringify(s));
});

test('hex prints exactly what n.toString(16) prints, across every 28-bit boundary', () => {
  const cases = [0, 1, 15, 16, -1, -0x10000000, 0.5, 2 ** 53, 2 ** 60, 305419896.5];
  for (let k = 0; k <= 53; k++) cases.push(2 ** k - 1, 2 ** k, 2 ** k + 1, 2 ** k + 0x0fffffff);
  // A fixed pseudo-random walk over [0, 2^53).
  let x = 0x9e3779b9;
  for (let i = 0; i < 20_000; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    cases.push(Math.floor((x / 2 ** 32) * 2 ** (i % 54)) * (1 + (i % 7)));
  }
  for (const n of cases) if (Number.isFinite(n)) assert.equal(hex(n), '0x' + n.toString(16), String(n));
});
