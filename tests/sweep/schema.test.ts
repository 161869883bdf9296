/** Sweep file validation: every refusal names its JSON path, and huge sweeps are refused by size. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_COMBINATIONS, parseSweep } from '../../engine/sweep/schema.js';
import { goldenCase } from './helpers.js';
import { KERNEL_VARIANTS } from '../../engine/host/types.js';

const host = () => goldenCase('server-2s-256g').input;

function problems(doc: unknown): string[] {
  const r = parseSweep(doc);
  assert.equal(r.ok, false, 'expected the sweep to be refused');
  return r.ok ? [] : r.problems.map((p) => `${p.path}: ${p.message}`);
}

test('a valid sweep parses: list and range axes, combination count is the product', () => {
  const r = parseSweep({
    name: 's',
    host: host(),
    axes: [
      { axis: 'nodes', values: [1, 2, 4] },
      { axis: 'max_tdmrs', range: { from: 8, to: 64, step: 8 } },
      { axis: 'kernel', values: ['upstream', 'cmr-holes'] },
    ],
  });
  assert.ok(r.ok);
  assert.equal(r.value.total, 3 * 8 * 2);
  assert.deepEqual(r.value.axes[1], { name: 'max_tdmrs', kind: 'range', from: 8, step: 8, count: 8 });
  assert.equal(r.value.host?.name, 'server-2s-256g');
});

test('a sweep of 10^9 combinations is refused with its size named, before anything else', () => {
  const big = { axis: 'memory_per_node_gib', range: { from: 1000, to: 1999 } };
  const msgs = problems({
    name: 's',
    hostFile: 'does-not-matter.json',
    axes: [
      big,
      { axis: 'max_tdmrs', range: { from: 1, to: 1000 } },
      { axis: 'max_reserved_per_tdmr', range: { from: 1, to: 1000 } },
    ],
  });
  assert.deepEqual(msgs, [
    `$.axes: 1,000,000,000 combinations (1,000 × 1,000 × 1,000) is more than the ${MAX_COMBINATIONS.toLocaleString('en-US')} a sweep may have; narrow an axis`,
  ]);
  // Exactly the limit is accepted.
  const ok = parseSweep({
    name: 's',
    host: host(),
    axes: [
      { axis: 'max_tdmrs', range: { from: 1, to: 1000 } },
      { axis: 'max_reserved_per_tdmr', range: { from: 1, to: 1000 } },
    ],
  });
  assert.ok(ok.ok);
  assert.equal(ok.value.total, 1_000_000);
});

test('unknown axes, repeated axes, bad values and bad ranges are named by JSON path', () => {
  assert.deepEqual(problems({ name: 's', host: host(), axes: [{ axis: 'memory_gb', values: [1] }] }), [
    '$.axes[0].axis: unknown axis "memory_gb" (known: nodes, memory_per_node_gib, cxl_gib, cxl_zone, max_tdmrs, max_reserved_per_tdmr, kernel, td_count, td_memory_gib, td_4k_percent, td_vcpus)',
  ]);
  assert.deepEqual(
    problems({
      name: 's',
      host: host(),
      axes: [
        { axis: 'nodes', values: [1] },
        { axis: 'nodes', values: [2] },
      ],
    }),
    ['$.axes[1].axis: axis "nodes" already varies in $.axes[0]'],
  );
  assert.deepEqual(problems({ name: 's', host: host(), axes: [{ axis: 'nodes', values: [1, 0, 2.5, '4', 65, 1] }] }), [
    '$.axes[0].values[1]: 0 is below the minimum 1 for nodes',
    '$.axes[0].values[2]: expected an integer for nodes, got 2.5',
    '$.axes[0].values[3]: expected an integer for nodes, got "4"',
    '$.axes[0].values[4]: 65 is above the maximum 64 for nodes',
    '$.axes[0].values[5]: 1 is listed twice',
  ]);
  assert.deepEqual(problems({ name: 's', host: host(), axes: [{ axis: 'kernel', values: ['upstream', 'ubuntu'] }] }), [
    `$.axes[0].values[1]: expected one of ${KERNEL_VARIANTS.map((v) => `"${v}"`).join(', ')} for kernel, got "ubuntu"`,
  ]);
  assert.deepEqual(problems({ name: 's', host: host(), axes: [{ axis: 'kernel', range: { from: 1, to: 2 } }] }), [
    `$.axes[0].range: axis "kernel" takes a list of values (${KERNEL_VARIANTS.join(', ')}), not a range`,
  ]);
  assert.deepEqual(problems({ name: 's', host: host(), axes: [{ axis: 'max_tdmrs', range: { from: 9, to: 8 } }] }), [
    '$.axes[0].range.to: 8 is below "from" (9)',
  ]);
  assert.deepEqual(problems({ name: 's', host: host(), axes: [{ axis: 'cxl_gib', range: { from: -1, to: 8 } }] }), [
    '$.axes[0].range.from: -1 is below the minimum 0 for cxl_gib',
  ]);
  assert.deepEqual(
    problems({ name: 's', host: host(), axes: [{ axis: 'max_tdmrs', values: [1], range: { from: 1, to: 2 } }] }),
    ['$.axes[0]: give exactly one of "values" (a list) or "range" ({"from", "to", "step"})'],
  );
  assert.deepEqual(
    problems({
      name: 's',
      host: host(),
      axes: [
        { axis: 'nodes', values: [1] },
        { axis: 'cxl_zone', values: ['normal'] },
      ],
    }),
    ['$.axes[1].axis: cxl_zone needs a cxl_gib axis (the zone of the CXL device it hot-adds)'],
  );
});

test('shape problems come from the schema with JSON paths', () => {
  assert.deepEqual(problems({ name: 's', host: host(), axes: [] }), ['$.axes: must list at least one axis']);
  assert.deepEqual(problems({ name: 's', host: host(), axes: [{ axis: 'nodes', values: [] }] }), [
    '$.axes[0].values: must list at least one value',
  ]);
  const typo = problems({ name: 's', host: host(), axis: [] });
  assert.ok(
    typo.some((m) => m.startsWith('$.axes: missing')),
    typo.join('; '),
  );
  assert.ok(
    typo.some((m) => m.startsWith('$: ') && m.includes('axis')),
    typo.join('; '),
  );
  assert.deepEqual(
    problems({ name: 's', host: host(), axes: [{ axis: 'nodes', range: { from: 1, to: 2, step: 0 } }] }).length,
    1,
  );
});

test('the base host: exactly one of host and hostFile; inline host problems are reported under $.host', () => {
  assert.deepEqual(problems({ name: 's', axes: [{ axis: 'nodes', values: [1] }] }), [
    '$: give the base host either inline as "host" or as "hostFile" (one of them)',
  ]);
  assert.deepEqual(problems({ name: 's', host: host(), hostFile: 'x.json', axes: [{ axis: 'nodes', values: [1] }] }), [
    '$: give the base host either inline as "host" or as "hostFile" (one of them)',
  ]);
  const bad = structuredClone(host()) as { memblock: { end: string }[] };
  bad.memblock[2].end = '0x5f0e0001';
  assert.deepEqual(problems({ name: 's', host: bad, axes: [{ axis: 'nodes', values: [1] }] }), [
    '$.host.memblock[2].end: 0x5f0e0001 is not 4 KiB aligned',
  ]);
  const r = parseSweep({ name: 's', hostFile: 'hosts/a.json', axes: [{ axis: 'nodes', values: [1] }] });
  assert.ok(r.ok);
  assert.equal(r.value.hostFile, 'hosts/a.json');
  assert.equal(r.value.host, undefined);
});
