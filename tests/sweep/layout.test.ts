/**
 * The memory axes' transforms: from the golden 2-socket server, the regular
 * layout rebuilds exactly the other golden server-* hosts, and the CXL
 * transform exactly the golden cxl-* hosts (which the kernel's own code
 * produced), so the sweep's hosts are the ones the golden set validates.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SZ_1G, SZ_4G } from '../../engine/format/hex.js';
import {
  addHotAddedCxl,
  baseLayout,
  cxlWindowBase,
  minMemoryPerNodeGib,
  regularLayout,
} from '../../engine/sweep/layout.js';
import { applyAxes } from '../../engine/sweep/axes.js';
import { loadGoldenCases } from '../helpers/golden.js';
import { goldenHost } from './helpers.js';

test('baseLayout of the golden 2-socket server: 2 nodes, 2 GiB low span, 256 GiB per node', () => {
  assert.deepEqual(baseLayout(goldenHost('server-2s-256g')), { nodes: 2, lowSpan: 2 * SZ_1G, memoryPerNodeGib: 256 });
  assert.deepEqual(baseLayout(goldenHost('server-8s-4096g')), { nodes: 8, lowSpan: 2 * SZ_1G, memoryPerNodeGib: 4096 });
  assert.equal(minMemoryPerNodeGib(goldenHost('server-2s-256g')), 3);
});

test('regularLayout(nodes, GiB) from server-2s-256g rebuilds every golden server-Ns-Mg host exactly', () => {
  const base = goldenHost('server-2s-256g');
  const servers = loadGoldenCases('upstream').filter((c) => /^server-\d+s-\d+g$/.test(c.name));
  assert.ok(servers.length >= 10, 'golden server cases present');
  for (const c of servers) {
    const [, n, g] = /^server-(\d+)s-(\d+)g$/.exec(c.name)!;
    const want = goldenHost(c.name);
    const got = regularLayout(base, Number(n), Number(g));
    assert.deepEqual(got.memblock, want.memblock, `${c.name} memblock`);
    assert.deepEqual(got.cmrs, want.cmrs, `${c.name} cmrs`);
    assert.deepEqual(got.reserved, []);
    assert.deepEqual(got.module, want.module);
  }
});

test('regularLayout keeps low memory, low CMRs and reserved ranges that still lie in memory; drops the rest', () => {
  const base = goldenHost('server-2s-256g');
  base.reserved = [
    { start: 0x100000, end: 0x200000, what: 'low' },
    { start: 0x4100000000, end: 0x4100100000, what: 'node 1 at 260 GiB' },
  ];
  const small = regularLayout(base, 1, 16); // DRAM ends at 4 GiB + 14 GiB
  assert.deepEqual(small.reserved, [{ start: 0x100000, end: 0x200000, what: 'low' }]);
  const big = regularLayout(base, 2, 256);
  assert.equal(big.reserved.length, 2);
  assert.deepEqual(
    small.memblock.filter((r) => r.end <= SZ_4G),
    base.memblock.filter((r) => r.end <= SZ_4G),
  );
  // The base host is not modified.
  assert.equal(base.memblock.length, 6);
});

test('addHotAddedCxl reproduces the golden cxl-2s-256g and cxl-2s-1024g hosts (normal zone, own node, outside the CMRs)', () => {
  const base = goldenHost('server-2s-256g');
  for (const [name, gib] of [
    ['cxl-2s-256g', 256],
    ['cxl-2s-1024g', 1024],
  ] as const) {
    const want = goldenHost(name);
    const got = addHotAddedCxl(base, gib, 'normal');
    assert.deepEqual(got.memblock, want.memblock, name);
    assert.deepEqual(got.cmrs, want.cmrs, name);
  }
  const oneSocket = regularLayout(base, 1, 256);
  assert.deepEqual(addHotAddedCxl(oneSocket, 1024, 'normal').memblock, goldenHost('cxl-1s-1024g').memblock);
});

test('addHotAddedCxl: the window starts at the next 64 GiB boundary; movable zone marks the region; 0 GiB is no device', () => {
  const base = goldenHost('server-2s-256g');
  assert.equal(cxlWindowBase(base), 0x9000000000);
  const movable = addHotAddedCxl(base, 64, 'movable');
  assert.deepEqual(movable.memblock.at(-1), {
    start: 0x9000000000,
    end: 0x9000000000 + 64 * SZ_1G,
    nid: 2,
    zone: 'movable',
  });
  assert.equal(addHotAddedCxl(base, 0, 'movable'), base);
});

test('applyAxes: layout, then CXL on the new layout, then module limits, then the kernel variant', () => {
  const base = goldenHost('server-2s-256g');
  const { host, variant } = applyAxes(
    base,
    {
      nodes: 4,
      memory_per_node_gib: 16,
      cxl_gib: 64,
      cxl_zone: 'normal',
      max_tdmrs: 7,
      max_reserved_per_tdmr: 3,
      kernel: 'cmr-holes',
    },
    'upstream',
  );
  assert.equal(variant, 'cmr-holes');
  assert.equal(host.module.max_tdmrs, 7);
  assert.equal(host.module.max_reserved_per_tdmr, 3);
  assert.deepEqual(host.module.pamt_entry_size, base.module.pamt_entry_size);
  // 4 nodes x 16 GiB end at 4 GiB + 62 GiB; the CXL window starts at 128 GiB on node 4.
  assert.deepEqual(host.memblock.at(-2), { start: 0x100000000 + 46 * SZ_1G, end: SZ_4G + 62 * SZ_1G, nid: 3 });
  assert.deepEqual(host.memblock.at(-1), { start: 128 * SZ_1G, end: 192 * SZ_1G, nid: 4 });
  // Absent axes keep the base; no axes at all give the base host back.
  assert.deepEqual(applyAxes(base, {}, 'upstream'), { host: base, variant: 'upstream' });
  assert.deepEqual(applyAxes(base, { nodes: 2 }, 'upstream').host.memblock, base.memblock);
});
