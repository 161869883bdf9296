/** The sample sweeps in resources/sweeps/ load, and the CXL one shows the module's verdicts. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadSweepFile } from '../../main/node/sweep-file.js';
import { runSweepInProcess } from '../../engine/sweep/chunk.js';
import { PROJECT_ROOT } from '../helpers/golden.js';

const DIR = join(PROJECT_ROOT, 'resources', 'sweeps');

test('every sample sweep is valid and small enough to run by hand', () => {
  const files = readdirSync(DIR).filter((f) => f.endsWith('.json'));
  assert.ok(files.length >= 2, 'at least two sample sweeps');
  for (const f of files) {
    const s = loadSweepFile(join(DIR, f));
    assert.equal(s.name, f.replace(/\.json$/, ''), `${f}: name matches the file`);
    assert.ok(s.total >= 4 && s.total <= 64, `${f}: ${s.total} combinations`);
    assert.equal(s.host.name, 'server-2s-256g');
  }
});

test('cxl-x-kernel: without CXL every variant initializes; with CXL the upstream kernel fails at TDH.SYS.CONFIG', () => {
  const s = loadSweepFile(join(DIR, 'cxl-x-kernel.json'));
  const rows = runSweepInProcess(s);
  const at = (cxl: number, zone: string, kernel: string) =>
    rows.find((r) => r.values[0] === cxl && r.values[1] === zone && r.values[2] === kernel)!;
  for (const r of rows.filter((x) => x.values[0] === 0)) assert.equal(r.ok, true);
  for (const cxl of [64, 256, 1024]) {
    assert.equal(at(cxl, 'normal', 'upstream').statusName, 'TDX_PAMT_OUTSIDE_CMRS');
    assert.equal(at(cxl, 'movable', 'upstream').statusName, 'TDX_TDMR_OUTSIDE_CMRS');
    assert.equal(at(cxl, 'movable', 'upstream').stage, 'config');
  }
});
