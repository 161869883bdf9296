/**
 * The one input reader, command by command: special files never hang or
 * grow, sizes are bounded (and the bound can be raised), a BOM is accepted
 * everywhere, JSON errors name the line and column without quoting raw
 * bytes, a wrong type is told apart from a missing field, and text from
 * files reaches the terminal escaped.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync, execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, truncateSync, writeFileSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPlanningApi } from '../../main/api/planning-api.js';
import { createServices } from '../../main/api/services.js';
import { ApiError } from '../../main/common/api-contract.js';
import { PROJECT_ROOT } from '../helpers/golden.js';
import { TDX_LAB_BIN } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'tdx-lab-reader-'));
const HOST = join(PROJECT_ROOT, 'resources', 'hosts', '2s-server-512g.json');
const SCENARIO = join(PROJECT_ROOT, 'resources', 'scenarios', 'cxl-hot-added-after-init.json');
const SWEEP = join(PROJECT_ROOT, 'resources', 'sweeps', 'module-limits.json');
const ARTIFACT = join(PROJECT_ROOT, 'tests', 'fixtures', 'real-hosts', 'canonical-tdx-275-spr-8480c-512g.txt');
const PROBE = join(PROJECT_ROOT, 'tests', 'fixtures', 'probe', 'tdx-2s');
execFileSync('mkfifo', [join(dir, 'fifo')]);

/** Runs the CLI; a run that does not finish in 30 s is killed and fails the test (a hang, not a timing). */
function tdx(args: string[]) {
  const env = { ...process.env, TDX_LAB_DB: join(dir, 'default.db') };
  const r = spawnSync(process.execPath, [TDX_LAB_BIN, ...args], { env, encoding: 'utf8', timeout: 30_000, cwd: dir });
  assert.notEqual(r.signal, 'SIGTERM', `${args.join(' ')} hung`);
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function oneLine(args: string[], why: RegExp): string {
  const r = tdx(args);
  assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
  const lines = r.stderr.trimEnd().split('\n');
  assert.equal(lines.length, 1, `one line: ${r.stderr}`);
  assert.match(lines[0], why);
  return lines[0];
}

const put = (name: string, content: string | Buffer) => {
  writeFileSync(join(dir, name), content);
  return join(dir, name);
};

const scenarioWith = (f: (d: any) => void) => {
  const d = JSON.parse(readFileSync(SCENARIO, 'utf8'));
  f(d);
  return JSON.stringify(d);
};

test('a FIFO or /dev/zero is refused at once by every command that reads files (exit 2)', () => {
  for (const special of [join(dir, 'fifo'), '/dev/zero']) {
    const what = special.endsWith('fifo') ? /FIFO/ : /character device/;
    oneLine(['plan', special], what);
    oneLine(['simulate', special], what);
    oneLine(['sweep', special], what);
    oneLine(['report', special, '--out', join(dir, 'r.html')], what);
    oneLine(['session', 'import', special, '--db', join(dir, 'x.db')], what);
    oneLine(['import', special], /FIFO|character device|empty/);
    oneLine(['check', special], /FIFO|character device|empty/);
    oneLine(['record', '--root', PROBE, '--dmesg', special], what);
    const sc = put(
      'hostfile-special.json',
      scenarioWith((d) => ((d.hostFile = special), delete d.host)),
    );
    oneLine(['simulate', sc], what);
    const sw = JSON.parse(readFileSync(SWEEP, 'utf8'));
    delete sw.host;
    sw.hostFile = special;
    oneLine(['sweep', put('sweep-special.json', JSON.stringify(sw))], what);
  }
});

test('a FIFO inside a --root tree is skipped as a missing fact, not read', () => {
  const root = join(dir, 'root');
  cpSync(PROBE, root, { recursive: true });
  rmSync(join(root, 'proc', 'iomem'), { force: true });
  execFileSync('mkfifo', [join(root, 'proc', 'iomem')]);
  const r = tdx(['record', '--root', root]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /"source": "\/proc\/iomem",\s*"why": "a FIFO \(named pipe\), not a regular file"/);
});

test("a file over its kind's size limit is refused unread; --max-input-size raises the limit", () => {
  const huge = put('huge.json', '');
  truncateSync(huge, 300 * 1024 * 1024);
  oneLine(
    ['plan', huge],
    /huge\.json: 300 MiB is over the 256 MiB limit for a host file; raise it with --max-input-size/,
  );
  // Raised: the file is read, and its first byte (NUL) is the problem.
  oneLine(
    ['plan', huge, '--max-input-size', '1GiB'],
    /huge\.json: malformed JSON at line 1, column 1: expected a value, got U\+0000/,
  );
  oneLine(['plan', HOST, '--max-input-size', '1KiB'], /over the 1 KiB limit/);
  oneLine(['plan', HOST, '--max-input-size', 'lots'], /--max-input-size: expected a size like 512MiB/);
});

test('malformed JSON: line and column, no raw bytes, one line, for every JSON reader', () => {
  const bad = put('bad.json', '{\n  "name": "x",\n  "memblock": [1,, 2]\n}');
  const want = /bad\.json: malformed JSON at line 3, column 18: expected a value, got ','/;
  oneLine(['plan', bad], want);
  oneLine(['simulate', bad], want);
  oneLine(['sweep', bad], want);
  oneLine(['report', bad, '--out', join(dir, 'r.html')], want);
  // session import reads in one pass: its error is where the scan stops.
  const badExport = put('bad-export.json', '{\n  "format": "tdx-lab-session",\n  "version": 1,,\n}');
  oneLine(
    ['session', 'import', badExport, '--db', join(dir, 'x.db')],
    /bad-export\.json: malformed JSON at line 3, column 16: expected a property name in double quotes, got ','/,
  );
  // Raw escape sequences and newlines in the file never reach the terminal.
  const evil = put('evil.json', '{"name": "\u001b[2J\u001b]0;pwned\u0007\nx"}');
  const line = oneLine(
    ['plan', evil],
    /evil\.json: malformed JSON at line 1, column 11: control character U\+001B inside a string/,
  );
  assert.doesNotMatch(line, /\u001b|\u0007/);
});

test('a UTF-8 byte order mark is accepted by every reader', () => {
  const bom = (file: string, name: string) =>
    put(name, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), readFileSync(file)]));
  const host = bom(HOST, 'bom-host.json');
  assert.equal(tdx(['plan', host]).status, 0);
  assert.equal(tdx(['simulate', bom(SCENARIO, 'bom-scenario.json')]).status, 0);
  const sweep = JSON.parse(readFileSync(SWEEP, 'utf8'));
  sweep.hostFile = host;
  delete sweep.host;
  const sw = put('bom-sweep.json', '\ufeff' + JSON.stringify(sweep));
  assert.equal(tdx(['sweep', '--plan-only', '--workers', '1', sw]).status, 0);
  assert.equal(tdx(['report', host, '--out', join(dir, 'bom.html'), '--force']).status, 0);
  assert.equal(tdx(['import', bom(ARTIFACT, 'bom-artifact.txt')]).status, 0);
  assert.equal(tdx(['check', bom(ARTIFACT, 'bom-artifact2.txt')]).status, 0);
  const db = join(dir, 'bom.db');
  assert.equal(tdx(['plan', HOST, '--session', 'b', '--db', db]).status, 0);
  assert.equal(tdx(['session', 'export', 'b', '--out', join(dir, 'b.json'), '--db', db]).status, 0);
  const exp = bom(join(dir, 'b.json'), 'bom-export.json');
  assert.equal(tdx(['session', 'import', exp, '--rename', 'b2', '--db', db]).status, 0);
});

test('a wrong type is told apart from a missing field', () => {
  const h = JSON.parse(readFileSync(HOST, 'utf8'));
  h.memblock[0].nid = '0';
  oneLine(
    ['plan', put('nid.json', JSON.stringify(h))],
    /nid\.json: \$\.memblock\[0\]\.nid: expected number, got string "0"/,
  );
  oneLine(['plan', put('arr.json', '[]')], /arr\.json: \$: expected object, got array/);
  delete h.memblock[0].nid;
  oneLine(
    ['plan', put('nonid.json', JSON.stringify(h))],
    /nonid\.json: \$\.memblock\[0\]\.nid: missing \(expected number\)/,
  );
});

test('host names with control characters are printed escaped', () => {
  const h = JSON.parse(readFileSync(HOST, 'utf8'));
  h.name = 'evil\u001b[31m\u0007\rname\u202e';
  const file = put('evil-name.json', JSON.stringify(h));
  const r = tdx(['plan', file]);
  assert.equal(r.status, 0, r.stderr);
  assert.doesNotMatch(r.stdout, /[\u0007\u001b\r\u202e]/);
  assert.match(r.stdout, /evil\\x1b\[31m\\x07\\x0dname\\u202e/);
  const json = tdx(['plan', '--json', file]);
  assert.doesNotMatch(json.stdout, /[\u0007\u001b\r\u202e]/);
  const db = join(dir, 'names.db');
  assert.equal(tdx(['plan', file, '--session', 'n', '--db', db]).status, 0);
  const show = tdx(['session', 'show', 'n', '--db', db]);
  assert.equal(show.status, 0);
  assert.doesNotMatch(show.stdout, /[\u0007\u001b\r\u202e]/);
  assert.equal(JSON.parse(tdx(['session', 'show', 'n', '--json', '--db', db]).stdout).hosts[0].name, h.name);
});

test('record: a block_size_bytes of "1" loses only the memory-block fact', () => {
  const root = join(dir, 'root-bs');
  cpSync(PROBE, root, { recursive: true });
  writeFileSync(join(root, 'sys', 'devices', 'system', 'memory', 'block_size_bytes'), '1\n');
  const r = tdx(['record', '--root', root]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /missing: memory blocks: block_size_bytes "1" is not a memory block size/);
  assert.ok(JSON.parse(r.stdout).memblock.length > 0, 'the rest of the record stands');
});

test('check validates the observed section before comparing', () => {
  const rec = JSON.parse(tdx(['import', ARTIFACT]).stdout);
  rec.observed[0].pamt_kb = 'lots';
  oneLine(
    ['check', put('lots.json', JSON.stringify(rec))],
    /lots\.json: \$\.observed\[0\]\.pamt_kb: expected number, got string "lots"/,
  );
  rec.observed[0].pamt_kb = 100;
  delete rec.observed[0].outcome;
  oneLine(['check', put('no-outcome.json', JSON.stringify(rec))], /\$\.observed\[0\]\.outcome: missing/);
});

test("serve's saveToSession: malformed hostJson is bad input (HTTP 400), not a server error", async () => {
  const services = createServices({
    workers: 1,
    storePath: join(dir, 'serve.db'),
    storeCreateDir: true,
    inProcess: true,
  });
  const api = createPlanningApi(services);
  try {
    await assert.rejects(
      api.handlers.saveToSession({ session: 's', hostJson: '{"name": "x",', kernel: 'upstream' }, () => {}),
      (e: unknown) =>
        e instanceof ApiError &&
        e.code === 'bad-input' &&
        /hostJson: malformed JSON at line 1, column 14/.test(e.message),
    );
  } finally {
    await api.close();
    await services.close();
  }
});

test('cleanup', () => {
  mkdirSync(dir, { recursive: true });
  rmSync(dir, { recursive: true, force: true });
});
