import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { openLabStore } from '../../main/store/lab-store.js';
import { cli, HERE, tempDir } from './helpers.js';

const WRITER = join(HERE, 'crash-writer.js');

/** Starts the writer; resolves each time a line arrives. */
function startWriter(
  db: string,
  session: string,
  runs: number,
  perRun: number,
): { child: ChildProcess; lines: string[]; exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }> } {
  const child = spawn(process.execPath, [WRITER, db, session, String(runs), String(perRun)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  let buf = '';
  child.stdout!.setEncoding('utf8');
  child.stdout!.on('data', (chunk: string) => {
    buf += chunk;
    const parts = buf.split('\n');
    buf = parts.pop()!;
    lines.push(...parts);
  });
  let stderr = '';
  child.stderr!.on('data', (c) => (stderr += c));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => {
      if (code) process.stderr.write(`writer stderr: ${stderr}\n`);
      resolve({ code, signal });
    }),
  );
  return { child, lines, exited };
}

function committed(lines: string[]): { id: number; n: number }[] {
  return lines
    .filter((l) => l.startsWith('committed '))
    .map((l) => {
      const [, id, n] = l.split(' ');
      return { id: Number(id), n: Number(n) };
    });
}

/** Every run is whole: its events are all there, as many as it declared. */
function assertRunsWhole(db: string, session: string, mustHave: { id: number; n: number }[]): number {
  const store = openLabStore(db);
  try {
    assert.equal(store.integrityCheck(), 'ok');
    const runs = store.listRuns(session);
    const byId = new Map(runs.map((r) => [r.id, r]));
    for (const c of mustHave) {
      const r = byId.get(c.id);
      assert.ok(r, `committed run #${c.id} is in the database`);
      assert.equal(r.eventCount, c.n);
    }
    for (const r of runs) {
      assert.equal(r.summary?.declaredEvents, r.eventCount, `run #${r.id} event_count matches what was declared`);
      assert.equal(store.countEvents(r.id), r.eventCount, `run #${r.id} has all its events, no more, no fewer`);
      assert.equal(
        store.eventsInRange(r.id, 0, 2 ** 52).length,
        r.eventCount - Math.ceil(r.eventCount / 16),
        `run #${r.id} address index is complete`,
      );
    }
    return runs.length;
  } finally {
    store.close();
  }
}

/** Kills per run of the test: at least 30, here and in CI. */
const KILLS = 30;

test(`SIGKILL in the middle of writing, ${KILLS} times: integrity ok, every reported commit present and whole, nothing half-written`, async () => {
  const { dir, cleanup } = tempDir();
  try {
    const db = join(dir, 'lab.db');
    const everCommitted: { id: number; n: number }[] = [];
    let kills = 0;
    for (let round = 0; round < KILLS; round++) {
      const w = startWriter(db, 'crash', 1000, 2000 + (round % 5) * 700);
      // Let it commit a run or two, then kill it without warning at a different point each time.
      const target = 1 + (round % 3);
      while (committed(w.lines).length < target) {
        if (w.child.exitCode !== null) break;
        await sleep(2);
      }
      await sleep((round * 7) % 23);
      w.child.kill('SIGKILL');
      const { signal } = await w.exited;
      assert.equal(signal, 'SIGKILL', `round ${round}: the writer was killed`);
      kills++;
      const done = committed(w.lines);
      assert.ok(done.length >= target, `round ${round}: the writer committed ${done.length} runs before the kill`);
      everCommitted.push(...done);
      // Every run ever reported committed, in every earlier round too, is still there and whole.
      const total = assertRunsWhole(db, 'crash', everCommitted);
      assert.ok(total >= everCommitted.length);
    }
    assert.equal(kills, KILLS);
  } finally {
    cleanup();
  }
});

test('two processes at once: one writing runs, one listing them; both succeed and every listing is consistent', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const db = join(dir, 'lab.db');
    openLabStore(db).close(); // created before either starts
    const w = startWriter(db, 'busy', 40, 5000);
    const reader = openLabStore(db);
    let listings = 0;
    let maxSeen = 0;
    let cliListings = 0;
    try {
      while (w.child.exitCode === null) {
        const s = reader.getSession('busy');
        if (s) {
          for (const r of s.runs)
            assert.equal(reader.countEvents(r.id), r.eventCount, 'a reader never sees half a run');
          assert.ok(s.runs.length >= maxSeen);
          maxSeen = s.runs.length;
        }
        listings++;
        if (listings % 10 === 1) {
          const r = cli(['session', 'show', 'busy', '--db', db, '--json']);
          if (r.status === 0) cliListings++;
          else assert.match(r.stderr, /no session named 'busy'/, r.stderr);
        }
        await sleep(2);
      }
    } finally {
      reader.close();
    }
    const { code } = await w.exited;
    assert.equal(code, 0, 'the writer finished normally');
    assert.equal(committed(w.lines).length, 40);
    assert.ok(listings > 1 && cliListings >= 1, `the reader listed ${listings} times while the writer ran`);
    assert.equal(assertRunsWhole(db, 'busy', committed(w.lines)), 40);
  } finally {
    cleanup();
  }
});
