/**
 * engine/hotplug keeps memory blocks as runs, not one entry per block: huge
 * hot-add ranges (validation accepts up to 2^52) run in bounded memory and
 * time, and the runs behave exactly like a per-block model.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryBlocks, type BlockState } from '../../engine/hotplug/blocks.js';
import { HotplugMemory, MAX_REFUSED_LINES } from '../../engine/hotplug/memory.js';
import { notifierRuns, tdxMemoryNotifier } from '../../engine/hotplug/notifier.js';
import { contiguousHost } from '../../engine/host/synthetic.js';
import { PROJECT_ROOT } from '../helpers/golden.js';
import { runTdxLab } from '../helpers/cli.js';

const MiB = 2 ** 20;
const GiB = 2 ** 30;

function rng(seed: number): () => number {
  let x = seed | 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

test('runs of blocks behave like one entry per block under random operations', () => {
  const r = rng(7);
  const blocks = new MemoryBlocks(128 * MiB);
  const model = new Map<number, BlockState>();
  const states: (BlockState | undefined)[] = ['online', 'offline', 'refused', undefined];
  for (let step = 0; step < 5000; step++) {
    const a = Math.floor(r() * 200);
    const b = a + Math.floor(r() * 20);
    const to = states[Math.floor(r() * states.length)];
    blocks.assign(a, b, to);
    for (let i = a; i <= b; i++) {
      if (to) model.set(i, to);
      else model.delete(i);
    }
    if (step % 97 === 0) {
      for (let i = 0; i < 230; i++) assert.equal(blocks.get(i), model.get(i), `block ${i} after step ${step}`);
      const segs = blocks.segments(0, 229);
      let at = 0;
      for (const g of segs) {
        assert.equal(g.first, at);
        for (let i = g.first; i <= g.last; i++) assert.equal(model.get(i), g.state);
        at = g.last + 1;
      }
      assert.equal(at, 230);
      const counts = { online: 0, offline: 0, refused: 0 };
      for (const v of model.values()) counts[v]++;
      assert.deepEqual(blocks.stats(), { total: model.size, ...counts });
    }
  }
});

test('notifier runs give each block the decision tdxMemoryNotifier gives it', () => {
  const r = rng(11);
  const bs = 128 * MiB;
  for (let trial = 0; trial < 300; trial++) {
    const memlist: { start: number; end: number; nid: number }[] = [];
    let at = Math.floor(r() * 4) * 64 * MiB;
    for (let k = 0; k < 6; k++) {
      const start = at + Math.floor(r() * 6) * 64 * MiB;
      const end = start + (1 + Math.floor(r() * 10)) * 64 * MiB;
      memlist.push({ start, end, nid: 0 });
      at = end + (r() < 0.3 ? 0 : 64 * MiB);
    }
    const first = Math.floor(r() * 5);
    const last = first + Math.floor(r() * 40);
    const runs = notifierRuns(memlist, first, last, bs);
    let i = first;
    for (const run of runs) {
      assert.equal(run.first, i);
      for (let b = run.first; b <= run.last; b++)
        assert.equal(run.decision, tdxMemoryNotifier(memlist, b * bs, (b + 1) * bs), `block ${b}`);
      i = run.last + 1;
    }
    assert.equal(i, last + 1);
  }
});

test('a hot-add up to 2^52 after init: every block refused, a few runs kept, log lines bounded', () => {
  const host = contiguousHost({ regions: 4, regionSize: GiB, nodes: 1, maxTdmrs: 64, maxReservedPerTdmr: 16 });
  const mem = new HotplugMemory(host);
  const memlist = [{ start: 4 * GiB, end: 8 * GiB, nid: 0 }];
  const start = 2 ** 44;
  const r = mem.hotAdd(start, 2 ** 52, 1, 'movable', true, memlist);
  const blocks = (2 ** 52 - start) / (128 * MiB);
  assert.equal(r.refused, blocks);
  assert.deepEqual(r.changes, [{ start, end: 2 ** 52, from: 'absent', to: 'refused' }]);
  assert.equal(r.log.length, MAX_REFUSED_LINES + 1, 'one line per block up to the budget, then one summary line');
  assert.match(r.log.at(-1)!.text, new RegExp(`${blocks - MAX_REFUSED_LINES} more memory blocks`));
  assert.ok(mem.blocks.runCount <= 3, `runs kept: ${mem.blocks.runCount}`);
  // The rest of the story works on the same huge range.
  assert.equal(mem.offline(start, 2 ** 52).changes[0].to, 'offline');
  const again = mem.online(start, 2 ** 52, memlist);
  assert.equal(again.ok, false);
  assert.equal(again.log.length, 1, 'the line budget is spent: only the summary line');
  assert.equal(mem.offline(start, 2 ** 52).ok, true);
  assert.equal(mem.hotRemove(start, 2 ** 52).ok, true);
  assert.equal(mem.blocks.stats().total, 32);
});

test('simulate: a scenario hot-adding memory up to 2^52 runs (it used to fail with "Map maximum size exceeded")', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tdx-lab-hotplug-'));
  const base = JSON.parse(
    readFileSync(join(PROJECT_ROOT, 'resources', 'scenarios', 'cxl-hot-added-after-init.json'), 'utf8'),
  );
  base.events = [
    { kind: 'init' },
    { kind: 'hot-add', start: '0x100000000000', end: '0x10000000000000', nid: 1 },
    { kind: 'offline', start: '0x100000000000', end: '0x10000000000000' },
    { kind: 'hot-remove', start: '0x100000000000', end: '0x10000000000000' },
  ];
  const file = join(dir, 'huge.json');
  writeFileSync(file, JSON.stringify(base));
  const r = runTdxLab(['simulate', '--json', file]);
  assert.equal(r.status, 0, r.stderr);
  const result = JSON.parse(r.stdout);
  assert.equal(result.events[1].blocks.length, 1);
  assert.equal(result.events[1].blocks[0].to, 'refused');
  assert.equal(result.events[3].ok, true);
});

test('simulate: a scenario with more events than one run may have is refused up front, its size named', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tdx-lab-hotplug-'));
  const base = JSON.parse(
    readFileSync(join(PROJECT_ROOT, 'resources', 'scenarios', 'cxl-hot-added-after-init.json'), 'utf8'),
  );
  const events: unknown[] = [{ kind: 'init' }];
  while (events.length < 100_001) events.push({ kind: 'offline', start: '0x100000000', end: '0x108000000' });
  base.events = events;
  const file = join(dir, 'many.json');
  writeFileSync(file, JSON.stringify(base));
  const r = runTdxLab(['simulate', file]);
  assert.equal(r.status, 2, r.stderr);
  assert.equal(r.stderr.trimEnd().split('\n').length, 1);
  assert.match(r.stderr, /many\.json: \$\.events: 100001 events is more than the 100000 one scenario may have/);
});
