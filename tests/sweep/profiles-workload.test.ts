/** Sweeps over kernel profiles and a TD workload: the rows carry every part of the TDX memory cost. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runSweepInProcess } from '../../engine/sweep/chunk.js';
import { serverSweep } from './helpers.js';
import { PROJECT_ROOT } from '../helpers/golden.js';
import { join } from 'node:path';
import { runTdxLab } from '../helpers/cli.js';

test('kernel × TDs: static PAMT on upstream and boot-init, bitmap + refcounts + TDs on dpamt (by hand)', () => {
  for (const mode of ['plan', 'init'] as const) {
    const s = serverSweep(
      [
        { axis: 'kernel', values: ['upstream', 'boot-init', 'dpamt'] },
        { axis: 'td_count', values: [0, 8] },
        { axis: 'td_memory_gib', values: [8] },
      ],
      mode,
    );
    const rows = runSweepInProcess(s);
    const fig = rows.map((r) => [r.values[0], r.values[1], r.pamtMode, r.pamtKb, r.refcountKb, r.dynamicPamtKb]);
    // One 8 GiB TD all at 4 KiB, 1 vCPU: 4096 ranges for its pages; control 1 + 6 + 6 = 13 and
    // S-EPT 4096 + 8 + 1 = 4105 pages -> 9 ranges; 4105 ranges × 8 KiB = 32840 KiB.
    const td = (4096 + Math.ceil((13 + 4105) / 512)) * 8;
    assert.deepEqual(
      fig,
      [
        ['upstream', 0, 'static', 2101260, 0, 0],
        ['upstream', 8, 'static', 2101260, 0, 0],
        ['boot-init', 0, 'static', 2101260, 0, 0],
        ['boot-init', 8, 'static', 2101260, 0, 0],
        ['dpamt', 0, 'dynamic', 20492, 1028, 0],
        ['dpamt', 8, 'dynamic', 20492, 1028, 8 * td],
      ],
      mode,
    );
    const d = rows[5];
    assert.equal(d.tdxMemoryKb, 20492 + 1028 + 8 * td);
    assert.equal(d.staticPamtKb, 2101260, 'what Dynamic PAMT replaces');
    assert.equal(rows[1].tdxMemoryKb, 2101260);
  }
});

test('the sample sweep resources/sweeps/kernel-x-workload.json runs and prints the TDX memory column', () => {
  const r = runTdxLab(['sweep', '--workers', '1', join(PROJECT_ROOT, 'resources', 'sweeps', 'kernel-x-workload.json')]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /TDX memory \(PAMT \+ refcounts \+ TDs\)/);
  assert.match(r.stdout, /18 combinations: 18 ok/);
  const csv = runTdxLab([
    'sweep',
    '--workers',
    '1',
    '--csv',
    join(PROJECT_ROOT, 'resources', 'sweeps', 'kernel-x-workload.json'),
  ]);
  const [head, ...lines] = csv.stdout.trimEnd().split('\n');
  assert.match(head, /,pamt_mode,static_pamt_kb,refcount_kb,dynamic_pamt_kb,tdx_memory_kb$/);
  assert.equal(lines.length, 18);
});
