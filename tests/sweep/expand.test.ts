/** Combination numbering, expansion, and the checks against the base host. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { combinationValues, expandCombination, resolveSweep } from '../../engine/sweep/expand.js';
import { parseSweep } from '../../engine/sweep/schema.js';
import { applyAxes } from '../../engine/sweep/axes.js';
import { goldenCase, goldenHost, serverSweep } from './helpers.js';

test('combinations are numbered like nested loops, last axis fastest, every one exactly once', () => {
  const s = serverSweep([
    { axis: 'nodes', values: [1, 2, 4] },
    { axis: 'max_tdmrs', range: { from: 10, to: 40, step: 10 } },
    { axis: 'kernel', values: ['upstream', 'cmr-holes'] },
  ]);
  assert.equal(s.total, 24);
  assert.deepEqual(combinationValues(s, 0), [1, 10, 'upstream']);
  assert.deepEqual(combinationValues(s, 1), [1, 10, 'cmr-holes']);
  assert.deepEqual(combinationValues(s, 2), [1, 20, 'upstream']);
  assert.deepEqual(combinationValues(s, 23), [4, 40, 'cmr-holes']);
  const seen = new Set<string>();
  for (let i = 0; i < s.total; i++) seen.add(JSON.stringify(combinationValues(s, i)));
  assert.equal(seen.size, 24);
});

test('expandCombination applies the values to the base host and picks the variant', () => {
  const s = serverSweep(
    [
      { axis: 'memory_per_node_gib', values: [16, 64] },
      { axis: 'max_reserved_per_tdmr', values: [4, 8] },
    ],
    'plan',
    'cmr-holes',
  );
  const c = expandCombination(s, 3);
  assert.deepEqual(c.values, [64, 8]);
  assert.equal(c.variant, 'cmr-holes');
  assert.deepEqual(
    c.host,
    applyAxes(goldenHost('server-2s-256g'), { memory_per_node_gib: 64, max_reserved_per_tdmr: 8 }, 'cmr-holes').host,
  );
  assert.equal(c.host.module.max_reserved_per_tdmr, 8);
  assert.throws(() => expandCombination(s, 4), RangeError);
  assert.throws(() => expandCombination(s, -1), RangeError);
});

function resolveProblems(axes: unknown[]): string[] {
  const doc = parseSweep({ name: 's', host: goldenCase('server-2s-256g').input, axes });
  assert.ok(doc.ok);
  const r = resolveSweep(doc.value, doc.value.host!, 'upstream');
  return r.ok ? [] : r.problems.map((p) => `${p.path}: ${p.message}`);
}

test('values that make no host are refused against the base host', () => {
  assert.deepEqual(resolveProblems([{ axis: 'memory_per_node_gib', values: [64, 2] }]), [
    '$.axes[0]: memory_per_node_gib 2 is too small: node 0 of the base host has 2 GiB below 4 GiB, so it needs at least 3',
  ]);
  assert.deepEqual(
    resolveProblems([
      { axis: 'nodes', values: [64] },
      { axis: 'memory_per_node_gib', values: [4194304] },
    ]),
    [
      '$.axes: the largest combination (nodes=64, memory_per_node_gib=4194304) reaches past the 2^52 limit of physical addresses',
    ],
  );
  assert.deepEqual(resolveProblems([{ axis: 'cxl_gib', values: [4194304] }]), [
    '$.axes: the largest combination (cxl_gib=4194304) reaches past the 2^52 limit of physical addresses',
  ]);
  assert.deepEqual(
    resolveProblems([
      { axis: 'nodes', values: [64] },
      { axis: 'memory_per_node_gib', values: [65535] },
    ]),
    [],
  );
});
