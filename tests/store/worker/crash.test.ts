/**
 * The app's async store client in a process killed without warning (SIGKILL)
 * while its worker writes: every commit it reported is there and whole,
 * nothing is half-written. And a process that leaves an idle store open
 * still exits.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { openLabStore } from '../../../main/store/lab-store.js';
import { tempDir } from '../helpers.js';

const WRITER = join(dirname(fileURLToPath(import.meta.url)), 'async-writer.js');

function start(args: string[]) {
  const child = spawn(process.execPath, [WRITER, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  let buf = '';
  let stderr = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (c: string) => {
    buf += c;
    const parts = buf.split('\n');
    buf = parts.pop()!;
    lines.push(...parts);
  });
  child.stderr.on('data', (c) => (stderr += c));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, lines, exited, stderr: () => stderr };
}

const committed = (lines: string[]) =>
  lines
    .filter((l) => l.startsWith('committed '))
    .map((l) => ({ id: Number(l.split(' ')[1]), n: Number(l.split(' ')[2]) }));

test('SIGKILL while the worker writes: integrity ok, every reported commit present and whole', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const db = join(dir, 'lab.db');
    for (let round = 0; round < 2; round++) {
      const w = start([db, 'crash', '1000', '10000']);
      const target = 3 + round * 2;
      while (committed(w.lines).length < target && w.child.exitCode === null) await sleep(5);
      await sleep(11 * round);
      w.child.kill('SIGKILL');
      assert.equal((await w.exited).signal, 'SIGKILL', w.stderr());
      const done = committed(w.lines);
      assert.ok(done.length >= target, `${done.length} commits reported before the kill`);
      const store = openLabStore(db);
      try {
        assert.equal(store.integrityCheck(), 'ok');
        const runs = new Map(store.listRuns('crash').map((r) => [r.id, r]));
        for (const c of done) assert.equal(runs.get(c.id)?.eventCount, c.n, `run #${c.id} is there, whole`);
        for (const r of runs.values()) {
          assert.equal(r.summary?.declaredEvents, r.eventCount);
          assert.equal(store.countEvents(r.id), r.eventCount, `run #${r.id}: no half-written run`);
        }
      } finally {
        store.close();
      }
    }
  } finally {
    cleanup();
  }
});

test('a process that leaves an idle worker store open still exits by itself', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const w = start([join(dir, 'lab.db'), 'idle', '1', '100', '--leave-open']);
    const killer = setTimeout(() => w.child.kill('SIGKILL'), 60_000);
    const { code, signal } = await w.exited;
    clearTimeout(killer);
    assert.equal(signal, null, 'it was not killed: it exited on its own');
    assert.equal(code, 0, w.stderr());
    assert.deepEqual(w.lines, ['committed 1 100', 'done']);
  } finally {
    cleanup();
  }
});
