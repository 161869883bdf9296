/** engine/hotplug: blocks, memblock edits and the TDX notifier, directly. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HotplugMemory } from '../../engine/hotplug/memory.js';
import { tdxMemoryNotifier } from '../../engine/hotplug/notifier.js';
import { addRegion, removeRange, overlapsMemblock } from '../../engine/hotplug/memblock-list.js';
import { contiguousHost } from '../../engine/host/synthetic.js';
import type { MemblockRegion } from '../../engine/host/types.js';

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

test('notifier: empty list accepts anything; otherwise one entry must hold the whole range', () => {
  assert.equal(tdxMemoryNotifier([], 100 * GiB, 101 * GiB), 'ok');
  const list = [
    { start: MiB, end: 2 * GiB, nid: 0 },
    { start: 2 * GiB, end: 4 * GiB, nid: 0 },
    { start: 8 * GiB, end: 16 * GiB, nid: 1 },
  ];
  assert.equal(tdxMemoryNotifier(list, 8 * GiB, 8 * GiB + 128 * MiB), 'ok');
  assert.equal(tdxMemoryNotifier(list, 16 * GiB - 128 * MiB, 16 * GiB), 'ok');
  assert.equal(tdxMemoryNotifier(list, 16 * GiB, 16 * GiB + 128 * MiB), 'bad');
  assert.equal(tdxMemoryNotifier(list, 0, 128 * MiB), 'bad', 'the first 1 MiB is never TDX memory');
  assert.equal(
    tdxMemoryNotifier(list, 2 * GiB - 64 * MiB, 2 * GiB + 64 * MiB),
    'bad',
    'touching entries are not merged',
  );
  assert.equal(tdxMemoryNotifier(list, 5 * GiB, 5 * GiB + 128 * MiB), 'bad');
});

test('memblock edits keep the list sorted and split regions', () => {
  const list: MemblockRegion[] = [
    { start: 0, end: 4 * GiB, nid: 0 },
    { start: 8 * GiB, end: 12 * GiB, nid: 1 },
  ];
  addRegion(list, { start: 5 * GiB, end: 6 * GiB, nid: 2, zone: 'movable' });
  assert.deepEqual(
    list.map((r) => r.start / GiB),
    [0, 5, 8],
  );
  assert.equal(overlapsMemblock(list, 4 * GiB, 5 * GiB), false);
  assert.equal(overlapsMemblock(list, 4 * GiB, 5 * GiB + 1), true);
  removeRange(list, 2 * GiB, 9 * GiB);
  assert.deepEqual(list, [
    { start: 0, end: 2 * GiB, nid: 0 },
    { start: 9 * GiB, end: 12 * GiB, nid: 1 },
  ]);
});

test('hot-add rounds inward to whole blocks; refused blocks print online_pages failures', () => {
  const host = contiguousHost({ regions: 4, regionSize: GiB, nodes: 1, maxTdmrs: 64, maxReservedPerTdmr: 16 });
  const mem = new HotplugMemory(host);
  assert.deepEqual(mem.blocks.stats(), { total: 32, online: 32, offline: 0, refused: 0 });
  const memlist = [{ start: 4 * GiB, end: 8 * GiB, nid: 0 }];
  // [10 GiB + 1 MiB, 10 GiB + 384 MiB + 5) holds blocks 10 GiB + 128 MiB .. + 384 MiB.
  const r = mem.hotAdd(10 * GiB + MiB, 10 * GiB + 384 * MiB + 5, 1, 'movable', true, memlist);
  assert.equal(r.ok, true);
  assert.deepEqual(r.changes, [
    { start: 10 * GiB + 128 * MiB, end: 10 * GiB + 384 * MiB, from: 'absent', to: 'refused' },
  ]);
  assert.deepEqual(
    r.log.map((l) => l.text),
    ['online_pages [mem 0x288000000-0x28fffffff] failed', 'online_pages [mem 0x290000000-0x297ffffff] failed'],
  );
  assert.deepEqual(mem.memblock.at(-1), {
    start: 10 * GiB + 128 * MiB,
    end: 10 * GiB + 384 * MiB,
    nid: 1,
    zone: 'movable',
  });
  // Before init (empty list) the same memory goes online.
  const r2 = mem.hotAdd(20 * GiB, 21 * GiB, 1, 'normal', true, []);
  assert.deepEqual([r2.onlined, r2.refused], [8, 0]);
  assert.equal(
    mem.hotAdd(20 * GiB, 21 * GiB, 1, 'normal', true, []).error,
    '-EEXIST: part of the range is already present',
  );
  assert.equal(
    mem.hotAdd(20 * GiB + MiB, 20 * GiB + 2 * MiB, 1, 'normal', true, []).error,
    '-EINVAL: range holds no whole memory block',
  );
  // Offline then remove; removing online memory is refused.
  assert.match(mem.hotRemove(20 * GiB, 21 * GiB).error!, /^-EBUSY/);
  assert.equal(mem.offline(20 * GiB, 21 * GiB).changes[0].to, 'offline');
  assert.equal(mem.hotRemove(20 * GiB, 21 * GiB).ok, true);
  assert.equal(mem.blocks.stats().total, 34);
});

test('a 4 TiB host has 32768 blocks and operations touch only their blocks', () => {
  const host = contiguousHost({ regions: 8, regionSize: 512 * GiB, nodes: 2, maxTdmrs: 64, maxReservedPerTdmr: 16 });
  const mem = new HotplugMemory(host);
  assert.equal(mem.blocks.stats().total, 32768);
  const memlist = host.memblock.map((r) => ({ ...r }));
  for (let i = 0; i < 1000; i++) {
    const s = 4 * GiB + i * GiB;
    assert.equal(mem.offline(s, s + 128 * MiB).changes.length, 1);
    assert.equal(mem.online(s, s + 128 * MiB, memlist).onlined, 1);
  }
  assert.deepEqual(mem.blocks.stats(), { total: 32768, online: 32768, offline: 0, refused: 0 });
});
