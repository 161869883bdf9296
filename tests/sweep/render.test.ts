/** CSV and JSON output of big sweeps, written in pieces, read back whole. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runSweepInProcess } from '../../engine/sweep/chunk.js';
import { sweepCsv, sweepCsvChunks } from '../../main/cli/render/sweep-csv.js';
import { sweepJsonChunks } from '../../main/cli/commands/sweep.js';
import { renderSweepText, MAX_TEXT_ROWS } from '../../main/cli/render/sweep-text.js';
import { serverSweep } from './helpers.js';
import { csvLine, csvNodeIds } from '../../engine/format/sweep-csv.js';
import type { SweepRow } from '../../engine/sweep/row.js';

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

test('CSV lines are exactly what the first formatter wrote (arrays, a map per row, a regex per cell)', () => {
  // The original line formatter, kept as the reference for the faster one.
  const cell = (v: string | number | boolean | null): string => {
    if (v === null) return '';
    const s = String(v);
    return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  const referenceLine = (r: SweepRow, nids: number[]) => {
    const byNid = new Map(r.nodes.map((n) => [n.nid, n]));
    return [
      ...r.values,
      r.ok,
      r.stage,
      r.errno,
      r.status,
      r.statusName,
      r.statusDetail,
      r.tdmrs,
      r.maxTdmrs,
      r.maxReservedUsed,
      r.maxReservedPerTdmr,
      r.pamtKb,
      r.pamtPercent.toFixed(4),
      r.tdxBytes,
      ...nids.flatMap((n) => {
        const f = byNid.get(n);
        return f ? [f.pamtKb, f.pamtPercent.toFixed(4)] : [null, null];
      }),
      r.pamtMode,
      r.staticPamtKb,
      r.refcountKb,
      r.dynamicPamtKb,
      r.tdxMemoryKb,
    ]
      .map(cell)
      .join(',');
  };
  const sweeps = [
    sweep,
    serverSweep(
      [
        { axis: 'nodes', values: [1, 3, 8] },
        { axis: 'cxl_gib', values: [0, 64, 1024] },
        { axis: 'cxl_zone', values: ['normal', 'movable'] },
        { axis: 'kernel', values: ['upstream', 'cmr-holes', 'dpamt'] },
        { axis: 'td_count', values: [0, 4] },
      ],
      'init',
    ),
  ];
  for (const s of sweeps) {
    const all = runSweepInProcess(s);
    const nids = csvNodeIds(all);
    for (const r of all) assert.equal(csvLine(r, nids), referenceLine(r, nids));
  }
  const second = runSweepInProcess(sweeps[1]);
  assert.ok(
    second.some((r) => r.statusDetail?.includes(',')),
    'quoted details are covered',
  );
  assert.ok(
    second.some((r) => r.pamtMode === 'dynamic' && r.dynamicPamtKb > 0),
    'Dynamic PAMT rows with a TD workload are covered',
  );
  // Rows whose nodes leave gaps anywhere in the header's node set, and a quote in a value.
  const r = second.find((x) => x.nodes.length === 9)!;
  for (const keep of [[0, 8], [3], [1, 2, 7], [], [8]]) {
    const gappy = {
      ...r,
      values: ['a "quoted", value', ...r.values.slice(1)],
      nodes: r.nodes.filter((n) => keep.includes(n.nid)),
    };
    for (const nids of [[0, 1, 2, 3, 4, 5, 6, 7, 8], [2, 3, 8], [], [9, 10]])
      assert.equal(csvLine(gappy, nids), referenceLine(gappy, nids));
  }
});
