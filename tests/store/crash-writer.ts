/**
 * Child process for the crash and concurrency tests:
 *   node crash-writer.js DB SESSION RUNS EVENTS_PER_RUN
 * writes RUNS runs, each with its events in its own transaction, and after
 * each commit prints "committed RUN_ID EVENT_COUNT" (synchronously, so the
 * parent has the line before the next transaction starts).
 */
import { writeSync } from 'node:fs';
import { openLabStore } from '../../main/store/lab-store.js';
import type { EventInput } from '../../main/store/types.js';

const [file, sessionName, runsArg, eventsArg] = process.argv.slice(2);
const runs = Number(runsArg);
const perRun = Number(eventsArg);

function* events(run: number, n: number): Generator<EventInput> {
  for (let i = 0; i < n; i++) {
    yield i % 16 === 0
      ? { t: i, kind: 'log', payload: { run, i } }
      : {
          t: i,
          kind: 'seamcall',
          addrStart: ((run * 7919 + i * 104729) % 2 ** 28) * 4096,
          addrEnd: ((run * 7919 + i * 104729) % 2 ** 28) * 4096 + 8192,
        };
  }
}

const store = openLabStore(file, { busyTimeoutMs: 10_000 });
const session = store.ensureSession(sessionName);
writeSync(1, `ready ${session.id}\n`);
for (let k = 0; k < runs; k++) {
  // Vary the size so a kill lands at different points of a transaction.
  const n = perRun + ((k * 7919) % Math.max(1, Math.floor(perRun / 2)));
  const run = store.addRun(
    session.id,
    {
      kind: 'simulate',
      kernelVariant: 'upstream',
      status: 'ok',
      label: `child run ${k}`,
      summary: { declaredEvents: n },
    },
    events(k, n),
  );
  writeSync(1, `committed ${run.id} ${n}\n`);
}
store.close();
writeSync(1, 'done\n');
