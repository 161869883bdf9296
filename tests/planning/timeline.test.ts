/** The timeline's state at any step, derived from real scenario runs. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseScenario } from '../../engine/scenario/parse.js';
import { runScenario } from '../../engine/scenario/run.js';
import { planTdmrs } from '../../engine/kernel/construct.js';
import { blocksAfter, eventTimes, frameAt, hostAtInit, initStep, stepAtTime } from '../../engine/planning/timeline.js';
import { PROJECT_ROOT } from '../helpers/golden.js';

function play(name: string) {
  const parsed = parseScenario(
    JSON.parse(readFileSync(join(PROJECT_ROOT, 'resources', 'scenarios', `${name}.json`), 'utf8')),
  );
  assert.ok(parsed.ok, JSON.stringify(!parsed.ok && parsed.problems));
  return { scenario: parsed.value, result: runScenario(parsed.value) };
}

test('CXL hot-added after init: no device blocks before init, refused blocks after the hot-add', () => {
  const { scenario, result } = play('cxl-hot-added-after-init');
  const dev = scenario.host.devices![0];
  const init = initStep(result);
  assert.ok(init >= 0);
  const before = frameAt(result, init - 1);
  assert.equal(before.initPlayed, false);
  assert.equal(before.blocks.filter((b) => b.start >= dev.start).length, 0);
  const addStep = scenario.events.findIndex((e) => e.kind === 'hot-add');
  const after = frameAt(result, addStep);
  assert.equal(after.initPlayed, true);
  const onDevice = after.blocks.filter((b) => b.start >= dev.start && b.end <= dev.end);
  assert.ok(onDevice.length > 0);
  assert.ok(
    onDevice.every((b) => b.state === 'refused'),
    JSON.stringify(onDevice),
  );
  assert.equal(
    onDevice.reduce((s, b) => s + b.end - b.start, 0),
    dev.end - dev.start,
    'segments cover the whole device, merged',
  );
  assert.notEqual(before.moduleState, after.moduleState);
});

test("segments replay the hot-add: the device's blocks online, as many as the event reports", () => {
  const { scenario, result } = play('cxl-hot-added-before-init');
  const dev = scenario.host.devices![0];
  assert.deepEqual(blocksAfter(result, 0), []);
  const last = blocksAfter(result, result.events.length - 1);
  assert.deepEqual(last, [{ start: dev.start, end: dev.end, state: 'online' }]);
  const reported = Number(/(\d+) blocks online/.exec(result.events[1].summary)?.[1]);
  assert.equal((dev.end - dev.start) / (128 * 1024 * 1024), reported);
});

test('time axis: event t, stepAtTime picks the last event at or before t', () => {
  const { result } = play('cxl-hot-added-before-init');
  assert.deepEqual(eventTimes(result), [0, 30, 60]);
  assert.equal(stepAtTime(result, -1), -1);
  assert.equal(stepAtTime(result, 45), 1);
  assert.equal(stepAtTime(result, 60), 2);
});

test('hostAtInit adds memory hot-added before init: the TDMR the module refused covers it', () => {
  const { scenario, result } = play('cxl-hot-added-before-init');
  const host = hostAtInit(scenario, result);
  assert.equal(host.memblock.length, scenario.host.memblock.length + 1);
  const plan = planTdmrs(host, scenario.kernel);
  const init = result.events[initStep(result)];
  const refused = Number(/TDMR (\d+)/.exec(init.statusDetail ?? '')?.[1]);
  const t = plan.tdmrs[refused];
  const dev = scenario.host.devices![0];
  assert.ok(t && t.base <= dev.start && dev.end <= t.base + t.size, `TDMR ${refused} covers ${dev.name}`);
  const { scenario: s2, result: r2 } = play('cxl-hot-added-after-init');
  assert.equal(
    hostAtInit(s2, r2).memblock.length,
    s2.host.memblock.length,
    'memory hot-added after init is not in the init snapshot',
  );
});

test('boot profiles: init runs at boot, frames carry TDX memory over time', () => {
  const parsed = parseScenario(
    JSON.parse(readFileSync(join(PROJECT_ROOT, 'resources', 'scenarios', 'dpamt-td-workload.json'), 'utf8')),
  );
  assert.ok(parsed.ok);
  const result = runScenario(parsed.value);
  assert.equal(initStep(result), 0, 'the boot event ran init');
  assert.equal(frameAt(result, -1).initPlayed, false);
  assert.equal(frameAt(result, 0).initPlayed, true);
  assert.equal(frameAt(result, 0).tdxMemory.totalKb, 21520);
  assert.equal(frameAt(result, -1).tdxMemory.pamt, 'none');
  assert.ok(frameAt(result, 2).tdxMemory.dynamicKb > 0);
  assert.equal(frameAt(result, result.events.length - 1).tdxMemory.dynamicKb, 0);
  // The TDMRs the map shows are the ones built at boot, from the boot memblock.
  assert.deepEqual(hostAtInit(parsed.value, result).memblock, parsed.value.host.memblock);
});
