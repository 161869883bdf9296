/**
 * The store in a worker thread against the direct store: what a call costs
 * in round trip, and how long the calling thread is held while a large run
 * is written, read and exported (the longest gap between event-loop turns).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { EventInput } from '../../main/store/types.js';
import { openStore, type AsyncLabStore, type StoreMode } from '../../main/store/worker/open-store.js';
import type { Report } from './run.js';

const EVENTS = 200_000;

/**
 * Runs `work` while a 5 ms timer ticks on this thread; the longest gap between
 * ticks (less the 5 ms) is how long the thread was held. A timer rather than a
 * busy setImmediate loop, so the measuring does not compete with the worker for CPU.
 */
async function longestStall(work: () => Promise<unknown>): Promise<{ ms: number; stall: number }> {
  const PERIOD = 5;
  let last = performance.now();
  let gap = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    gap = Math.max(gap, now - last);
    last = now;
  }, PERIOD);
  const t0 = performance.now();
  await work();
  const ms = performance.now() - t0;
  clearInterval(timer);
  gap = Math.max(gap, performance.now() - last);
  return { ms, stall: Math.max(0, gap - PERIOD) };
}

const fmt = (r: { ms: number; stall: number }) => `${r.ms.toFixed(0)} ms (thread held ${r.stall.toFixed(0)} ms)`;

export async function run(report: Report): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'tdx-lab-bench-worker-'));
  try {
    const events: EventInput[] = Array.from({ length: EVENTS }, (_, i) => ({
      t: i,
      kind: 'seamcall',
      addrStart: i * 4096,
      addrEnd: i * 4096 + 8192,
    }));
    for (const mode of ['direct', 'worker'] as StoreMode[]) {
      let t0 = performance.now();
      const store: AsyncLabStore = await openStore(join(dir, `${mode}.db`), { mode });
      report(`${mode}: open (new file)`, `${(performance.now() - t0).toFixed(1)} ms`);
      const s = await store.createSession('bench');
      t0 = performance.now();
      for (let i = 0; i < 1000; i++) await store.listSessions();
      report(`${mode}: listSessions round trip`, `${((performance.now() - t0) / 1000).toFixed(3)} ms`);
      const write = await longestStall(() =>
        store.addRun(s.id, { kind: 'simulate', kernelVariant: 'upstream', status: 'ok' }, events),
      );
      report(`${mode}: write a run of ${EVENTS.toLocaleString('en')} events`, fmt(write));
      const run = (await store.listRuns(s.id))[0];
      report(
        `${mode}: read its ${EVENTS.toLocaleString('en')} events by address`,
        fmt(await longestStall(() => store.eventsInRange(run.id, 0, 2 ** 52, EVENTS))),
      );
      report(`${mode}: export the session`, fmt(await longestStall(() => store.exportSession('bench'))));
      await store.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
