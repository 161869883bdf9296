/** `tdx-lab simulate` in-process: exit codes, text and --json output, one-line errors. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../main/cli/index.js';
import { FIXTURES, PROJECT_ROOT } from '../helpers/golden.js';
import { sampleHostJson } from '../flow/helpers.js';
import { EVENT_KINDS } from '../../engine/scenario/types.js';

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const w1 = process.stdout.write.bind(process.stdout);
  const w2 = process.stderr.write.bind(process.stderr);
  process.stdout.write = ((s: string) => ((out += s), true)) as typeof process.stdout.write;
  process.stderr.write = ((s: string) => ((err += s), true)) as typeof process.stderr.write;
  const saved = process.exitCode;
  process.exitCode = undefined;
  try {
    const code = await runCli(args);
    return { code, out, err };
  } finally {
    process.stdout.write = w1;
    process.stderr.write = w2;
    process.exitCode = saved;
  }
}

const sample = (n: string) => join(PROJECT_ROOT, 'resources', 'scenarios', `${n}.json`);

test('exit 0 when the module ends initialized, 1 when init fails', async () => {
  const ok = await cli(['simulate', sample('boot-dram-only')]);
  assert.equal(ok.code, 0);
  assert.match(ok.out, /^Outcome:\n {2}✓ TDX initializes: 3 TDMRs, 1050636 KB of PAMT/m);
  const fail = await cli(['simulate', sample('cxl-hot-added-before-init')]);
  assert.match(fail.out, /✗ TDX does not initialize: TDH\.SYS\.CONFIG rejects TDMR 3 with TDX_TDMR_OUTSIDE_CMRS/);
  assert.match(fail.out, /\(memory-outside-cmrs\)/);
  assert.equal(fail.code, 1);
  assert.match(fail.out, /virt\/tdx: SEAMCALL \(0x000000000000002d\) failed: 0xc0000a0200000003/);
  assert.match(
    fail.out,
    /TDH\.SYS\.CONFIG cpu0 RCX=0x[0-9a-f]{16} RDX=0x0000000000000004 R8=0x0000000000000040 -> 0xc0000a0200000003 TDX_TDMR_OUTSIDE_CMRS: TDMR 3/,
  );
});

test('--json prints the ScenarioResult; a scenario without init exits 0', async () => {
  const r = await cli(['simulate', '--json', sample('cxl-hot-added-after-init')]);
  assert.equal(r.code, 0);
  const doc = JSON.parse(r.out);
  assert.equal(doc.final.outcome, 'initialized');
  assert.equal(doc.events.length, 5);
  const dir = mkdtempSync(join(tmpdir(), 'tdx-sim-'));
  const f = join(dir, 'noinit.json');
  writeFileSync(f, JSON.stringify({ host: sampleHostJson(), events: [{ kind: 'hot-add', device: 'cxl0' }] }));
  assert.equal((await cli(['simulate', f])).code, 0);
});

test('bad input exits 2 with one line naming the file and JSON path', async () => {
  const bad = join(FIXTURES, 'scenario', 'unknown-kind.json');
  const r = await cli(['simulate', bad]);
  assert.equal(r.code, 2);
  assert.equal(
    r.err,
    `tdx-lab: ${bad}: $.events[1].kind: unknown event kind "reboot" (expected one of ${EVENT_KINDS.join(', ')})\n`,
  );
  const missing = await cli(['simulate', join(FIXTURES, 'scenario', 'nope.json')]);
  assert.equal(missing.code, 2);
  assert.match(missing.err, /nope\.json: no such file/);
  const syntax = await cli(['simulate', join(FIXTURES, 'scenario', 'malformed.json')]);
  assert.equal(syntax.code, 2);
  assert.match(syntax.err, /malformed\.json: malformed JSON/);
});

test('hostFile is resolved relative to the scenario file; its problems name the host file', async () => {
  const ok = await cli(['simulate', join(FIXTURES, 'scenario', 'with-host-file.json')]);
  assert.equal(ok.code, 0);
  assert.match(ok.out, /✓ TDX initializes/);
  const bad = await cli(['simulate', join(FIXTURES, 'scenario', 'with-bad-host-file.json')]);
  assert.equal(bad.code, 2);
  assert.match(bad.err, /bad-host\.json: \$\.memblock\[0\]\.end: /);
});
