/**
 * Artifact import speed (issue 12, item 9): CMR lines used to be checked
 * against every earlier one (20k lines 1.1 s, 40k 6.6 s, 1M past 30 s).
 * Each figure is the whole `import` path on a file: streaming, parsing,
 * building the host, validating it.
 */
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { importFiles } from '../../main/import/import-files.js';
import { readArtifact } from '../../main/import/read-artifact.js';
import type { Report } from './run.js';

const GIB = 2 ** 30;

async function writeLog(file: string, n: number, line: (i: number) => string): Promise<void> {
  const ws = createWriteStream(file);
  ws.write('[    0.100000] virt/tdx: BIOS enabled: private KeyID range [32, 64)\n');
  let chunk = '';
  for (let i = 0; i < n; i++) {
    chunk += line(i) + '\n';
    if (chunk.length > 1 << 20) {
      if (!ws.write(chunk)) await once(ws, 'drain');
      chunk = '';
    }
  }
  ws.write(chunk);
  ws.end();
  await once(ws, 'finish');
}

const cmrLine = (i: number) => {
  const base = 4 * GIB + i * 2 * GIB;
  return `[    8.400000] virt/tdx: CMR: [0x${base.toString(16)}, 0x${(base + GIB).toString(16)})`;
};
const noiseLine = (i: number) => `[ 1234.567890] usb 1-1: new high-speed USB device number ${i % 128} using xhci_hcd`;

export async function run(report: Report): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'tdx-lab-bench-import-'));
  try {
    for (const n of [20_000, 40_000, 1_000_000]) {
      const file = join(dir, `cmrs-${n}.txt`);
      await writeLog(file, n, cmrLine);
      let t0 = performance.now();
      await readArtifact(file);
      const tRead = performance.now() - t0;
      t0 = performance.now();
      const { result } = await importFiles([file]);
      const dt = performance.now() - t0;
      if (result.host?.cmrs.length !== n) throw new Error(`expected ${n} CMRs, got ${result.host?.cmrs.length}`);
      report(`${n.toLocaleString('en')} CMR lines: read and parse`, `${(tRead / 1000).toFixed(2)} s`);
      report(
        `${n.toLocaleString('en')} CMR lines: whole import (host with as many CMRs)`,
        `${(dt / 1000).toFixed(2)} s`,
      );
    }
    const file = join(dir, 'noise.txt');
    await writeLog(file, 1_000_000, noiseLine);
    const t0 = performance.now();
    await importFiles([file]);
    const dt = performance.now() - t0;
    report('import 1,000,000 kernel log lines without TDX', `${(dt / 1000).toFixed(2)} s (${dt.toFixed(0)} ns/line)`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
