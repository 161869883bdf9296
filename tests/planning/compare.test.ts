/** Host and verdict diffs: the CXL sample differs from the plain sample by its device memory and outcome. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { parseHost } from '../../engine/host/validate.js';
import { diffHosts, diffOutcomes } from '../../engine/planning/compare.js';
import { analyzeHost } from '../../engine/outcome/analyze.js';
import { buildHost, defaultHostSpec } from '../../engine/planning/host-builder.js';
import { PROJECT_ROOT } from '../helpers/golden.js';
import type { Host } from '../../engine/host/types.js';

const sample = (name: string): Host => {
  const p = parseHost(JSON.parse(readFileSync(join(PROJECT_ROOT, 'resources', 'hosts', `${name}.json`), 'utf8')));
  assert.ok(p.ok);
  return p.value;
};

test('a host compared with itself has no differences', () => {
  const h = sample('2s-server-512g');
  assert.deepEqual(diffHosts(h, structuredClone(h)), []);
});

test('plain vs CXL-before-init sample: the CXL memory is added; the verdict turns to failure', () => {
  const a = sample('2s-server-512g');
  const b = sample('2s-server-512g-cxl-before-init');
  const rows = diffHosts(a, b);
  const added = rows.filter((r) => r.kind === 'added' && r.section === 'memblock');
  assert.equal(added.length, 1);
  assert.equal(added[0].start, 0x9000000000);
  assert.equal(added[0].end, 0xb000000000);
  assert.match(added[0].b, /0x9000000000.*128 GiB.*node 2 movable/);
  assert.equal(rows.filter((r) => r.kind === 'removed').length, 0);
  const vr = diffOutcomes(analyzeHost(a, 'upstream', { trials: false }), analyzeHost(b, 'upstream', { trials: false }));
  assert.deepEqual(
    vr.find((r) => r.what === 'initializes'),
    { section: 'verdict', kind: 'changed', what: 'initializes', a: 'yes', b: 'no' },
  );
  assert.ok(vr.some((r) => r.what === 'status' && r.kind === 'added' && /TDX_TDMR_OUTSIDE_CMRS/.test(r.b)));
});

test('module limit changes and devices show as changed and added rows', () => {
  const s = defaultHostSpec();
  const a = buildHost(s);
  s.module.max_tdmrs = 8;
  s.devices.push({ name: 'cxl0', kind: 'cxl', sizeGiB: 64, hotAdd: 'after-init' });
  const b = buildHost(s);
  const rows = diffHosts(a, b);
  assert.ok(
    rows.some(
      (r) => r.section === 'module' && r.what === 'max_tdmrs' && r.kind === 'changed' && r.a === '64' && r.b === '8',
    ),
  );
  assert.ok(rows.some((r) => r.section === 'device' && r.kind === 'added' && r.what === 'cxl cxl0'));
  assert.equal(
    rows.filter((r) => r.section === 'memblock').length,
    0,
    'a device hot-added after init is not in memblock',
  );
});
