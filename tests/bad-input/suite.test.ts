/**
 * The bad-input suite: hundreds of inputs an attacker or a careless user
 * would try, through the real CLI (bin/tdx-lab.js over the build), across
 * every command that reads files. Each run is classified:
 *   - clear error: exit 2 and exactly one line on stderr, no stack trace;
 *   - accepted: exit 0 or 1 (a hostile but valid input), output terminal-safe;
 *   - crash: any other exit (70, a V8 abort, a signal), a stack trace, a
 *     message over one line, or raw control characters on the terminal;
 *   - hang: no answer within the time limit.
 * Prints tried / clear error / accepted / crash / hang and requires 0 crashes and 0 hangs.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../helpers/golden.js';
import { TDX_LAB_BIN } from '../helpers/cli.js';
import { openLabStore } from '../../main/store/lab-store.js';

const HANG_MS = 30_000;
const CONCURRENCY = 2;
// Raw control characters (other than newline and tab) reaching a terminal.
const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e]/;

interface Case {
  name: string;
  args: string[];
}

type Verdict = 'clear error' | 'accepted' | 'crash' | 'hang';

function runCase(c: Case, cwd: string): Promise<{ verdict: Verdict; why?: string }> {
  return new Promise((resolve) => {
    const env = { ...process.env, TDX_LAB_DB: join(cwd, 'default.db') };
    const child = spawn(process.execPath, [TDX_LAB_BIN, ...c.args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout.length < 1 << 20 ? (stdout += d) : undefined));
    child.stderr.on('data', (d) => (stderr.length < 1 << 20 ? (stderr += d) : undefined));
    let hung = false;
    const timer = setTimeout(() => {
      hung = true;
      child.kill('SIGKILL');
    }, HANG_MS);
    child.on('close', (status, signal) => {
      clearTimeout(timer);
      if (hung) return resolve({ verdict: 'hang' });
      const lines = stderr.trimEnd().split('\n');
      if (/\n\s+at |internal error|FATAL ERROR|Native stack/.test(stderr))
        return resolve({ verdict: 'crash', why: `trace or internal error: ${stderr.slice(0, 300)}` });
      if (RAW_CONTROL.test(stderr) || RAW_CONTROL.test(stdout))
        return resolve({ verdict: 'crash', why: 'raw control characters on the terminal' });
      if (status === 2) {
        if (lines.length !== 1 || !lines[0].startsWith('tdx-lab: '))
          return resolve({ verdict: 'crash', why: `message over one line: ${stderr.slice(0, 300)}` });
        return resolve({ verdict: 'clear error' });
      }
      if (status === 0 || status === 1) return resolve({ verdict: 'accepted' });
      resolve({ verdict: 'crash', why: `exit ${status ?? signal}: ${stderr.slice(0, 300)}` });
    });
  });
}

const sampleHost = readFileSync(join(PROJECT_ROOT, 'resources', 'hosts', '2s-server-512g.json'), 'utf8');
const sampleScenario = readFileSync(
  join(PROJECT_ROOT, 'resources', 'scenarios', 'cxl-hot-added-after-init.json'),
  'utf8',
);
const sampleSweep = readFileSync(join(PROJECT_ROOT, 'resources', 'sweeps', 'module-limits.json'), 'utf8');
const artifact = join(PROJECT_ROOT, 'tests', 'fixtures', 'real-hosts', 'canonical-tdx-275-spr-8480c-512g.txt');
const probeRoot = join(PROJECT_ROOT, 'tests', 'fixtures', 'probe', 'tdx-2s');

/** Broken JSON texts: every one must be explained in one line (line and column). */
function malformedTexts(valid: string): [string, string | Buffer][] {
  const compact = JSON.stringify(JSON.parse(valid));
  const out: [string, string | Buffer][] = [
    ['empty', ''],
    ['whitespace', '   \n\t  '],
    ['bom-only', '\ufeff'],
    ['utf16', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(compact, 'utf16le')])],
    ['utf16be', Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(compact, 'utf16le').swap16()])],
    ['latin1', Buffer.from(compact.replace('"name":"', '"name":"caf\u00e9 '), 'latin1')],
    ['binary', Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 131 + 7) & 255))],
    ['nul', '\u0000'.repeat(100)],
    ['trailing-comma', compact.replace(/}$/, ',}')],
    ['trailing-comma-array', compact.replace(']', ',]')],
    ['single-quotes', compact.replace(/"/g, "'")],
    ['unquoted-key', compact.replace('"name"', 'name')],
    ['comment', '// host\n' + compact],
    ['block-comment', compact.replace('{', '{/* x */')],
    ['nan', compact.replace(/:(\d+)/, ':NaN')],
    ['infinity', compact.replace(/:(\d+)/, ':Infinity')],
    ['hex-number', compact.replace(/:(\d+)/, ':0x10')],
    ['leading-zero', compact.replace(/:(\d+)/, ':007')],
    ['plus-number', compact.replace(/:(\d+)/, ':+1')],
    ['huge-number', compact.replace(/:(\d+)/, ':1' + '0'.repeat(500))],
    ['raw-newline-in-string', compact.replace('"name":"', '"name":"a\nb')],
    ['raw-tab-in-string', compact.replace('"name":"', '"name":"a\tb')],
    ['raw-escape-in-string', compact.replace('"name":"', '"name":"\u001b[31mred\u001b[0m')],
    ['bad-escape', compact.replace('"name":"', '"name":"\\q')],
    ['bad-unicode-escape', compact.replace('"name":"', '"name":"\\u12g4')],
    ['unterminated-string', compact.slice(0, compact.indexOf('"name":"') + 9)],
    ['two-documents', compact + compact],
    ['garbage-after', compact + ' x'],
    ['just-open', '{'],
    ['just-close', '}'],
    ['lone-bracket', '['],
    ['colon-only', ':'],
    ['word', 'hello'],
    ['truex', 'truex'],
    ['deep-array', '['.repeat(100_000) + ']'.repeat(100_000)],
    ['deep-object', '{"a":'.repeat(50_000) + '1' + '}'.repeat(50_000)],
    ['deep-unclosed', '['.repeat(300)],
    ['ansi-in-key', compact.replace('{', '{"\u001b]0;pwned\u0007":1,')],
    [
      'crlf',
      JSON.stringify(JSON.parse(valid), null, 2)
        .replace(/\n/g, '\r\n')
        .replace(/,\r\n(\s*)"name"/, ',,\r\n$1"name"'),
    ],
  ];
  // Cut at many points: every prefix is malformed.
  for (let k = 1; k <= 30; k++) out.push([`cut-${k}`, compact.slice(0, Math.floor((compact.length * k) / 31))]);
  return out;
}

/** Valid JSON of the wrong shape or type. */
function wrongShapes(valid: string): [string, string][] {
  const doc = JSON.parse(valid);
  const mut = (f: (d: any) => void): string => {
    const d = structuredClone(doc);
    f(d);
    return JSON.stringify(d);
  };
  return [
    ['array', '[]'],
    ['null', 'null'],
    ['string', '"host"'],
    ['number', '42'],
    ['true', 'true'],
    ['empty-object', '{}'],
    ['name-number', mut((d) => (d.name = 5))],
    ['name-control', mut((d) => (d.name = 'evil\u001b[2J\u0007\r\nname\u202e'))],
    ['name-huge', mut((d) => (d.name = 'x'.repeat(1_000_000)))],
    ['bom-valid', '\ufeff' + valid],
  ];
}

function hostMutations(): [string, string][] {
  const doc = JSON.parse(sampleHost);
  const mut = (f: (d: any) => void): string => {
    const d = structuredClone(doc);
    f(d);
    return JSON.stringify(d);
  };
  return [
    ['nid-string', mut((d) => (d.memblock[0].nid = '0'))],
    ['nid-negative', mut((d) => (d.memblock[0].nid = -1))],
    ['nid-float', mut((d) => (d.memblock[0].nid = 0.5))],
    ['nid-huge', mut((d) => (d.memblock[0].nid = 1e300))],
    ['start-number', mut((d) => (d.memblock[0].start = 4096))],
    ['start-missing', mut((d) => delete d.memblock[0].start)],
    ['memblock-object', mut((d) => (d.memblock = {}))],
    ['memblock-empty', mut((d) => (d.memblock = []))],
    ['memblock-null-entry', mut((d) => (d.memblock[1] = null))],
    ['module-missing', mut((d) => delete d.module)],
    ['module-array', mut((d) => (d.module = []))],
    ['max-tdmrs-zero', mut((d) => (d.module.max_tdmrs = 0))],
    ['max-tdmrs-huge', mut((d) => (d.module.max_tdmrs = 2 ** 40))],
    ['pamt-entry-string', mut((d) => (d.module.pamt_entry_size['4k'] = '16'))],
    ['cmrs-missing', mut((d) => delete d.cmrs)],
    ['cmr-size-zero', mut((d) => (d.cmrs[0].size = '0x0'))],
    ['address-2^53', mut((d) => (d.memblock[0].end = '0x20000000000000'))],
    ['address-2^64', mut((d) => (d.memblock[0].end = '0x10000000000000000'))],
    ['address-huge-hex', mut((d) => (d.memblock[0].end = '0x' + 'f'.repeat(400)))],
    ['address-unaligned', mut((d) => (d.memblock[0].end = '0x100001'))],
    ['address-not-hex', mut((d) => (d.memblock[0].end = '0xzz'))],
    ['unsorted', mut((d) => d.memblock.reverse())],
    ['overlap', mut((d) => (d.memblock[1].start = d.memblock[0].start))],
    ['below-1mib-only', mut((d) => (d.memblock = [{ start: '0x1000', end: '0x9f000', nid: 0 }]))],
    ['block-size-1', mut((d) => (d.platform = { memory_block_size: '0x1' }))],
    ['block-size-odd', mut((d) => (d.platform = { memory_block_size: '0x300000000' }))],
    ['platform-string', mut((d) => (d.platform = 'x'))],
    ['devices-bad', mut((d) => (d.devices = [{ name: '', kind: 'ram' }]))],
    ['proto-key', mut((d) => (d['__proto__'] = { polluted: true }))],
    ['golden-case-bad-input', JSON.stringify({ name: 'c', category: 'x', input: { name: 1 }, expected: {} })],
  ];
}

function scenarioMutations(dir: string): [string, string][] {
  const doc = JSON.parse(sampleScenario);
  const mut = (f: (d: any) => void): string => {
    const d = structuredClone(doc);
    f(d);
    return JSON.stringify(d);
  };
  const hostFile = (ref: string) => {
    const d = structuredClone(doc);
    delete d.host;
    d.hostFile = ref;
    return JSON.stringify(d);
  };
  return [
    ['events-missing', mut((d) => delete d.events)],
    ['events-object', mut((d) => (d.events = {}))],
    ['event-kind-unknown', mut((d) => (d.events[0] = { kind: 'explode' }))],
    ['event-kind-number', mut((d) => (d.events[0] = { kind: 7 }))],
    ['event-null', mut((d) => (d.events[0] = null))],
    ['event-t-negative', mut((d) => (d.events[0].t = -1))],
    ['event-t-string', mut((d) => (d.events[0].t = '1'))],
    [
      'hot-add-2^52',
      mut((d) => d.events.push({ kind: 'hot-add', start: '0x100000000000', end: '0x10000000000000', nid: 1 })),
    ],
    [
      'hot-add-past-2^52',
      mut((d) => d.events.push({ kind: 'hot-add', start: '0x0', end: '0x20000000000000', nid: 1 })),
    ],
    ['hot-add-no-nid', mut((d) => d.events.push({ kind: 'hot-add', start: '0x100000000000', end: '0x200000000000' }))],
    ['online-outside', mut((d) => d.events.push({ kind: 'online', start: '0x900000000000', end: '0x910000000000' }))],
    ['inject-bad-status', mut((d) => d.events.push({ kind: 'inject', leaf: 'TDH.SYS.INIT', status: 'NOPE' }))],
    ['cpu-huge', mut((d) => d.events.push({ kind: 'cpu-offline', cpu: 1e9 }))],
    ['device-unknown', mut((d) => d.events.push({ kind: 'hot-add', device: 'nope' }))],
    ['kernel-unknown', mut((d) => (d.kernel = 'debian'))],
    ['options-array', mut((d) => (d.options = []))],
    ['too-many-events', mut((d) => (d.events = Array.from({ length: 100_001 }, () => ({ kind: 'init' }))))],
    ['hostfile-missing', hostFile('nope.json')],
    ['hostfile-dir', hostFile('.')],
    ['hostfile-fifo', hostFile(join(dir, 'fifo'))],
    ['hostfile-zero', hostFile('/dev/zero')],
    ['hostfile-number', mut((d) => ((d.hostFile = 5), delete d.host))],
    ['hostfile-self', hostFile('scenario-hostfile-self.json')],
    ['hostfile-malformed', hostFile('host-malformed-cut-15.json')],
  ];
}

function sweepMutations(dir: string): [string, string][] {
  const doc = JSON.parse(sampleSweep);
  const mut = (f: (d: any) => void): string => {
    const d = structuredClone(doc);
    f(d);
    return JSON.stringify(d);
  };
  return [
    ['axes-missing', mut((d) => delete d.axes)],
    ['axes-object', mut((d) => (d.axes = {}))],
    ['axis-unknown', mut((d) => (d.axes[0] = { name: 'frobnicate', values: [1] }))],
    ['axis-values-strings', mut((d) => (d.axes[0].values = ['a', 'b']))],
    ['axis-range-backwards', mut((d) => (d.axes[0] = { name: d.axes[0].name, range: { from: 10, to: 1, step: 1 } }))],
    ['hostfile-fifo', mut((d) => ((d.hostFile = join(dir, 'fifo')), delete d.host))],
    ['hostfile-zero', mut((d) => ((d.hostFile = '/dev/zero'), delete d.host))],
    ['hostfile-dir', mut((d) => ((d.hostFile = dir), delete d.host))],
    ['hostfile-missing', mut((d) => ((d.hostFile = 'nope.json'), delete d.host))],
  ];
}

test('bad-input suite: every command that reads files, hundreds of inputs, 0 crashes, 0 hangs', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tdx-lab-bad-input-'));
  try {
    execFileSync('mkfifo', [join(dir, 'fifo')]);
    mkdirSync(join(dir, 'a-directory'));
    // A sparse file over every whole-file limit: refused by its size, never read.
    writeFileSync(join(dir, 'huge.json'), '');
    truncateSync(join(dir, 'huge.json'), 300 * 1024 * 1024);
    symlinkSync('/dev/zero', join(dir, 'zero-link.json'));
    symlinkSync(join(dir, 'nowhere'), join(dir, 'dangling.json'));
    symlinkSync('loop2.json', join(dir, 'loop1.json'));
    symlinkSync('loop1.json', join(dir, 'loop2.json'));
    writeFileSync(join(dir, 'name\u001b[31mred\n.json'), sampleHost);

    // Files every command gets: special files, paths, and broken JSON.
    const special = [
      'nope.json',
      'a-directory',
      'fifo',
      '/dev/zero',
      '/dev/null',
      '/dev/urandom',
      'huge.json',
      'zero-link.json',
      'dangling.json',
      'loop1.json',
      'name\u001b[31mred\n.json',
      '',
      '-',
    ];
    const write = (name: string, content: string | Buffer) => {
      writeFileSync(join(dir, name), content);
      return name;
    };
    const malformedHost = malformedTexts(sampleHost).map(([n, c]) => write(`host-malformed-${n}.json`, c));
    const shapes = wrongShapes(sampleHost).map(([n, c]) => write(`host-shape-${n}.json`, c));
    const hosts = hostMutations().map(([n, c]) => write(`host-${n}.json`, c));
    write(
      'scenario-hostfile-self.json',
      JSON.stringify({ ...JSON.parse(sampleScenario), host: undefined, hostFile: 'scenario-hostfile-self.json' }),
    );
    const scenarios = scenarioMutations(dir).map(([n, c]) => write(`scenario-${n}.json`, c));
    const scenarioMalformed = malformedTexts(sampleScenario)
      .filter((_, i) => i % 3 === 0)
      .map(([n, c]) => write(`scenario-malformed-${n}.json`, c));
    const sweeps = sweepMutations(dir).map(([n, c]) => write(`sweep-${n}.json`, c));
    const sweepMalformed = malformedTexts(sampleSweep)
      .filter((_, i) => i % 4 === 0)
      .map(([n, c]) => write(`sweep-malformed-${n}.json`, c));

    // A valid export, then broken variants of it.
    const db = join(dir, 'lab.db');
    const store = openLabStore(db);
    store.createSession('s');
    store.close();
    execFileSync(
      process.execPath,
      [
        TDX_LAB_BIN,
        'plan',
        join(PROJECT_ROOT, 'resources', 'hosts', '2s-server-512g.json'),
        '--session',
        's',
        '--db',
        db,
      ],
      { stdio: 'ignore' },
    );
    execFileSync(
      process.execPath,
      [TDX_LAB_BIN, 'session', 'export', 's', '--out', join(dir, 'export.json'), '--db', db],
      { stdio: 'ignore' },
    );
    const exportText = readFileSync(join(dir, 'export.json'), 'utf8');
    const exportDoc = JSON.parse(exportText);
    const emut = (f: (d: any) => void): string => {
      const d = structuredClone(exportDoc);
      f(d);
      return JSON.stringify(d);
    };
    const exports = [
      ...malformedTexts(exportText)
        .filter((_, i) => i % 2 === 0)
        .map(([n, c]) => write(`export-malformed-${n}.json`, c)),
      ...(
        [
          ['format', emut((d) => (d.format = 'other'))],
          ['version-newer', emut((d) => (d.version = 9))],
          ['version-string', emut((d) => (d.version = '1'))],
          ['session-missing', emut((d) => delete d.session)],
          ['session-name-control', emut((d) => (d.session.name = 'a\u001b[2Jb'))],
          ['hosts-object', emut((d) => (d.hosts = {}))],
          ['runs-before-hosts', JSON.stringify({ ...exportDoc, hosts: undefined, runs: exportDoc.runs, hosts2: 1 })],
          ['host-index', emut((d) => (d.runs[0].host = 99))],
          ['run-kind', emut((d) => (d.runs[0].kind = 'guess'))],
          ['run-extra', emut((d) => (d.runs[0].x = 1))],
          ['tdmr-base', emut((d) => d.runs[0].tdmrs && (d.runs[0].tdmrs[0].base = '12'))],
          ['events-object', emut((d) => (d.runs[0].events = {}))],
          [
            'event-seq',
            emut(
              (d) =>
                (d.runs[0].events = [
                  { seq: 1, t: 0, kind: 'x', addr_start: null, addr_end: null, payload: null },
                  { seq: 0, t: 0, kind: 'x', addr_start: null, addr_end: null, payload: null },
                ]),
            ),
          ],
          [
            'payload-deep',
            exportText.replace('"payload":', `"payload":${'['.repeat(50_000)}${']'.repeat(50_000)},"y":`),
          ],
          [
            'note-run',
            emut((d) =>
              d.notes.push({ run: 7, event_seq: null, addr_start: null, addr_end: null, text: 'x', created_at: 't' }),
            ),
          ],
          ['memblock-type', emut((d) => (d.hosts[0].host.memblock[0].nid = '0'))],
        ] as [string, string][]
      ).map(([n, c]) => write(`export-${n}.json`, c)),
    ];

    // Artifacts for import and check, and recorded hosts with a bad observed section.
    const rec = JSON.parse(
      execFileSync(process.execPath, [TDX_LAB_BIN, 'import', artifact], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      }),
    );
    const rmut = (f: (d: any) => void): string => {
      const d = structuredClone(rec);
      f(d);
      return JSON.stringify(d);
    };
    const artifacts = [
      write('artifact-empty.txt', ''),
      write('artifact-binary.bin', Buffer.from(Array.from({ length: 8192 }, (_, i) => (i * 7) & 255))),
      write('artifact-nothing.txt', 'hello world\nnothing here\n'),
      write('artifact-long-line.txt', 'x'.repeat(300_000) + '\n'),
      write('artifact-ansi.txt', '[    0.000000] \u001b[31mvirt/tdx: \u001b]0;pwn\u0007 CMR: [0x100000, 0x80000000)\n'),
      write(
        'recorded-observed-lots.json',
        rmut((d) => (d.observed[0].pamt_kb = 'lots')),
      ),
      write(
        'recorded-observed-object.json',
        rmut((d) => (d.observed = [{}])),
      ),
      write(
        'recorded-observed-outcome.json',
        rmut((d) => (d.observed[0].outcome = 'exploded')),
      ),
      write(
        'recorded-observed-variant.json',
        rmut((d) => (d.observed[0].variant = 7)),
      ),
      write(
        'recorded-host-bad.json',
        rmut((d) => (d.memblock[0].nid = 'x')),
      ),
    ];

    // Databases that are not notebooks.
    const dbs = [
      write('db-random.db', Buffer.from(Array.from({ length: 8192 }, (_, i) => (i * 31 + 1) & 255))),
      write('db-text.db', sampleHost),
      write('db-truncated.db', readFileSync(db).subarray(0, 5000)),
      'fifo',
      '/dev/zero',
      'a-directory',
      join('nope', 'lab.db'),
    ];

    const host = join(PROJECT_ROOT, 'resources', 'hosts', '2s-server-512g.json');
    const cases: Case[] = [];
    const add = (name: string, args: string[]) => cases.push({ name, args });
    for (const f of [...special, ...malformedHost, ...shapes, ...hosts]) add(`plan ${f}`, ['plan', f]);
    for (const f of [...special, ...shapes.slice(0, 6), ...hosts.slice(0, 10)])
      add(`plan --json ${f}`, ['plan', '--json', f]);
    for (const f of [...special, ...scenarios, ...scenarioMalformed, ...shapes.slice(0, 6)])
      add(`simulate ${f}`, ['simulate', f]);
    for (const f of [...special, ...sweeps, ...sweepMalformed, ...shapes.slice(0, 6)])
      add(`sweep ${f}`, ['sweep', '--plan-only', '--workers', '1', f]);
    for (const f of [
      ...special,
      ...malformedHost.filter((_, i) => i % 3 === 0),
      ...hosts.slice(0, 8),
      ...scenarios.slice(0, 6),
    ])
      add(`report ${f}`, ['report', f, '--out', join(dir, 'r.html'), '--force']);
    for (const f of [...special, ...exports])
      add(`session import ${f}`, [
        'session',
        'import',
        f,
        '--rename',
        'imported',
        '--db',
        join(dir, 'import-target.db'),
      ]);
    for (const f of [...special, ...artifacts]) add(`import ${f}`, ['import', f]);
    for (const f of [...special, ...artifacts]) add(`check ${f}`, ['check', f]);
    for (const f of special) add(`record --dmesg ${f}`, ['record', '--root', probeRoot, '--dmesg', f]);
    for (const d of [...dbs, ...special.slice(0, 4)]) {
      add(`session list --db ${d}`, ['session', 'list', '--db', d]);
      add(`plan --session --db ${d}`, ['plan', host, '--session', 'x', '--db', d]);
    }
    for (const out of ['fifo', 'a-directory', db, '/dev/null', join('nope', 'x.json')])
      add(`import --out ${out}`, ['import', artifact, '--out', out, '--force']);
    add('max-input-size bad', ['plan', host, '--max-input-size', 'lots']);
    add('max-input-size tiny', ['plan', host, '--max-input-size', '10']);

    const tally: Record<Verdict, number> = { 'clear error': 0, accepted: 0, crash: 0, hang: 0 };
    const bad: string[] = [];
    let next = 0;
    const worker = async () => {
      while (next < cases.length) {
        const c = cases[next++];
        const r = await runCase(c, dir);
        tally[r.verdict]++;
        if (r.verdict === 'crash' || r.verdict === 'hang')
          bad.push(`${r.verdict}: ${JSON.stringify(c.name)}: ${r.why ?? ''}`);
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    const line = `tried ${cases.length} / clear error ${tally['clear error']} / accepted ${tally.accepted} / crash ${tally.crash} / hang ${tally.hang}`;
    process.stdout.write(`# bad-input suite: ${line}\n`);
    assert.ok(cases.length >= 300, `at least 300 inputs (${cases.length})`);
    assert.deepEqual(bad, [], line);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
