/**
 * `tdx-lab plan --json` on a 100,000-region host (64 MiB regions on 8
 * nodes, module limits 8192/1024) against the parse floor: a Node process
 * that only reads and JSON.parses the same file. Both are whole processes,
 * start-up included, run interleaved; each figure is the best of the runs.
 * The CLI's output is checked against the in-process plan (still exact).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { contiguousHost } from '../../engine/host/synthetic.js';
import { hostToJson } from '../../engine/format/host-json.js';
import { planTdmrs } from '../../engine/kernel/construct.js';
import { planToResultJson } from '../../engine/format/result-json.js';
import { TDX_LAB_BIN } from '../helpers/cli.js';
import type { Report } from './run.js';

const RUNS = Number(process.env.TDX_LAB_BENCH_RUNS ?? 7);

function timed(args: string[]): { ms: number; stdout: string } {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 30 });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return { ms, stdout: r.stdout };
}

export function run(report: Report): void {
  const dir = mkdtempSync(join(tmpdir(), 'tdx-lab-bench-plan-'));
  try {
    const host = contiguousHost({ regions: 100_000, maxTdmrs: 8192, maxReservedPerTdmr: 1024 });
    const file = join(dir, 'host-100k.json');
    writeFileSync(file, JSON.stringify(hostToJson(host)));
    const expected = JSON.stringify(planToResultJson(planTdmrs(host, 'upstream'))) + '\n';
    const floorScript = `JSON.parse(require('node:fs').readFileSync(${JSON.stringify(file)}, 'utf8'))`;
    let floor = Infinity;
    let plan = Infinity;
    for (let i = 0; i < RUNS; i++) {
      floor = Math.min(floor, timed(['-e', floorScript]).ms);
      const r = timed([TDX_LAB_BIN, 'plan', '--json', file]);
      if (r.stdout !== expected) throw new Error('plan --json output differs from the in-process plan');
      plan = Math.min(plan, r.ms);
    }
    report(`parse floor: node reads + JSON.parse (best of ${RUNS})`, `${floor.toFixed(0)} ms`);
    report(`plan --json, 100,000 regions (output exact)`, `${plan.toFixed(0)} ms`);
    report(`  ... against the parse floor`, `${(plan / floor).toFixed(2)}x`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
