/** CSV and JSON output of big sweeps, written in pieces, read back whole. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runSweepInProcess } from '../../engine/sweep/chunk.js';
import { sweepCsv, sweepCsvChunks } from '../../main/cli/render/sweep-csv.js';
import { sweepJsonChunks } from '../../main/cli/commands/sweep.js';
import { renderSweepText, MAX_TEXT_ROWS } from '../../main/cli/render/sweep-text.js';
import { serverSweep } from './helpers.js';

const sweep = serverSweep([
  { axis: 'max_tdmrs', range: { from: 1, to: 50 } },
  { axis: 'max_reserved_per_tdmr', range: { from: 1, to: 50 } },
]);
const rows = runSweepInProcess(sweep);

test('--json in pieces parses back to every row, in order', () => {
  const pieces = [...sweepJsonChunks(sweep, rows)];
  assert.ok(pieces.length > 3, 'written in several pieces');
  const doc = JSON.parse(pieces.join(''));
  assert.equal(doc.total, 2500);
  assert.deepEqual(doc.axes, ['max_tdmrs', 'max_reserved_per_tdmr']);
  assert.deepEqual(doc.rows, rows);
  const empty = JSON.parse([...sweepJsonChunks(sweep, [])].join(''));
  assert.deepEqual(empty.rows, []);
});

test('--csv in pieces: one header and one line per row, values first', () => {
  const pieces = [...sweepCsvChunks(sweep, rows)];
  assert.equal(pieces.length, 3);
  const lines = sweepCsv(sweep, rows).split('\n');
  assert.equal(lines.at(-1), '');
  assert.equal(lines.length, 2502);
  assert.ok(lines[0].startsWith('max_tdmrs,max_reserved_per_tdmr,ok,stage,'));
  rows.forEach((r, i) => assert.ok(lines[i + 1].startsWith(`${r.values[0]},${r.values[1]},${r.ok},`), lines[i + 1]));
  assert.match(
    lines[1],
    /^1,1,false,tdmrs,-ENOSPC,,,,0,1,0,1,0,0\.0000,549710594048,0,0\.0000,0,0\.0000,static,0,0,0,0$/,
  );
});

test('text: the table stops at MAX_TEXT_ROWS and says how many more there are', () => {
  const text = renderSweepText('x.json', sweep, rows);
  assert.match(text, new RegExp(`… ${2500 - MAX_TEXT_ROWS} more rows \\(use --csv or --json for all\\)`));
  const failed = rows.filter((r) => !r.ok).length;
  assert.match(
    text,
    new RegExp(`2,500 combinations: ${2500 - failed} ok, ${failed} failed \\(tdmrs: \\d+, reserved: \\d+\\)`),
  );
});
