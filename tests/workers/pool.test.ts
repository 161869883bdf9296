/**
 * The engine pool: work runs in worker threads from the compiled output,
 * results equal the in-process ones byte for byte, progress reaches the
 * total, and cancellation stops the sweep with an AbortError.
 */
import { test, after } from 'node:test';
import { MessagePort } from 'node:worker_threads';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { availableParallelism, tmpdir } from 'node:os';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { planTdmrs } from '../../engine/kernel/construct.js';
import { parseHost } from '../../engine/host/validate.js';
import { runSweepInProcess } from '../../engine/sweep/chunk.js';
import type { SweepRow } from '../../engine/sweep/row.js';
import {
  createEnginePool,
  guidedChunkSize,
  MAX_CHUNK,
  MIN_CHUNK,
  ENGINE_WORKER_URL,
  SweepAbortedError,
  sweepRows,
  type SweepProgress,
} from '../../main/workers/pool.js';
import { sweepCsv } from '../../main/cli/render/sweep-csv.js';
import { sweepJsonChunks } from '../../main/cli/commands/sweep.js';
import { parseScenario } from '../../engine/scenario/parse.js';
import { runScenario } from '../../engine/scenario/run.js';
import { PROJECT_ROOT, loadGoldenCases } from '../helpers/golden.js';
import { serverSweep } from '../sweep/helpers.js';

const POOL_URL = new URL('../../main/workers/pool.js', import.meta.url);
const pool = createEnginePool({ workers: 2 });
after(() => pool.close());

test('the worker entry resolves next to the compiled pool module', () => {
  const worker = fileURLToPath(ENGINE_WORKER_URL);
  assert.ok(existsSync(worker), worker);
  assert.equal(dirname(worker), dirname(fileURLToPath(POOL_URL)));
  assert.match(worker, /engine-worker\.js$/);
});

test('the compiled pool works from another working directory (import.meta.url resolution)', () => {
  const script = `
    import { createEnginePool } from ${JSON.stringify(POOL_URL.href)};
    const pool = createEnginePool({ workers: 1 });
    const host = { name: 'h', memblock: [{ start: 0x100000000, end: 0x200000000, nid: 0 }], reserved: [],
      module: { max_tdmrs: 64, max_reserved_per_tdmr: 16, pamt_entry_size: { '4k': 16, '2m': 16, '1g': 16 } },
      cmrs: [{ base: 0x100000000, size: 0x100000000 }] };
    const plan = await pool.plan(host, 'upstream');
    await pool.close();
    process.stdout.write(JSON.stringify({ ok: plan.ok, tdmrs: plan.tdmrs.length, pamtKb: plan.pamtKb }));`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: tmpdir(), encoding: 'utf8' });
  assert.equal(r.stderr, '');
  assert.equal(r.status, 0);
  const host = {
    name: 'h',
    memblock: [{ start: 0x100000000, end: 0x200000000, nid: 0 }],
    reserved: [],
    module: { max_tdmrs: 64, max_reserved_per_tdmr: 16, pamt_entry_size: { '4k': 16, '2m': 16, '1g': 16 } },
    cmrs: [{ base: 0x100000000, size: 0x100000000 }],
  };
  const p = planTdmrs(host, 'upstream');
  assert.ok(p.ok);
  assert.deepEqual(JSON.parse(r.stdout), { ok: true, tdmrs: p.tdmrs.length, pamtKb: p.pamtKb });
});

test('plan in a worker equals planTdmrs in-process (identical JSON) for golden hosts of both variants', async () => {
  for (const variant of ['upstream', 'cmr-holes'] as const) {
    const cases = loadGoldenCases(variant).slice(0, 25);
    const hosts = cases.map((c) => {
      const r = parseHost(c.input);
      assert.ok(r.ok, c.name);
      return r.value;
    });
    const inWorkers = await Promise.all(hosts.map((h) => pool.plan(h, variant)));
    hosts.forEach((h, i) =>
      assert.equal(JSON.stringify(inWorkers[i]), JSON.stringify(planTdmrs(h, variant)), cases[i].name),
    );
  }
});

test('runSweep in workers equals the in-process rows (identical JSON), plan and init modes', async () => {
  const planSweep = serverSweep([
    { axis: 'nodes', values: [1, 2, 3] },
    { axis: 'max_tdmrs', range: { from: 1, to: 6 } },
    { axis: 'max_reserved_per_tdmr', values: [2, 4, 16] },
    { axis: 'kernel', values: ['upstream', 'cmr-holes'] },
  ]);
  const rows = await pool.runSweep(planSweep, { chunkSize: 7 });
  assert.equal(rows.length, 108);
  assert.equal(JSON.stringify(rows), JSON.stringify(runSweepInProcess(planSweep)));

  const initSweep = serverSweep(
    [
      { axis: 'cxl_gib', values: [0, 64] },
      { axis: 'cxl_zone', values: ['normal', 'movable'] },
      { axis: 'memory_per_node_gib', values: [16, 32] },
    ],
    'init',
  );
  const initRows = await pool.runSweep(initSweep, { chunkSize: 3 });
  assert.equal(JSON.stringify(initRows), JSON.stringify(runSweepInProcess(initSweep)));
  assert.ok(initRows.some((r) => r.statusName === 'TDX_TDMR_OUTSIDE_CMRS'));
});

test('progress and rows arrive once per chunk; progress grows and reaches the total', async () => {
  const s = serverSweep([
    { axis: 'max_tdmrs', range: { from: 1, to: 50 } },
    { axis: 'max_reserved_per_tdmr', values: [4, 16] },
  ]);
  const seen: SweepProgress[] = [];
  const streamed: SweepRow[] = [];
  const rows = await pool.runSweep(s, {
    chunkSize: 8,
    onProgress: (p) => seen.push({ ...p }),
    onRows: (part) => streamed.push(...part),
  });
  // Rows streamed chunk by chunk are the final rows.
  assert.deepEqual(
    streamed.sort((a, b) => a.index - b.index),
    rows,
  );
  assert.equal(rows.length, 100);
  assert.equal(seen.length, Math.ceil(100 / 8));
  for (let i = 1; i < seen.length; i++) assert.ok(seen[i].done > seen[i - 1].done);
  assert.deepEqual(seen.at(-1), { done: 100, total: 100 });
  assert.ok(seen.every((p) => p.total === 100));
});

test('cancellation midway stops the sweep and rejects with an AbortError; the pool stays usable', async () => {
  const s = serverSweep([
    { axis: 'max_tdmrs', range: { from: 1, to: 200 } },
    { axis: 'max_reserved_per_tdmr', range: { from: 1, to: 100 } },
  ]);
  assert.equal(s.total, 20_000);
  const controller = new AbortController();
  const warnings: Error[] = [];
  const onWarning = (w: Error) => warnings.push(w);
  process.on('warning', onWarning);
  let calls = 0;
  const run = pool.runSweep(s, {
    chunkSize: 64,
    signal: controller.signal,
    onProgress: () => {
      calls++;
      controller.abort();
    },
  });
  await assert.rejects(run, (e: unknown) => {
    assert.ok(e instanceof SweepAbortedError);
    assert.equal(e.name, 'AbortError');
    assert.ok(e.done >= 64 && e.done < e.total, `stopped after ${e.done} of ${e.total}`);
    return true;
  });
  const callsAtReject = calls;
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(calls, callsAtReject, 'no progress after cancellation');
  assert.equal(calls, 1);
  process.off('warning', onWarning);
  // A result posted by a worker just before it was terminated is dropped quietly.
  assert.deepEqual(warnings, []);
  // Piscina replaces the workers it terminated; the pool serves the next request.
  const rows = await pool.runSweep(serverSweep([{ axis: 'nodes', values: [1, 2] }]));
  assert.equal(rows.length, 2);
});

test('an already-aborted signal rejects before any work', async () => {
  const controller = new AbortController();
  controller.abort();
  let progressed = false;
  await assert.rejects(
    pool.runSweep(serverSweep([{ axis: 'nodes', values: [1, 2] }]), {
      signal: controller.signal,
      onProgress: () => (progressed = true),
    }),
    { name: 'AbortError', message: 'sweep cancelled after 0 of 2 combinations' },
  );
  assert.equal(progressed, false);
});

test('pool options: default one worker per core; bad counts refused; chunks shrink towards the end', async () => {
  const p = createEnginePool();
  assert.equal(p.workers, availableParallelism());
  await p.close();
  assert.throws(() => createEnginePool({ workers: 0 }), RangeError);
  assert.equal(guidedChunkSize(1_000_000, 2), MAX_CHUNK);
  assert.equal(guidedChunkSize(2_000, 2), 250);
  assert.equal(guidedChunkSize(2_000, 8), 63);
  assert.equal(guidedChunkSize(100, 2), MIN_CHUNK);
  await assert.rejects(pool.runSweep(serverSweep([{ axis: 'nodes', values: [1] }]), { chunkSize: 0 }), RangeError);
});

test('simulate in a worker equals runScenario in-process (identical JSON) for the sample scenarios', async () => {
  const dir = join(PROJECT_ROOT, 'resources', 'scenarios');
  // Validity of the samples is the scenario tests' concern; here: every one that parses.
  const scenarios = readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => ({ f, parsed: parseScenario(JSON.parse(readFileSync(join(dir, f), 'utf8'))) }))
    .filter((x) => x.parsed.ok);
  assert.ok(scenarios.length >= 3, 'sample scenarios present');
  for (const { f, parsed } of scenarios) {
    assert.ok(parsed.ok);
    const inWorker = await pool.simulate(parsed.value);
    assert.equal(JSON.stringify(inWorker), JSON.stringify(runScenario(parsed.value)), f);
  }
});

test('the main thread stays free while workers emulate', async () => {
  // 1,664 full inits: long enough that chunks are still running when a timer fires.
  const s = serverSweep(
    [
      { axis: 'memory_per_node_gib', range: { from: 16, to: 1024, step: 16 } },
      { axis: 'max_reserved_per_tdmr', range: { from: 4, to: 16 } },
      { axis: 'kernel', values: ['upstream', 'cmr-holes'] },
    ],
    'init',
  );
  let done = 0;
  const run = pool.runSweep(s, { chunkSize: 16, onProgress: (p) => (done = p.done) });
  // Emulating on this thread would finish the whole sweep before a timer
  // could fire; with the pool the thread is back at once.
  await new Promise((r) => setTimeout(r, 0));
  assert.ok(done < s.total, `the main thread got control back with ${done} of ${s.total} combinations done`);
  assert.equal((await run).length, s.total);
  assert.equal(done, s.total);
});

/** Bytes a posted message copies (SharedArrayBuffers are shared, not copied). */
function copiedBytes(v: unknown, seen = new Set<object>()): number {
  if (typeof v === 'string') return v.length;
  if (typeof v === 'number' || typeof v === 'bigint') return 8;
  if (typeof v === 'boolean') return 1;
  if (typeof v !== 'object' || v === null || seen.has(v)) return 0;
  seen.add(v);
  if (v instanceof SharedArrayBuffer) return 0;
  if (ArrayBuffer.isView(v)) return v.buffer instanceof SharedArrayBuffer ? 0 : v.byteLength;
  if (v instanceof ArrayBuffer) return v.byteLength;
  let n = 0;
  for (const [k, x] of Object.entries(v)) n += k.length + copiedBytes(x, seen);
  return n;
}

test('a sweep of 20,000 explicit values goes to each worker once, not with every chunk (issue 12, item 8)', async () => {
  const values = Array.from({ length: 20_000 }, (_, i) => i + 1);
  const s = serverSweep([{ axis: 'max_reserved_per_tdmr', values }]);
  const definition = copiedBytes(s);
  assert.ok(definition > 160_000, `the definition is big (${definition} bytes)`);
  // Every message the main thread posts to a worker (piscina talks over MessagePorts).
  const post = MessagePort.prototype.postMessage;
  let messages = 0;
  let bytes = 0;
  MessagePort.prototype.postMessage = function (this: MessagePort, message: unknown, ...rest: any[]) {
    messages++;
    bytes += copiedBytes(message);
    return (post as (...a: unknown[]) => void).call(this, message, ...rest);
  };
  let rows;
  try {
    rows = await pool.runSweep(s, { chunkSize: 16 });
  } finally {
    MessagePort.prototype.postMessage = post;
  }
  assert.ok(messages >= 1250, `${messages} messages seen for 1,250 chunks`);
  // Per chunk: a range and a reference to the shared definition, never the values.
  assert.ok(bytes < 1250 * 400, `${bytes.toLocaleString('en-US')} bytes posted for 1,250 chunks`);
  assert.ok(bytes < definition, 'less than one copy of the definition in all');
  assert.equal(rows.length, 20_000);
  const result = await pool.runSweepBatches(s, { chunkSize: 16 });
  assert.equal(result.stats.tasks, 1250);
  assert.ok(result.stats.definitionDecodes <= pool.workers, `${result.stats.definitionDecodes} decodes`);
  assert.ok(result.stats.definitionBytes > 0);
  rows.forEach((r, i) => assert.deepEqual(r.values, [i + 1]));
});

test('rows and formatted output are identical for 1, 2 and 3 workers and any chunk size', async () => {
  const s = serverSweep(
    [
      { axis: 'nodes', values: [1, 2] },
      { axis: 'cxl_gib', values: [0, 64] },
      { axis: 'cxl_zone', values: ['normal', 'movable'] },
      { axis: 'max_tdmrs', values: [2, 5, 64] },
      { axis: 'kernel', values: ['upstream', 'cmr-holes'] },
    ],
    'init',
  );
  const expected = runSweepInProcess(s);
  const csv = sweepCsv(s, expected);
  const json = [...sweepJsonChunks(s, expected)].join('');
  assert.ok(
    expected.some((r) => r.statusDetail?.includes(',')),
    'a quoted CSV cell is covered',
  );
  const pools = [createEnginePool({ workers: 1 }), pool, createEnginePool({ workers: 3 })];
  try {
    for (const p of pools) {
      for (const chunkSize of [undefined, 1, 5, 17, 1000]) {
        const what = `${p.workers} workers, chunk ${chunkSize ?? 'guided'}`;
        const result = await p.runSweepBatches(s, { chunkSize });
        assert.equal(JSON.stringify(sweepRows(result)), JSON.stringify(expected), what);
        const pieces: string[] = [];
        for await (const piece of p.formatSweep(result, 'csv')) pieces.push(piece);
        assert.equal(pieces.join(''), csv, what);
        pieces.length = 0;
        for await (const piece of p.formatSweep(result, 'json')) pieces.push(piece);
        assert.equal(pieces.join(''), json, what);
      }
    }
  } finally {
    await pools[0].close();
    await pools[2].close();
  }
});

test('guided chunks: every combination once, in order, large chunks first and small ones last', async () => {
  const s = serverSweep([
    { axis: 'max_tdmrs', range: { from: 1, to: 100 } },
    { axis: 'max_reserved_per_tdmr', range: { from: 1, to: 100 } },
  ]);
  const result = await pool.runSweepBatches(s);
  let next = 0;
  for (const b of result.batches) {
    assert.equal(b.start, next);
    next += b.count;
  }
  assert.equal(next, 10_000);
  const sizes = result.batches.map((b) => b.count);
  assert.equal(sizes[0], guidedChunkSize(10_000, pool.workers));
  assert.ok(sizes.at(-1)! <= MIN_CHUNK);
  assert.ok(Math.max(...sizes) <= MAX_CHUNK);
});
