/**
 * `tdx-lab sweep`, run in-process through runCli (stdout and stderr
 * captured), and once as a real process for Ctrl-C.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { runCli } from '../../main/cli/index.js';
import { loadSweepFile } from '../../main/node/sweep-file.js';
import { runSweepInProcess } from '../../engine/sweep/chunk.js';
import { FIXTURES, PROJECT_ROOT } from '../helpers/golden.js';
import { parseHost } from '../../engine/host/validate.js';
import { goldenCase } from './helpers.js';

const fixture = (name: string) => join(FIXTURES, 'sweep', name);

interface Captured {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs the CLI in-process. Only string writes are captured: the test
 * runner's own child-process protocol writes buffers, which pass through.
 */
async function cli(args: string[]): Promise<Captured> {
  const out: string[] = [];
  const err: string[] = [];
  const ow = process.stdout.write.bind(process.stdout);
  const ew = process.stderr.write.bind(process.stderr);
  const capture = (sink: string[], orig: typeof ow) =>
    ((chunk: unknown, ...rest: unknown[]) => {
      if (typeof chunk === 'string') {
        sink.push(chunk);
        return true;
      }
      return (orig as (...a: unknown[]) => boolean)(chunk, ...rest);
    }) as typeof process.stdout.write;
  process.stdout.write = capture(out, ow);
  process.stderr.write = capture(err, ew);
  try {
    const code = await runCli(args);
    return { code, stdout: out.join(''), stderr: err.join('') };
  } finally {
    process.stdout.write = ow;
    process.stderr.write = ew;
    process.exitCode = undefined;
  }
}

test('sweep --json: one document whose rows equal the in-process emulation', async () => {
  const file = fixture('cxl-kernel.json');
  const r = await cli(['sweep', file, '--json', '--workers', '2']);
  assert.equal(r.stderr, '');
  assert.equal(r.code, 0);
  const doc = JSON.parse(r.stdout);
  assert.equal(doc.sweep, 'cxl-kernel-fixture');
  assert.equal(doc.host, 'server-2s-256g');
  assert.equal(doc.mode, 'init');
  assert.equal(doc.total, 8);
  assert.deepEqual(doc.axes, ['cxl_gib', 'cxl_zone', 'kernel']);
  assert.deepEqual(doc.rows, runSweepInProcess(loadSweepFile(file)));
  // Failed rows are data: exit 0, and the module's verdict is in the row.
  const movable = doc.rows.find((x: { values: unknown[] }) => JSON.stringify(x.values) === '[64,"movable","upstream"]');
  assert.equal(movable.ok, false);
  assert.equal(movable.stage, 'config');
  assert.equal(movable.statusName, 'TDX_TDMR_OUTSIDE_CMRS');
});

test('sweep --csv: a header, one line per combination, quoted detail, per-node columns', async () => {
  const r = await cli(['sweep', fixture('cxl-kernel.json'), '--csv']);
  assert.equal(r.code, 0);
  const lines = r.stdout.trimEnd().split('\n');
  assert.equal(lines.length, 9);
  assert.equal(
    lines[0],
    'cxl_gib,cxl_zone,kernel,ok,stage,errno,status,status_name,status_detail,tdmrs,max_tdmrs,max_reserved_used,max_reserved_per_tdmr,pamt_kb,pamt_percent,tdx_bytes,node0_pamt_kb,node0_pamt_percent,node1_pamt_kb,node1_pamt_percent,node2_pamt_kb,node2_pamt_percent,pamt_mode,static_pamt_kb,refcount_kb,dynamic_pamt_kb,tdx_memory_kb',
  );
  // No CXL: the golden server-2s-256g figures (2101260 KB of PAMT, 3 TDMRs); no node 2.
  assert.match(
    lines[1],
    /^0,movable,upstream,true,,,,,,3,64,4,16,2101260,0\.3\d{3},\d+,\d+,0\.\d{4},\d+,0\.\d{4},,,static,2101260,0,0,2101260$/,
  );
  const normal = lines.find((l) => l.startsWith('64,normal,upstream,'))!;
  assert.match(normal, /,false,config,-EIO,0xc0000a11[0-9a-f]{8},TDX_PAMT_OUTSIDE_CMRS,"TDMR 3, PAMT 1G",4,64,/);
});

test('sweep (text): a summary line, a row per combination, exact status hex', async () => {
  const r = await cli(['sweep', fixture('cxl-kernel.json'), '--workers', '1']);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /^cxl-kernel-fixture {2}\(/);
  assert.match(r.stdout, /8 combinations: \d ok, \d failed \(config: \d\)/);
  assert.match(r.stdout, /FAILED at config {2}-EIO 0xc0000a0200000003 TDX_TDMR_OUTSIDE_CMRS \(TDMR 3\)/);
  assert.equal(r.stdout.split('\n').filter((l) => / (upstream|cmr-holes) +(ok|FAILED)/.test(l)).length, 8);
});

test('sweep --plan-only: kernel side only, no module statuses', async () => {
  const r = await cli(['sweep', fixture('cxl-kernel.json'), '--json', '--plan-only']);
  assert.equal(r.code, 0);
  const doc = JSON.parse(r.stdout);
  assert.equal(doc.mode, 'plan');
  assert.ok(doc.rows.every((x: { ok: boolean; status: unknown }) => x.ok && x.status === null));
});

test('bad sweeps are refused before any work: one line naming the file and JSON path, exit 2', async () => {
  const cases: [string[], RegExp][] = [
    [
      ['sweep', fixture('unknown-axis.json')],
      /unknown-axis\.json: \$\.axes\[1\]\.axis: unknown axis "memory_gb" \(known: nodes, /,
    ],
    [
      ['sweep', fixture('huge.json')],
      /huge\.json: \$\.axes: 1,000,000,000 combinations \(1,000 × 1,000 × 1,000\) is more than the 1,000,000 a sweep may have/,
    ],
    [['sweep', fixture('missing-host.json')], /missing-host\.json: \$\.hostFile: .*hosts\/nowhere\.json: no such file/],
    [
      ['sweep', fixture('too-little-memory.json')],
      /too-little-memory\.json: \$\.axes\[0\]: memory_per_node_gib 2 is too small/,
    ],
    [['sweep', fixture('nope.json')], /nope\.json: no such file/],
    [
      ['sweep', fixture('cxl-kernel.json'), '--kernel', 'upstream'],
      /cxl-kernel\.json: \$\.axes\[2\]: the sweep varies the kernel variant itself; drop --kernel/,
    ],
    [['sweep', fixture('cxl-kernel.json'), '--json', '--csv'], /choose one of --json and --csv/],
  ];
  for (const [args, message] of cases) {
    const r = await cli(args);
    assert.equal(r.code, 2, args.join(' '));
    assert.equal(r.stdout, '');
    assert.match(r.stderr, message);
    assert.equal(r.stderr.trimEnd().split('\n').length, 1, r.stderr);
  }
  const w = await cli(['sweep', fixture('cxl-kernel.json'), '--workers', '0']);
  assert.equal(w.code, 2);
  assert.match(w.stderr, /--workers.*must be a whole number from 1 to 1024/);
});

test('Ctrl-C cancels: pool destroyed, nothing printed as if complete, exit 130', () => {
  const index = new URL('../../main/cli/index.js', import.meta.url).href;
  // A real SIGINT to a real process, sent once the sweep has registered its handler.
  const script = `
    import { runCli } from ${JSON.stringify(index)};
    const before = process.listenerCount('SIGINT');
    const run = runCli(['sweep', ${JSON.stringify(fixture('million.json'))}, '--json', '--plan-only', '--workers', '2']);
    const poll = () => (process.listenerCount('SIGINT') > before ? setTimeout(() => process.kill(process.pid, 'SIGINT'), 200) : setImmediate(poll));
    poll();
    process.exitCode = await run;`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 120_000 });
  assert.equal(r.signal, null, 'the process handled SIGINT itself');
  assert.equal(r.status, 130);
  assert.equal(r.stdout, '');
  assert.match(
    r.stderr,
    /^tdx-lab: .*million\.json: sweep cancelled after [\d,]+ of 1,000,000 combinations; no results printed\n$/,
  );
});

test("sweep --host INDEX prints that combination's canonical host (the golden host it rebuilds)", async () => {
  const r = await cli(['sweep', join(PROJECT_ROOT, 'resources', 'sweeps', 'memory-x-nodes.json'), '--host', '10']);
  assert.equal(r.stderr, '');
  assert.equal(r.code, 0);
  // memory-x-nodes: nodes [1, 2, 4, 8] x GiB [16, 64, 256, 512]; index 10 = 4 nodes x 256 GiB.
  const host = parseHost(JSON.parse(r.stdout));
  assert.ok(host.ok);
  const golden = parseHost(goldenCase('server-4s-256g').input);
  assert.ok(golden.ok);
  assert.deepEqual(host.value.memblock, golden.value.memblock);
  assert.deepEqual(host.value.cmrs, golden.value.cmrs);
  const bad = await cli(['sweep', join(PROJECT_ROOT, 'resources', 'sweeps', 'memory-x-nodes.json'), '--host', '16']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /memory-x-nodes\.json: --host 16: the sweep has combinations 0 to 15/);
  assert.equal((await cli(['sweep', fixture('cxl-kernel.json'), '--host', 'x'])).code, 2);
});
