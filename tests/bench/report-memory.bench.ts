/**
 * Peak memory (max RSS) of `tdx-lab report` through the real CLI on hosts of
 * 100,000, 1,000,000 and 2,000,000 memblock regions: the figures that set
 * the report's region limit (main/report/limits.ts, docs/reports.md "Limits").
 * The limit is lifted for the run (TDX_LAB_REPORT_MAX_REGIONS) so the layout
 * itself is measured; a run that dies (a V8 heap abort) is reported as such.
 * TDX_LAB_BENCH_REPORT_REGIONS="100000,500000" measures other sizes.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeBigHostFile } from '../helpers/big-host-file.js';
import { REPORT_REGIONS_ENV } from '../../main/report/limits.js';
import type { Report } from './run.js';

const ENTRY = fileURLToPath(new URL('./rss-entry.js', import.meta.url));
const SIZES = (process.env.TDX_LAB_BENCH_REPORT_REGIONS ?? '100000,1000000,2000000')
  .split(',')
  .map((s) => Number(s.trim()))
  .filter((n) => Number.isSafeInteger(n) && n > 0);

export function run(report: Report): void {
  const dir = mkdtempSync(join(tmpdir(), 'tdx-lab-bench-report-mem-'));
  try {
    for (const regions of SIZES) {
      const file = join(dir, `host-${regions}.json`);
      const bytes = writeBigHostFile(file, { regions });
      const out = join(dir, `host-${regions}.html`);
      const r = spawnSync(process.execPath, [ENTRY, 'report', file, '--out', out, '--force'], {
        encoding: 'utf8',
        env: { ...process.env, [REPORT_REGIONS_ENV]: String(Number.MAX_SAFE_INTEGER) },
        maxBuffer: 64 * 1024 * 1024,
      });
      const m = /max-rss-kb (\d+) seconds ([\d.]+) cpu-seconds ([\d.]+)/.exec(r.stderr);
      const label = `report .html, ${regions.toLocaleString('en-US')} regions (${Math.round(bytes / 2 ** 20)} MiB host file)`;
      if (r.status === 0 && m)
        report(
          label,
          `${Math.round(Number(m[1]) / 1024)} MiB max RSS, ${Number(m[2]).toFixed(1)} s (${Number(m[3]).toFixed(1)} s CPU), ${Math.round(statSync(out).size / 2 ** 20)} MiB out`,
        );
      else
        report(
          label,
          `failed: exit ${r.status ?? r.signal}${m ? `, ${Math.round(Number(m[1]) / 1024)} MiB max RSS` : ''}: ${r.stderr.split('\n').find((l) => l.trim() !== '') ?? ''}`.slice(
            0,
            200,
          ),
        );
      rmSync(file, { force: true });
      rmSync(out, { force: true });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
