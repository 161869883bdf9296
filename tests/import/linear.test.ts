/**
 * Import is linear in its input (issue 12, item 9): every CMR line used to be
 * checked against every earlier one. A deterministic work counter (lines read
 * plus steps in the CMR index) must about double when the input doubles; a
 * scan of the list would make it four times as large. No timing here: speed
 * is in `npm run bench` (tests/bench/import.bench.ts).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseArtifactText } from '../../engine/import/artifact.js';
import type { WorkCounter } from '../../engine/import/interval-set.js';

const GIB = 2 ** 30;

/** n disjoint 1 GiB CMR lines above 4 GiB, in the given order of indices. */
function cmrLog(order: readonly number[]): string {
  const lines = ['[    0.100000] virt/tdx: BIOS enabled: private KeyID range [32, 64)'];
  for (const i of order) {
    const base = 4 * GIB + i * 2 * GIB;
    lines.push(`[    8.400000] virt/tdx: CMR: [0x${base.toString(16)}, 0x${(base + GIB).toString(16)})`);
  }
  return lines.join('\n');
}

function work(order: readonly number[]): { steps: number; cmrs: number } {
  const counter: WorkCounter = { steps: 0 };
  const facts = parseArtifactText('cmrs.txt', cmrLog(order), { work: counter });
  return { steps: counter.steps, cmrs: facts.boots[0].cmrs.length };
}

/** A fixed pseudo-random permutation (the same on every run). */
function shuffled(n: number): number[] {
  const a = Array.from({ length: n }, (_, i) => i);
  let seed = 12345;
  for (let i = n - 1; i > 0; i--) {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    const j = seed % (i + 1);
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

for (const [label, make] of [
  ['ascending', (n: number) => Array.from({ length: n }, (_, i) => i)],
  ['descending', (n: number) => Array.from({ length: n }, (_, i) => n - 1 - i)],
  ['shuffled', shuffled],
] as const) {
  test(`CMR lines (${label}): doubling the input about doubles the work`, () => {
    const a = work(make(20_000));
    const b = work(make(40_000));
    assert.equal(a.cmrs, 20_000);
    assert.equal(b.cmrs, 40_000);
    const ratio = b.steps / a.steps;
    // O(n log n) at most: 2 * log(40k)/log(20k) = 2.14; the old list scan gave about 4.
    assert.ok(ratio > 1.8 && ratio < 2.5, `work ratio ${ratio.toFixed(2)} (${a.steps} -> ${b.steps})`);
    assert.ok(b.steps < 40 * 40_000, `work per line stays small: ${b.steps / 40_000}`);
  });
}

test('the CMR index still drops repeated lines and refuses overlapping ones', () => {
  const f = parseArtifactText(
    't',
    [
      'virt/tdx: CMR: [0x100000, 0x70000000)',
      'virt/tdx: CMR: [0x100000000, 0x1080000000)',
      'virt/tdx: CMR: [0x100000, 0x70000000)',
      'virt/tdx: CMR: [0x1000000000, 0x2000000000)',
      'virt/tdx: CMR: [0x80000000, 0x100000000)',
    ].join('\n'),
  );
  assert.deepEqual(
    f.boots[0].cmrs.map((c) => [c.start, c.end]),
    [
      [0x100000, 0x70000000],
      [0x80000000, 0x100000000],
      [0x100000000, 0x1080000000],
    ],
  );
  assert.deepEqual(
    f.warnings.map((w) => w.line),
    [4],
  );
});
