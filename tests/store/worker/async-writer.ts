/**
 * Child process for the async client's crash test:
 *   node async-writer.js DB SESSION RUNS EVENTS_PER_RUN [--leave-open]
 * writes runs through openStore({ mode: 'worker' }), printing "committed
 * RUN_ID EVENT_COUNT" after each. With --leave-open it writes one run and
 * returns without closing the store: the process must still exit.
 */
import { writeSync } from 'node:fs';
import { openStore } from '../../../main/store/worker/open-store.js';
import type { EventInput } from '../../../main/store/types.js';

const [file, sessionName, runsArg, eventsArg, flag] = process.argv.slice(2);
const runs = Number(runsArg);
const perRun = Number(eventsArg);

function* events(run: number, n: number): Generator<EventInput> {
  for (let i = 0; i < n; i++)
    yield i % 16 === 0
      ? { t: i, kind: 'log', payload: { run, i } }
      : {
          t: i,
          kind: 'seamcall',
          addrStart: ((run * 7919 + i * 104729) % 2 ** 28) * 4096,
          addrEnd: ((run * 7919 + i * 104729) % 2 ** 28) * 4096 + 8192,
        };
}

const store = await openStore(file, { mode: 'worker', busyTimeoutMs: 10_000 });
const session = await store.ensureSession(sessionName);
for (let k = 0; k < runs; k++) {
  const n = perRun + ((k * 7919) % Math.max(1, Math.floor(perRun / 2)));
  const run = await store.addRun(
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
if (flag !== '--leave-open') await store.close();
writeSync(1, 'done\n');
