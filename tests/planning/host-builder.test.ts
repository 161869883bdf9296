/** The planning host builder produces the hosts the golden cases were made from. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildHost, checkHostSpec, defaultHostSpec } from '../../engine/planning/host-builder.js';
import { planTdmrs } from '../../engine/kernel/construct.js';
import { planToResultJson } from '../../engine/format/result-json.js';
import { parseHost } from '../../engine/host/validate.js';
import { hostToJson } from '../../engine/format/host-json.js';
import { loadGoldenCases } from '../helpers/golden.js';

const golden = (name: string) => {
  const c = loadGoldenCases('upstream').find((g) => g.name === name);
  assert.ok(c, name);
  return c;
};

test('default spec (2 sockets x 8 x 32 GiB) is the golden server-2s-256g host and plans identically', () => {
  const host = buildHost(defaultHostSpec());
  const g = golden('server-2s-256g');
  const input = g.input as { memblock: unknown; cmrs: unknown };
  const json = hostToJson(host);
  assert.deepEqual(json.memblock, input.memblock);
  assert.deepEqual(json.cmrs, input.cmrs);
  assert.deepEqual(planToResultJson(planTdmrs(host)), g.expected);
});

test('built hosts always validate', () => {
  for (const sockets of [1, 2, 4, 8]) {
    for (const snc of [1, 2, 4] as const) {
      const spec = {
        ...defaultHostSpec(),
        sockets,
        snc,
        devices: [{ name: 'cxl0', kind: 'cxl' as const, sizeGiB: 64, hotAdd: 'before-init' as const }],
      };
      const r = parseHost(hostToJson(buildHost(spec)));
      assert.ok(r.ok, `${sockets}s snc${snc}: ${!r.ok && r.problems[0].path} ${!r.ok && r.problems[0].message}`);
    }
  }
});

test('a CXL device hot-added before init joins memblock on its own node, movable, outside the CMRs', () => {
  const spec = defaultHostSpec();
  spec.devices.push({ name: 'cxl0', kind: 'cxl', sizeGiB: 256, hotAdd: 'before-init' });
  const host = buildHost(spec);
  const g = golden('cxl-2s-256g').input as { memblock: { start: string; end: string; nid: number }[] };
  const last = host.memblock[host.memblock.length - 1];
  const gl = g.memblock[g.memblock.length - 1];
  assert.equal(last.start, Number(gl.start));
  assert.equal(last.end, Number(gl.end));
  assert.equal(last.nid, 2);
  assert.equal(last.zone, 'movable');
  assert.ok(
    host.cmrs.every((c) => c.base + c.size <= last.start),
    'device not convertible',
  );
  assert.equal(host.devices?.length, 1);
});

test('after-init devices stay out of memblock', () => {
  const spec = defaultHostSpec();
  spec.devices.push({ name: 'pmem0', kind: 'nvdimm', sizeGiB: 128, hotAdd: 'after-init' });
  const host = buildHost(spec);
  assert.equal(host.memblock.length, buildHost(defaultHostSpec()).memblock.length);
  assert.equal(host.devices?.[0].kind, 'nvdimm');
});

test('spec problems name the field', () => {
  const spec = { ...defaultHostSpec(), sockets: 0 };
  assert.deepEqual(checkHostSpec(spec)[0], ['sockets', 'must be a whole number from 1 to 8']);
  const odd = { ...defaultHostSpec(), snc: 4 as const, dimmsPerSocket: 1, dimmSizeGiB: 16 };
  assert.equal(checkHostSpec(odd).length, 0);
  const tiny = { ...defaultHostSpec(), snc: 4 as const, dimmsPerSocket: 1, dimmSizeGiB: 10 };
  assert.match(checkHostSpec(tiny)[0][1], /per NUMA node/);
  assert.throws(() => buildHost(spec), /sockets/);
});
