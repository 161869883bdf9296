import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseScenario } from '../../engine/scenario/parse.js';
import { sampleHostJson } from '../flow/helpers.js';

function problems(events: unknown[], extra: Record<string, unknown> = {}) {
  const r = parseScenario({ name: 's', host: sampleHostJson(), events, ...extra });
  assert.equal(r.ok, false);
  return r.ok ? [] : r.problems;
}

test('unknown event kinds name the path and the allowed kinds', () => {
  const p = problems([{ kind: 'boot' }, { kind: 'reboot' }]);
  assert.equal(p[0].path, '$.events[1].kind');
  assert.match(p[0].message, /unknown event kind "reboot" \(expected one of boot, init, hot-add/);
});

test('events out of order, boot not first', () => {
  const p = problems([
    { t: 10, kind: 'init' },
    { t: 5, kind: 'offline', start: '0x3000000000', end: '0x3008000000' },
    { kind: 'boot' },
  ]);
  assert.deepEqual(
    p.map((x) => x.path),
    ['$.events[1].t', '$.events[2].kind'],
  );
  assert.match(p[0].message, /events out of order: t=5 comes after t=10/);
});

test('ranges outside the host, unknown devices, bad addresses', () => {
  const p = problems([
    { kind: 'online', start: '0x9000000000', end: '0x9010000000' },
    { kind: 'hot-add', device: 'cxl9' },
    { kind: 'hot-remove', start: '0x3000000800', end: '0x3010000000' },
    { kind: 'hot-add', start: '0x9000000000', end: '0x9010000000' },
    { kind: 'offline', device: 'cxl0', start: '0x0', end: '0x1000' },
  ]);
  assert.deepEqual(
    p.map((x) => x.path),
    ['$.events[1].device', '$.events[2].start', '$.events[3].nid', '$.events[4]', '$.events[0]'],
  );
  assert.match(p[1 - 1].message, /no device "cxl9" in \$\.host\.devices \(have: cxl0\)/);
  assert.match(p[4].message, /range \[0x9000000000, 0x9010000000\) is outside the host's memory and devices/);
});

test('inject: leaf and status names are checked', () => {
  const p = problems([
    { kind: 'inject', leaf: 'TDH.SYS.FOO', status: 'TDX_RND_NO_ENTROPY' },
    { kind: 'inject', leaf: 'TDH.SYS.CONFIG', status: 'TDX_SUCCESS' },
  ]);
  assert.deepEqual(
    p.map((x) => x.path),
    ['$.events[0].leaf', '$.events[1].status'],
  );
});

test('host problems carry the $.host prefix; missing pieces are named', () => {
  const bad = structuredClone(sampleHostJson()) as Record<string, any>;
  bad.memblock[1].end = '0x12';
  const r = parseScenario({ host: bad, events: [] });
  assert.equal(r.ok, false);
  assert.equal(!r.ok && r.problems[0].path, '$.host.memblock[1].end');
  const noHost = parseScenario({ events: [] });
  assert.equal(!noHost.ok && noHost.problems[0].path, '$.host');
  const noEvents = parseScenario({ host: sampleHostJson() });
  assert.equal(!noEvents.ok && noEvents.problems[0].path, '$.events');
  assert.equal(!parseScenario({ host: sampleHostJson(), events: [], kernel: 'rhel' }).ok, true);
  assert.equal(parseScenario({ host: sampleHostJson(), events: [] }).ok, true);
});
