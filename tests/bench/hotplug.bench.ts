/**
 * One 2,000-event hotplug scenario on a 4 TiB host with 128 MiB blocks
 * (32768 boot blocks): init, then hot-add / online / offline / hot-remove
 * cycles over 64 GiB of device memory, through parse + run.
 */
import { performance } from 'node:perf_hooks';
import { contiguousHost } from '../../engine/host/synthetic.js';
import { hostToJson } from '../../engine/format/host-json.js';
import { parseScenario } from '../../engine/scenario/parse.js';
import { runScenario } from '../../engine/scenario/run.js';
import { initTdx } from '../../engine/flow/init.js';
import type { Report } from './run.js';

const GiB = 1024 ** 3;

export function run(report: Report): void {
  // 4 TiB of boot memory from 4 GiB up, in 512 GiB regions over 2 nodes.
  const host = contiguousHost({ regions: 8, regionSize: 512 * GiB, nodes: 2, maxTdmrs: 64, maxReservedPerTdmr: 16 });
  const json = hostToJson(host) as unknown as Record<string, unknown>;
  const devStart = 8 * 1024 * GiB;
  json.devices = [
    {
      name: 'cxl0',
      kind: 'cxl',
      start: '0x' + devStart.toString(16),
      end: '0x' + (devStart + 64 * GiB).toString(16),
      nid: 2,
    },
  ];
  const events: Record<string, unknown>[] = [{ kind: 'boot' }, { kind: 'init' }];
  const kinds = ['hot-add', 'online', 'offline', 'hot-remove'];
  for (let i = 0; events.length < 2000; i++) {
    const slot = (i >> 2) % 64;
    const s = devStart + slot * GiB;
    const kind = kinds[i % 4];
    const ev: Record<string, unknown> = { kind, start: '0x' + s.toString(16), end: '0x' + (s + GiB).toString(16) };
    if (kind === 'hot-add') Object.assign(ev, { nid: 2, online: false });
    events.push(ev);
  }
  // Plus offline/online of boot DRAM blocks spread over the 4 TiB.
  for (let i = 0; i < 200; i++) {
    const s = 4 * GiB + ((i * 20) % 4000) * GiB;
    events[2 + i * 9] = {
      kind: i % 2 ? 'online' : 'offline',
      start: '0x' + s.toString(16),
      end: '0x' + (s + 0x8000000).toString(16),
    };
  }
  const doc = { name: 'bench-hotplug-4t', host: json, events };

  const t0 = performance.now();
  const parsed = parseScenario(doc);
  const t1 = performance.now();
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems.slice(0, 3)));
  const result = runScenario(parsed.value);
  const t2 = performance.now();
  const text = JSON.stringify(result);
  const t3 = performance.now();
  report('host blocks (4 TiB, 128 MiB)', String(result.final.blocks.total));
  report('events', String(events.length));
  report('parse scenario', `${(t1 - t0).toFixed(1)} ms`);
  report('run scenario (incl. init of 4 TiB)', `${(t2 - t1).toFixed(1)} ms`);
  report('JSON.stringify result', `${(t3 - t2).toFixed(1)} ms (${(text.length / 1024).toFixed(0)} KiB)`);
  report('final outcome', result.final.outcome);
  // The init event alone: 1M TDH.SYS.TDMR.INIT calls (4 TiB / 4 MiB chunks) dominate the run.
  const t4 = performance.now();
  initTdx(parsed.value.host, 'upstream', { includePlan: false });
  report('of which: initTdx of the 4 TiB host alone', `${(performance.now() - t4).toFixed(1)} ms`);
  const noInit = { ...parsed.value, events: parsed.value.events.filter((e) => e.kind !== 'init') };
  const runs: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t5 = performance.now();
    runScenario(noInit);
    runs.push(performance.now() - t5);
  }
  report('the 1,999 hotplug events alone (no init), best of 5', `${Math.min(...runs).toFixed(1)} ms`);
  const again: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t6 = performance.now();
    runScenario(parsed.value);
    again.push(performance.now() - t6);
  }
  report('whole scenario again, best of 5', `${Math.min(...again).toFixed(1)} ms`);
}
