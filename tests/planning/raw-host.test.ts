/**
 * The editor's raw table helpers (engine/planning/raw-host.ts): a sample as
 * rows round-trips through the host parser unchanged; cell edits, added and
 * deleted rows and pasted /proc/iomem rows give new documents (the old one
 * untouched); problems are grouped by the row their JSON path names.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { parseHost } from '../../engine/host/validate.js';
import { hostToJson } from '../../engine/format/host-json.js';
import { analyzeHost } from '../../engine/outcome/analyze.js';
import { iomemRows } from '../../engine/import/iomem-paste.js';
import {
  addRow,
  deleteRow,
  pasteRows,
  problemRow,
  rawFromHost,
  rawProblems,
  rawRowCount,
  rowsOf,
  setCell,
} from '../../engine/planning/raw-host.js';
import { PROJECT_ROOT } from '../helpers/golden.js';

const sample = (name: string) => {
  const p = parseHost(JSON.parse(readFileSync(join(PROJECT_ROOT, 'resources', 'hosts', `${name}.json`), 'utf8')));
  assert.ok(p.ok);
  return p.value;
};

test('the fragmented sample as rows parses back to the same host, and still fails', () => {
  const host = sample('2s-server-fragmented-low-memory');
  const raw = rawFromHost(host);
  assert.equal(rowsOf(raw, 'memblock').length, host.memblock.length);
  assert.equal(rawRowCount(raw), host.memblock.length + host.reserved.length + host.cmrs.length);
  const back = parseHost(raw);
  assert.ok(back.ok);
  assert.deepEqual(hostToJson(back.value), raw);
  assert.equal(analyzeHost(back.value, 'upstream').verdict.ok, false);
  assert.equal(rawProblems(raw).all.length, 0);
});

test('a cell edit makes a new document; a bad cell is a problem of its row, by JSON path', () => {
  const raw = rawFromHost(sample('2s-server-512g'));
  const before = JSON.stringify(raw);
  const same = setCell(raw, 'memblock', 0, 'start', String(rowsOf(raw, 'memblock')[0].start));
  assert.equal(same, raw, 'the same value gives the same document');
  const bad = setCell(raw, 'memblock', 1, 'nid', 'one');
  assert.equal(JSON.stringify(raw), before, 'the old document is untouched');
  assert.equal(rowsOf(bad, 'memblock')[1].nid, 'one', 'kept as typed so that the parser names it');
  const p = rawProblems(bad);
  assert.ok(p.all.length > 0);
  assert.ok(p.byRow.has('memblock[1]'), [...p.byRow.keys()].join(', '));
  assert.match(p.byRow.get('memblock[1]')![0].path, /^\$\.memblock\[1\]\.nid/);
  assert.deepEqual(problemRow('$.memblock[1].nid'), { section: 'memblock', index: 1 });
  assert.equal(problemRow('$.module.max_tdmrs'), null);
  assert.equal(rowsOf(setCell(bad, 'memblock', 1, 'nid', '0'), 'memblock')[1].nid, 0);
});

test('added rows are valid where they land; deleting them gives the host back', () => {
  const raw = rawFromHost(sample('2s-server-512g'));
  let doc = raw;
  for (const section of ['memblock', 'cmrs', 'reserved', 'devices'] as const) {
    const r = addRow(doc, section);
    assert.equal(r.index, rowsOf(doc, section).length);
    doc = r.raw;
    assert.deepEqual(rawProblems(doc).all, [], `after adding a ${section} row`);
  }
  const dev = rowsOf(doc, 'devices')[0];
  assert.equal(dev.kind, 'cxl');
  for (const section of ['devices', 'reserved', 'cmrs', 'memblock'] as const)
    doc = deleteRow(doc, section, rowsOf(doc, section).length - 1);
  assert.deepEqual(doc, raw);
  assert.equal(deleteRow(raw, 'memblock', 999), raw, 'no such row: same document');
});

test('pasted /proc/iomem rows come from the engine importer and merge in address order', () => {
  const raw = rawFromHost(sample('2s-server-512g'));
  const pasted = iomemRows(
    ['00001000-0009ffff : System RAM', '100000000-107fffffff : System RAM', '  100000000-100ffffff : Reserved'].join(
      '\n',
    ),
  );
  assert.ok(pasted.ok, pasted.ok ? '' : pasted.problem);
  const replaced = pasteRows(raw, pasted.value, 'replace');
  assert.equal(rowsOf(replaced, 'memblock').length, pasted.value.memblock.length);
  assert.deepEqual(replaced.cmrs, raw.cmrs, 'CMRs stay');
  const added = pasteRows(raw, pasted.value, 'add');
  const starts = rowsOf(added, 'memblock').map((m) => BigInt(String(m.start)));
  assert.deepEqual(
    starts,
    [...starts].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)),
  );
  assert.equal(rowsOf(added, 'memblock').length, raw.memblock.length + pasted.value.memblock.length);
  const refused = iomemRows('not iomem at all');
  assert.equal(refused.ok, false);
});
