/** Packed row batches (what workers send back): unpacking gives the rows runSweepChunk made, byte for byte. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { packSweepChunk, runSweepChunk, runSweepInProcess } from '../../engine/sweep/chunk.js';
import { batchBuffers, mergeNodeIds, packRows, unpackRows } from '../../engine/sweep/batch.js';
import { csvNodeIds } from '../../engine/format/sweep-csv.js';
import { sweepBatchText, sweepRowsText } from '../../engine/format/sweep-rows.js';
import { serverSweep } from './helpers.js';

test('plan mode: unpack(pack(rows)) is the rows, key order included', () => {
  const s = serverSweep([
    { axis: 'nodes', values: [1, 2, 4] },
    { axis: 'max_tdmrs', range: { from: 1, to: 6 } },
    { axis: 'max_reserved_per_tdmr', values: [2, 16] },
    { axis: 'kernel', values: ['upstream', 'cmr-holes'] },
  ]);
  const rows = runSweepInProcess(s);
  const batch = packRows(0, rows);
  assert.equal(JSON.stringify(unpackRows(s, batch)), JSON.stringify(rows));
  assert.deepEqual(unpackRows(s, batch), rows);
  // Failed rows (tdmrs, reserved) and successes were both packed.
  assert.ok(
    rows.some((r) => r.stage === 'tdmrs') && rows.some((r) => r.stage === 'reserved') && rows.some((r) => r.ok),
  );
});

test('init mode: statuses, names and details (with commas) survive; a batch may start anywhere', () => {
  const s = serverSweep(
    [
      { axis: 'cxl_gib', values: [0, 64, 256] },
      { axis: 'cxl_zone', values: ['normal', 'movable'] },
      { axis: 'memory_per_node_gib', values: [16, 256] },
    ],
    'init',
  );
  const rows = runSweepChunk(s, 3, 12);
  const batch = packRows(3, rows);
  assert.equal(batch.start, 3);
  assert.equal(batch.count, 9);
  assert.equal(JSON.stringify(unpackRows(s, batch)), JSON.stringify(rows));
  assert.ok(rows.some((r) => r.statusDetail?.includes(',')));
  // Each distinct string once, not one per row.
  const distinct = new Set(
    rows
      .flatMap((r) => [r.stage, r.errno, r.status, r.statusName, r.statusDetail, r.pamtMode])
      .filter((x) => x !== null),
  );
  assert.deepEqual([...batch.strings].sort(), [...distinct].sort());
  // The CSV's node columns from batches equal those from the rows.
  assert.deepEqual(batch.nids, csvNodeIds(rows));
  assert.deepEqual(mergeNodeIds([packRows(0, runSweepChunk(s, 0, 3)), batch]), csvNodeIds(runSweepInProcess(s)));
});

test('a batch is a few transferable buffers; rows out of order are refused', () => {
  const s = serverSweep([{ axis: 'max_tdmrs', range: { from: 1, to: 8 } }]);
  const rows = runSweepInProcess(s);
  const batch = packRows(0, rows);
  assert.equal(batchBuffers(batch).length, 4);
  assert.ok(batchBuffers(batch).every((b) => b instanceof ArrayBuffer));
  // structuredClone with a transfer list moves the buffers: the copy still unpacks to the rows.
  const moved = structuredClone(batch, { transfer: batchBuffers(batch) });
  assert.equal(batch.numbers.length, 0, 'the original was detached');
  assert.deepEqual(unpackRows(s, moved), rows);
  assert.throws(() => packRows(1, rows), RangeError);
  assert.deepEqual(unpackRows(s, packRows(0, [])), []);
});

test('packSweepChunk packs as it goes: the same batch as packRows(runSweepChunk), node figures grown past 4 a row', () => {
  for (const mode of ['plan', 'init'] as const) {
    const s = serverSweep(
      [
        { axis: 'nodes', values: [1, 6, 8] },
        { axis: 'cxl_gib', values: [0, 64] },
        { axis: 'max_tdmrs', values: [2, 64] },
        { axis: 'max_reserved_per_tdmr', values: [2, 16] },
      ],
      mode,
    );
    for (const [start, end] of [
      [0, s.total],
      [5, 17],
      [7, 7],
    ]) {
      const packed = packSweepChunk(s, start, end);
      assert.deepEqual(packed, packRows(start, runSweepChunk(s, start, end)), `${mode} [${start}, ${end})`);
      assert.equal(packed.nodes.length, 4 * packed.nodeStart[packed.count], 'no spare room in the buffer');
    }
    // More than 4 nodes a row on average (8 DRAM nodes + a CXL node): the node buffer had to grow.
    const whole = packSweepChunk(s, 0, s.total);
    assert.ok(whole.nodeStart[whole.count] > 4 * whole.count, `${whole.nodeStart[whole.count]} node figures`);
  }
});

test('sweepBatchText formats a batch row by row exactly as sweepRowsText(unpackRows) does, CSV and JSON', () => {
  const s = serverSweep(
    [
      { axis: 'cxl_gib', values: [0, 64] },
      { axis: 'cxl_zone', values: ['normal', 'movable'] },
      { axis: 'max_tdmrs', values: [2, 64] },
      { axis: 'kernel', values: ['upstream', 'dpamt'] },
    ],
    'init',
  );
  const batch = packSweepChunk(s, 1, s.total);
  const nids = [...batch.nids, 9];
  for (const format of ['csv', 'json'] as const)
    assert.equal(sweepBatchText(s, batch, format, nids), sweepRowsText(unpackRows(s, batch), format, nids), format);
  assert.equal(sweepBatchText(s, packRows(0, []), 'json', nids), '');
});
