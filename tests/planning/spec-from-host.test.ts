/** Recorded samples read back into editor parts rebuild the same layout. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { parseHost } from '../../engine/host/validate.js';
import { buildHost } from '../../engine/planning/host-builder.js';
import { dimmPopulation, specFromHost } from '../../engine/planning/spec-from-host.js';
import { diffHosts } from '../../engine/planning/compare.js';
import { PROJECT_ROOT } from '../helpers/golden.js';

const sample = (name: string) => {
  const p = parseHost(JSON.parse(readFileSync(join(PROJECT_ROOT, 'resources', 'hosts', `${name}.json`), 'utf8')));
  assert.ok(p.ok);
  return p.value;
};

for (const name of ['2s-server-512g', '2s-server-512g-cxl-before-init']) {
  test(`${name}: specFromHost then buildHost gives the host back`, () => {
    const host = sample(name);
    const { spec, lost } = specFromHost(host);
    assert.deepEqual(lost, []);
    assert.deepEqual(diffHosts(host, buildHost(spec)), []);
  });
}

test('the 2-socket sample reads as 2 sockets x 8 x 32 GiB DIMMs', () => {
  const { spec } = specFromHost(sample('2s-server-512g'));
  assert.equal(spec.sockets, 2);
  assert.equal(spec.snc, 1);
  assert.equal(spec.dimmsPerSocket * spec.dimmSizeGiB, 256);
  assert.deepEqual(dimmPopulation(256), { dimms: 8, sizeGiB: 32 });
  assert.deepEqual(dimmPopulation(1536), { dimms: 16, sizeGiB: 96 });
});

test('what the parts cannot express is listed', () => {
  const { lost } = specFromHost(sample('2s-server-fragmented-low-memory'));
  assert.ok(lost.length > 0);
});
