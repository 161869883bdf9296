/** Kernel-side plan speed: the golden set, and big synthetic hosts (issue 2). */
import { performance } from 'node:perf_hooks';
import { parseHost } from '../../engine/host/validate.js';
import { planTdmrs } from '../../engine/kernel/construct.js';
import { contiguousHost } from '../../engine/host/synthetic.js';
import { hostToJson } from '../../engine/format/host-json.js';
import type { Host } from '../../engine/host/types.js';
import { KERNEL_VARIANTS } from '../../engine/host/types.js';
import { loadGoldenCases } from '../helpers/golden.js';
import type { Report } from './run.js';

function ms(t: number): string {
  return `${t.toFixed(1)} ms`;
}

export function run(report: Report): void {
  for (const variant of KERNEL_VARIANTS) {
    const hosts: Host[] = loadGoldenCases(variant).map((c) => {
      const r = parseHost(c.input);
      if (!r.ok) throw new Error(`golden case ${c.name} does not parse`);
      return r.value;
    });
    let n = 0;
    const t0 = performance.now();
    while (performance.now() - t0 < 1000) {
      for (const h of hosts) planTdmrs(h, variant);
      n += hosts.length;
    }
    const dt = (performance.now() - t0) / 1000;
    report(`golden set (${hosts.length} hosts, ${variant})`, `${Math.round(n / dt)} hosts/s`);
  }

  for (const [regions, maxTdmrs, maxReserved] of [
    [10_000, 8192, 1024],
    [100_000, 8192, 1024],
    [1_000_000, 65536, 8192],
  ] as const) {
    const host = contiguousHost({ regions, maxTdmrs, maxReservedPerTdmr: maxReserved });
    // Parse from JSON too: a real run pays for validation.
    const json = hostToJson(host);
    let t0 = performance.now();
    const parsed = parseHost(json);
    const tParse = performance.now() - t0;
    if (!parsed.ok) throw new Error(`synthetic host does not validate: ${parsed.problems[0]?.message}`);
    t0 = performance.now();
    const plan = planTdmrs(parsed.value, 'upstream');
    const tPlan = performance.now() - t0;
    const what = plan.ok ? `${plan.tdmrs.length} TDMRs` : `FAILED at ${plan.stage}`;
    report(`${regions.toLocaleString('en')} x 64 MiB on 8 nodes: validate`, ms(tParse));
    report(`${regions.toLocaleString('en')} x 64 MiB on 8 nodes: plan (${what})`, ms(tPlan));
  }
}
