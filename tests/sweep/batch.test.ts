/** Packed row batches (what workers send back): unpacking gives the rows runSweepChunk made, byte for byte. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runSweepChunk, runSweepInProcess } from '../../engine/sweep/chunk.js';
import { batchBuffers, mergeNodeIds, packRows, unpackRows } from '../../engine/sweep/batch.js';
import { csvNodeIds } from '../../engine/format/sweep-csv.js';
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
