/** Session store speed: writing a million-event run, and the three queries the app needs on it. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { openLabStore } from '../../main/store/lab-store.js';
import type { EventInput } from '../../main/store/types.js';
import type { Report } from './run.js';

const EVENTS = 1_000_000;
const SPACE = 2 ** 42; // 4 TiB of physical address space

/** A deterministic mixed timeline: mostly 4 KiB..2 MiB page events, some 1 GiB+ hotplugs, some log lines. */
function* timeline(n: number): Generator<EventInput> {
  let x = 0x2545f491;
  const rnd = () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
  for (let i = 0; i < n; i++) {
    const r = rnd();
    if (r < 0.1) {
      yield { t: i, kind: 'log' };
    } else {
      const span = r < 0.101 ? 2 ** 30 * (1 + Math.floor(rnd() * 64)) : 2 ** 12 * (1 + Math.floor(rnd() * 512));
      const start = Math.floor((rnd() * (SPACE - span)) / 4096) * 4096;
      yield { t: i, kind: r < 0.101 ? 'hotplug' : 'seamcall', addrStart: start, addrEnd: start + span };
    }
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1];
}

export function run(report: Report): void {
  const dir = mkdtempSync(join(tmpdir(), 'tdx-lab-bench-'));
  try {
    const store = openLabStore(join(dir, 'lab.db'));
    const s = store.createSession('bench');
    store.addRun(s.id, { kind: 'simulate', kernelVariant: 'upstream', status: 'ok' }, timeline(1000)); // warm-up
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    const r = store.addRun(
      s.id,
      {
        kind: 'simulate',
        kernelVariant: 'upstream',
        status: 'ok',
        tdmrs: Array.from({ length: 64 }, (_, i) => ({
          base: i * 2 ** 36,
          size: 2 ** 36,
          pamtNid: i % 8,
          pamt: { base: i * 2 ** 36 + 2 ** 30, size4k: 0x10000000, size2m: 0x80000, size1g: 0x1000 },
          reserved: [{ offset: 0, size: 0x100000, kind: 'hole' as const }],
        })),
      },
      timeline(EVENTS),
    );
    const dt = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const cpuS = (cpu.user + cpu.system) / 1e6;
    report(
      `write ${EVENTS.toLocaleString('en')} events (one run, one transaction)`,
      `${Math.round(EVENTS / dt).toLocaleString('en')} events/s (${dt.toFixed(2)} s)`,
    );
    // On a busy machine wall time mostly measures the other processes; CPU time does not.
    report(
      '  same, per CPU second used (user + system)',
      `${Math.round(EVENTS / cpuS).toLocaleString('en')} events/s (${cpuS.toFixed(2)} s CPU)`,
    );

    const time = (fn: () => unknown): { ms: number; rows: number } => {
      const ts: number[] = [];
      let rows = 0;
      for (let i = 0; i < 20; i++) {
        const a = performance.now();
        const out = fn() as unknown[];
        ts.push(performance.now() - a);
        rows = out.length;
      }
      return { ms: median(ts), rows };
    };
    const tdmrs = time(() => store.getRunTdmrs(r.id));
    report(`run's TDMR table (${tdmrs.rows} TDMRs)`, `${tdmrs.ms.toFixed(3)} ms`);
    const win = time(() => store.eventsInWindow(r.id, 500_000, 501_000));
    report(`events in a time window (${win.rows} events)`, `${win.ms.toFixed(3)} ms`);
    const rng = time(() => store.eventsInRange(r.id, 2 ** 41, 2 ** 41 + 2 ** 30));
    report(`events touching a 1 GiB address range (${rng.rows} events)`, `${rng.ms.toFixed(3)} ms`);
    const rng2 = time(() => store.eventsInRange(r.id, 2 ** 40 + 0x1234000, 2 ** 40 + 0x1235000));
    report(`events touching a 4 KiB address range (${rng2.rows} events)`, `${rng2.ms.toFixed(3)} ms`);
    store.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
