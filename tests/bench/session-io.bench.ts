/**
 * `session import` and `session export` of a big session: a run on a
 * 5,000,000-region host (its payload lists the 5M TDX memory regions, as a
 * plan's RESULT does) and a run with 1,000,000 events, through the real CLI.
 * Reports each command's time and peak memory (max RSS), and that the
 * export gives back the very file that was imported. Budget: under 1 GiB RSS.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Report } from './run.js';

const REGIONS = 5_000_000;
const EVENTS = 1_000_000;
const ENTRY = fileURLToPath(new URL('./rss-entry.js', import.meta.url));

/** Writes the session file in pieces, in export key order, exactly as JSON.stringify would. */
function writeSessionFile(file: string): void {
  const fd = openSync(file, 'w');
  const put = (s: string) => writeSync(fd, s);
  const size = 2 ** 26;
  const base = 2 ** 32;
  const region = (i: number) => {
    const s = base + i * size;
    return `{"start":"0x${s.toString(16)}","end":"0x${(s + size).toString(16)}","nid":${Math.floor((i * 8) / REGIONS)}}`;
  };
  const many = (n: number, item: (i: number) => string) => {
    for (let i = 0; i < n; i += 10_000) {
      const part: string[] = [];
      for (let j = i; j < Math.min(n, i + 10_000); j++) part.push(item(j));
      put((i ? ',' : '') + part.join(','));
    }
  };
  const t = '2026-01-01T00:00:00.000Z';
  put(
    `{"format":"tdx-lab-session","version":1,"engine_version":"0.1.0","exported_at":"${t}",` +
      `"session":{"name":"big","description":null,"created_at":"${t}"},"hosts":[` +
      `{"origin":"planned","provenance":{"file":"big.json","command":"plan"},"created_at":"${t}","host":{"name":"big","memblock":[`,
  );
  many(REGIONS, region);
  const cmrSize = (REGIONS * size).toString(16);
  put(
    `],"reserved":[],"module":{"max_tdmrs":65536,"max_reserved_per_tdmr":8192,"pamt_entry_size":{"4k":16,"2m":16,"1g":16}},` +
      `"cmrs":[{"base":"0x100000000","size":"0x${cmrSize}"}]}}],"runs":[`,
  );
  put(
    `{"host":0,"kind":"plan","engine_version":"0.1.0","kernel_variant":"upstream","status":"failed","label":null,` +
      `"stage":"tdmrs","errno":"-ENOSPC","tdx_bytes":null,"pamt_kb":null,"created_at":"${t}","summary":null,"tdmrs":[],` +
      `"payload":{"ok":false,"stage":"tdmrs","errno":"-ENOSPC","tdx_memlist":[`,
  );
  many(REGIONS, region);
  put(`],"log":["virt/tdx: initialization failed: TDMR allocation failed"]},"events":[]},`);
  put(
    `{"host":0,"kind":"simulate","engine_version":"0.1.0","kernel_variant":"upstream","status":"ok","label":null,` +
      `"stage":null,"errno":null,"tdx_bytes":null,"pamt_kb":null,"created_at":"${t}","summary":{"outcome":"initialized"},` +
      `"tdmrs":null,"payload":{"events":${EVENTS}},"events":[`,
  );
  many(EVENTS, (i) => {
    const a = base + (i % 4096) * 2 ** 27;
    return `{"seq":${i},"t":${i},"kind":"block","addr_start":"0x${a.toString(16)}","addr_end":"0x${(a + 2 ** 27).toString(16)}","payload":{"step":${i},"from":"offline","to":"online"}}`;
  });
  put(`]}],"notes":[]}\n`);
  closeSync(fd);
}

function runMeasured(args: string[]): {
  seconds: number;
  cpuSeconds: number;
  rssMiB: number;
  status: number | null;
  stderr: string;
} {
  const r = spawnSync(process.execPath, [ENTRY, ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const m = /max-rss-kb (\d+) seconds ([\d.]+) cpu-seconds ([\d.]+)/.exec(r.stderr);
  return {
    seconds: m ? Number(m[2]) : NaN,
    cpuSeconds: m ? Number(m[3]) : NaN,
    rssMiB: m ? Number(m[1]) / 1024 : NaN,
    status: r.status,
    stderr: r.stderr.replace(/max-rss-kb.*\n?/, '').trim(),
  };
}

/** Byte-compares two files apart from their exported_at stamps (the same length and position in both). */
function sameExceptStamp(a: string, b: string): boolean {
  if (statSync(a).size !== statSync(b).size) return false;
  const fa = openSync(a, 'r');
  const fb = openSync(b, 'r');
  const ba = Buffer.alloc(1 << 20);
  const bb = Buffer.alloc(1 << 20);
  let first = true;
  try {
    for (;;) {
      const na = readSync(fa, ba, 0, ba.length, null);
      const nb = readSync(fb, bb, 0, bb.length, null);
      if (na !== nb) return false;
      if (na === 0) return true;
      if (first) {
        // Mask the stamp: "exported_at":"…" in the first bytes.
        const stamp = /"exported_at":"[^"]*"/;
        const sa = ba.toString('latin1', 0, 200).replace(stamp, '');
        const sb = bb.toString('latin1', 0, 200).replace(stamp, '');
        if (sa !== sb || !ba.subarray(200, na).equals(bb.subarray(200, nb))) return false;
        first = false;
      } else if (!ba.subarray(0, na).equals(bb.subarray(0, nb))) return false;
    }
  } finally {
    closeSync(fa);
    closeSync(fb);
  }
}

export function run(report: Report): void {
  const dir = mkdtempSync(join(tmpdir(), 'tdx-lab-bench-io-'));
  try {
    const file = join(dir, 'big.tdx-session.json');
    writeSessionFile(file);
    const db = join(dir, 'lab.db');
    const mib = (n: number) => `${Math.round(n)} MiB`;
    report('session file (5M-region host + its 5M-entry result, 1M events)', mib(statSync(file).size / 2 ** 20));
    const imp = runMeasured(['session', 'import', file, '--db', db]);
    if (imp.status !== 0) throw new Error(`session import failed: ${imp.stderr}`);
    report('session import: time (CPU time)', `${imp.seconds.toFixed(1)} s (${imp.cpuSeconds.toFixed(1)} s)`);
    report('session import: peak memory (max RSS; budget 1024 MiB)', mib(imp.rssMiB));
    report('notebook size after import', mib(statSync(db).size / 2 ** 20));
    const out = join(dir, 'again.json');
    const exp = runMeasured(['session', 'export', 'big', '--out', out, '--db', db]);
    if (exp.status !== 0) throw new Error(`session export failed: ${exp.stderr}`);
    report('session export: time (CPU time)', `${exp.seconds.toFixed(1)} s (${exp.cpuSeconds.toFixed(1)} s)`);
    report('session export: peak memory (max RSS; budget 1024 MiB)', mib(exp.rssMiB));
    report('export gives back the imported file byte for byte', sameExceptStamp(file, out) ? 'yes' : 'NO');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
