/**
 * The API contract and its Node implementation: every method rejects bad
 * arguments with a message naming the method, the argument path and the
 * problem; good calls return what the engine computes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import {
  API_ARGS,
  API_METHODS,
  ApiError,
  validateCall,
  type ApiEnvelope,
  type AnalysisResult,
  type ImportedHost,
  type RunDetail,
  type RunInfo,
  type SessionInfo,
  type SampleInfo,
  type SampleText,
} from '../../main/common/api-contract.js';
import { createLabApi } from '../../main/api/lab-api.js';
import { APP_FIXTURES, SAMPLES_DIR, expectedCounts, loadHostText } from './app-helpers.js';
import { FIXTURES, PROJECT_ROOT } from '../helpers/golden.js';
import { parseScenario } from '../../engine/scenario/parse.js';
import { openLabStore } from '../../main/store/lab-store.js';
import { recordRun } from '../../main/store/record-run.js';
import { planTdmrs } from '../../engine/kernel/construct.js';
import { analyzeHost, analyzeScenario } from '../../engine/outcome/analyze.js';
import { VIEWS_BAD_ARGS } from './views-bad-args.js';

/** For every method: an argument it must refuse, and the words the error must contain. */
const BAD_ARGS: Record<keyof typeof API_ARGS, Array<[unknown, RegExp]>> = {
  analyze: [
    [{ variant: 'upstream' }, /analyze: argument \$\.text: missing/],
    [{ text: '{}', variant: 'mainline' }, /analyze: argument \$\.variant: /],
    [{ text: 42, variant: 'upstream' }, /analyze: argument \$\.text: .*string/],
    [{ text: '{}', variant: 'upstream', extra: 1 }, /analyze: argument .*extra/],
  ],
  importArtifacts: [
    [{ files: [] }, /importArtifacts: argument \$\.files: must list at least one file/],
    [{ files: [{ name: 'dmesg.txt' }] }, /importArtifacts: argument \$\.files\[0\]\.text: missing/],
  ],
  listSamples: [[{ all: true }, /listSamples: argument .*all/]],
  loadSample: [
    [{}, /loadSample: argument \$\.name: missing/],
    [{ name: '' }, /loadSample: argument \$\.name: must not be empty/],
  ],
  getInfo: [['now', /getInfo: argument \$: /]],
  listSessions: [[null, /listSessions: argument \$: /]],
  getSession: [[{ id: 7 }, /getSession: argument \$\.id: /]],
  listRuns: [[{ id: 'x' }, /listRuns: argument \$\.sessionId: missing/]],
  getRun: [[{}, /getRun: argument \$\.id: missing/]],
  runSweep: [
    [{ sweepJson: '{}' }, /runSweep: argument \$\.requestId: missing/],
    [{ requestId: 'a', sweepJson: '{}', mode: 'fast' }, /runSweep: argument \$\.mode: /],
  ],
  cancelSweep: [[{ requestId: '' }, /cancelSweep: argument \$\.requestId: must not be empty/]],
  listScenarios: [[{ x: 1 }, /listScenarios: argument .*x/]],
  runScenario: [[{ name: 5 }, /runScenario: argument \$\.name: /]],
  saveToSession: [
    [{ hostJson: '{}', kernel: 'upstream' }, /saveToSession: argument \$\.session: missing/],
    [{ session: 's', hostJson: '{}', kernel: 'linus' }, /saveToSession: argument \$\.kernel: /],
  ],
  openDocument: [
    [{ text: '{}', variant: 'upstream', source: 'a.json' }, /openDocument: argument \$\.requestId: missing/],
    [
      { requestId: 'r', text: '', variant: 'upstream', source: 'a.json' },
      /openDocument: argument \$\.text: must not be empty/,
    ],
    [{ requestId: 'r', text: '{}', variant: 'mainline', source: 'a.json' }, /openDocument: argument \$\.variant: /],
  ],
  cancelOpen: [[{}, /cancelOpen: argument \$\.requestId: missing/]],
  closeDocument: [[{ docId: 3 }, /closeDocument: argument \$\.docId: /]],
  mapWindow: [
    [
      { docId: 'd', domain: [0, 1], pixels: 0, compressHoles: true },
      /mapWindow: argument \$\.pixels: must be at least 1/,
    ],
    [
      { docId: 'd', domain: [0, 0.5], pixels: 10, compressHoles: true },
      /mapWindow: argument \$\.domain\[1\]: must be a whole number/,
    ],
    [
      { docId: 'd', domain: [-1, 5], pixels: 10, compressHoles: true },
      /mapWindow: argument \$\.domain\[0\]: must not be negative/,
    ],
  ],
  documentRows: [
    [{ docId: 'd', table: 'cmrs', from: 0, count: 10 }, /documentRows: argument \$\.table: /],
    [{ docId: 'd', table: 'tdmrs', from: 0, count: 5000 }, /documentRows: argument \$\.count: is more than 1000/],
  ],
  documentShapes: [[{ docId: 'd', kind: 'hole', start: 0, end: 1, limit: 1 }, /documentShapes: argument \$\.kind: /]],
  documentShape: [[{ docId: 'd' }, /documentShape: argument \$\.id: missing/]],
  findInDocument: [[{ docId: 'd', query: '' }, /findInDocument: argument \$\.query: must not be empty/]],
  renderReport: [
    [{ text: '{}', variant: 'upstream' }, /renderReport: argument \$\.format: .*"html"/],
    [{ text: '{}', variant: 'upstream', format: 'docx' }, /renderReport: argument \$\.format: /],
    [{ text: '', variant: 'upstream', format: 'html' }, /renderReport: argument \$\.text: must not be empty/],
    [
      { text: '{}', variant: 'upstream', format: 'html', options: { logs: 'no' } },
      /renderReport: argument \$\.options\.logs: /,
    ],
    [
      { text: '{}', variant: 'upstream', format: 'html', options: { scripts: true } },
      /renderReport: argument .*scripts/,
    ],
  ],
  ...VIEWS_BAD_ARGS,
};

test('every contract method has bad-argument cases here (a new method needs them too)', () => {
  assert.deepEqual(Object.keys(BAD_ARGS).sort(), [...API_METHODS].sort());
});

test('validateCall rejects unknown methods and bad arguments with the method, path and problem', () => {
  assert.throws(
    () => validateCall('deleteEverything', {}),
    (e: unknown) => e instanceof ApiError && /unknown API method "deleteEverything"/.test(e.message),
  );
  for (const [method, cases] of Object.entries(BAD_ARGS)) {
    for (const [args, re] of cases) {
      assert.throws(
        () => validateCall(method, args),
        (e: unknown) => e instanceof ApiError && e.code === 'bad-arguments' && re.test(e.message),
        `${method}(${JSON.stringify(args)}) should be refused matching ${re}`,
      );
    }
  }
});

test('the Node API answers bad arguments with an error envelope, never a throw', async () => {
  const api = createLabApi({ samplesDir: SAMPLES_DIR, inProcess: true });
  try {
    for (const [method, cases] of Object.entries(BAD_ARGS)) {
      for (const [args, re] of cases) {
        const r = await api.call(method, args);
        assert.equal(r.ok, false, `${method} accepted ${JSON.stringify(args)}`);
        if (!r.ok) {
          assert.equal(r.error.code, 'bad-arguments');
          assert.match(r.error.message, re);
          assert.doesNotMatch(r.error.message, /\n\s+at /, 'no stack trace');
        }
      }
    }
  } finally {
    await api.close();
  }
});

test('analyze: bad host input names the JSON path; malformed JSON names line and column', async () => {
  const api = createLabApi({ samplesDir: SAMPLES_DIR, inProcess: true });
  try {
    const { text } = loadHostText(join(APP_FIXTURES, 'cxl-after-init.json'));
    const bad = text.replace('"0x5f0e0000"', '"0x5f0e0001"');
    const r1 = await api.call('analyze', { text: bad, variant: 'upstream', source: 'bad.json' });
    assert.equal(r1.ok, false);
    if (!r1.ok) {
      assert.equal(r1.error.code, 'bad-input');
      assert.match(r1.error.message, /^bad\.json: \$\.memblock\[1\]\.end: 0x5f0e0001 is not 4 KiB aligned/);
    }
    const r2 = await api.call('analyze', {
      text: '{\n  "name": "x",\n  oops }',
      variant: 'upstream',
      source: 'broken.json',
    });
    assert.equal(r2.ok, false);
    if (!r2.ok) assert.match(r2.error.message, /^broken\.json: malformed JSON at line 3, column \d+/);
    const r3 = await api.call('analyze', { text: '{"name": "x"}', variant: 'upstream' });
    assert.equal(r3.ok, false);
    if (!r3.ok) assert.match(r3.error.message, /\$\.memblock: missing/);
  } finally {
    await api.close();
  }
});

test('listSamples and loadSample serve resources/hosts; loadSample refuses names that leave the folder', async () => {
  const api = createLabApi({ samplesDir: SAMPLES_DIR, inProcess: true });
  try {
    const list = (await api.call('listSamples', {})) as ApiEnvelope<SampleInfo[]>;
    assert.ok(list.ok);
    const files = readdirSync(SAMPLES_DIR)
      .filter((f) => f.endsWith('.json'))
      .map((f) => f.slice(0, -5))
      .sort();
    assert.deepEqual(
      list.value.map((s) => s.name),
      files,
    );
    assert.ok(
      list.value.every((s) => s.description.length > 0),
      'every sample describes itself',
    );
    const one = (await api.call('loadSample', { name: files[0] })) as ApiEnvelope<SampleText>;
    assert.ok(one.ok);
    assert.equal(JSON.parse(one.value.hostJson).name, files[0]);
    for (const name of ['../package', 'a/b', '..']) {
      const r = await api.call('loadSample', { name });
      assert.equal(r.ok, false, name);
      if (!r.ok) assert.match(r.error.message, /is not a sample name/);
    }
    const missing = await api.call('loadSample', { name: 'no-such-host' });
    assert.equal(missing.ok, false);
    if (!missing.ok) {
      assert.equal(missing.error.code, 'not-found');
      assert.match(missing.error.message, new RegExp(`samples: .*${files[0]}`));
    }
  } finally {
    await api.close();
  }
});

test("analyze through the worker pool returns the engine's Outcome for every sample", async () => {
  const api = createLabApi({ samplesDir: SAMPLES_DIR, workers: 1 });
  const events: string[] = [];
  try {
    for (const f of readdirSync(SAMPLES_DIR).filter((x) => x.endsWith('.json'))) {
      const { text, host } = loadHostText(join(SAMPLES_DIR, f));
      for (const variant of ['upstream', 'cmr-holes'] as const) {
        const r = (await api.call('analyze', { text, variant, source: f }, (e) =>
          events.push(e.phase),
        )) as ApiEnvelope<AnalysisResult>;
        assert.ok(r.ok, `${f}: ${!r.ok && r.error.message}`);
        const want = analyzeHost(host, variant);
        assert.deepEqual(
          r.value.outcome,
          JSON.parse(JSON.stringify(want)),
          `${f} ${variant}: the pool gives what the engine gives`,
        );
        assert.equal(r.value.outcome.plan?.tdmrs.length, expectedCounts(host, variant).tdmrs);
      }
    }
    assert.deepEqual(events.slice(0, 2), ['analyze', 'done']);
  } finally {
    await api.close();
  }
});

test('the CXL sample fails in TDH.SYS.CONFIG on the TDMR covering the CXL memory', async () => {
  const api = createLabApi({ samplesDir: SAMPLES_DIR, inProcess: true });
  try {
    const s = (await api.call('loadSample', { name: '2s-server-512g-cxl-before-init' })) as ApiEnvelope<SampleText>;
    assert.ok(s.ok);
    const r = (await api.call('analyze', {
      text: s.value.hostJson,
      variant: 'upstream',
    })) as ApiEnvelope<AnalysisResult>;
    assert.ok(r.ok);
    const { plan, verdict, host } = r.value.outcome;
    assert.equal(plan?.ok, true, 'the kernel side succeeds');
    assert.equal(verdict.ok, false);
    assert.equal(verdict.stage, 'config');
    assert.equal(verdict.errno, '-EIO');
    const f = verdict.failedTdmr!;
    assert.equal(f.by, 'module');
    const cxl = host.devices![0];
    assert.ok(f.base < cxl.end && f.end > cxl.start, 'the rejected TDMR covers the CXL range');
  } finally {
    await api.close();
  }
});

test('device memory onlined after a successful init is refused block by block', async () => {
  const api = createLabApi({ samplesDir: SAMPLES_DIR, inProcess: true });
  try {
    const { text, host } = loadHostText(join(APP_FIXTURES, 'cxl-after-init.json'));
    const r = (await api.call('analyze', { text, variant: 'upstream' })) as ApiEnvelope<AnalysisResult>;
    assert.ok(r.ok);
    const o = r.value.outcome;
    assert.equal(o.verdict.ok, true);
    assert.equal(o.verdict.level, 'warning', 'initialized, with memory that can never be onlined');
    const d = host.devices![0];
    const refused = o.memoryBlocks.filter((b) => b.state === 'refused');
    assert.equal(
      refused.reduce((n, b) => n + b.end - b.start, 0),
      d.end - d.start,
    );
    assert.ok(o.findings.some((x) => x.id === 'blocks-refused'));
  } finally {
    await api.close();
  }
});

test('without a store, session methods say clearly that none is open', async () => {
  const api = createLabApi({ samplesDir: SAMPLES_DIR, inProcess: true });
  try {
    const r = await api.call('listSessions', {});
    assert.equal(r.ok, false);
    if (!r.ok) {
      assert.equal(r.error.code, 'unavailable');
      assert.match(r.error.message, /no lab store is configured/);
    }
  } finally {
    await api.close();
  }
});

test('importArtifacts builds a host from recorded artifacts that analyze then accepts', async () => {
  const api = createLabApi({ samplesDir: SAMPLES_DIR, inProcess: true });
  try {
    const dir = join(FIXTURES, 'import');
    const files = ['host-a-dmesg.txt', 'host-a-iomem.txt'].map((f) => ({
      name: f,
      text: readFileSync(join(dir, f), 'utf8'),
    }));
    const r = (await api.call('importArtifacts', { files })) as ApiEnvelope<ImportedHost>;
    assert.ok(r.ok, !r.ok ? r.error.message : '');
    assert.ok(r.value.assumptions.length > 0, 'the importer says what it assumed');
    const plan = (await api.call('analyze', {
      text: r.value.hostJson,
      variant: 'upstream',
      source: 'imported',
    })) as ApiEnvelope<AnalysisResult>;
    assert.ok(plan.ok, !plan.ok ? plan.error.message : '');
    assert.equal(plan.value.outcome.host.name, r.value.hostName);
    const junk = await api.call('importArtifacts', {
      files: [{ name: 'notes.txt', text: readFileSync(join(dir, 'not-an-artifact.txt'), 'utf8') }],
    });
    assert.equal(junk.ok, false);
    if (!junk.ok) {
      assert.equal(junk.error.code, 'bad-input');
      assert.match(junk.error.message, /notes\.txt/);
    }
  } finally {
    await api.close();
  }
});

test("importArtifacts of a dmesg alone (#415) is no dead end: analyze on the boot's own kernel explains what was printed", async () => {
  const api = createLabApi({ samplesDir: SAMPLES_DIR, inProcess: true });
  try {
    const name = 'canonical-tdx-415-gnr-reserved-exhausted.txt';
    const files = [{ name, text: readFileSync(join(FIXTURES, 'real-hosts', name), 'utf8') }];
    const r = (await api.call('importArtifacts', { files })) as ApiEnvelope<ImportedHost>;
    assert.ok(r.ok, !r.ok ? r.error.message : '');
    assert.match(r.value.layoutMissing ?? '', /no memory layout/);
    const a = (await api.call('analyze', {
      text: r.value.hostJson,
      variant: 'cmr-holes',
      source: name,
      kernelGiven: false,
    })) as ApiEnvelope<AnalysisResult>;
    assert.ok(a.ok, !a.ok ? a.error.message : '');
    const o = a.value.outcome;
    assert.equal(o.verdict.basis, 'observed');
    // kernelGiven false: the boot's own release (6.14.0-1009-intel) picks the profile, not the app's selector.
    assert.equal(o.subject.kernel, 'upstream');
    assert.equal(o.recorded?.boots[0].evidence.decoded?.errno?.value, -28);
  } finally {
    await api.close();
  }
});

for (const mode of ['direct', 'worker'] as const)
  test(`session methods read the lab store (${mode}): sessions, their runs, and a run that reopens as recorded`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tdx-lab-app-'));
    const dbPath = join(dir, 'lab.db');
    const { host } = loadHostText(join(APP_FIXTURES, 'cxl-after-init.json'));
    const store = openLabStore(dbPath);
    const outcome = analyzeHost(host, 'cmr-holes');
    const rec = recordRun(store, 'bring-up', { kind: 'plan', host, variant: 'cmr-holes', outcome, label: 'first try' });
    // A run recorded the old way (no Outcome kept): it is analysed again from its stored host, and says so.
    const old = recordRun(store, 'bring-up', {
      kind: 'plan',
      host,
      variant: 'upstream',
      plan: planTdmrs(host),
      label: 'old',
    });
    store.close();
    const api = createLabApi({ samplesDir: SAMPLES_DIR, inProcess: true, storePath: dbPath, store: { mode } });
    try {
      const sessions = (await api.call('listSessions', {})) as ApiEnvelope<SessionInfo[]>;
      assert.ok(sessions.ok, !sessions.ok ? sessions.error.message : '');
      assert.deepEqual(
        sessions.value.map((s) => [s.name, s.runCount]),
        [['bring-up', 2]],
      );
      const sid = sessions.value[0].id;
      assert.equal(sid, String(rec.sessionId));
      const one = (await api.call('getSession', { id: 'bring-up' })) as ApiEnvelope<SessionInfo>;
      assert.ok(one.ok);
      assert.equal(one.value.id, sid);
      const runs = (await api.call('listRuns', { sessionId: sid })) as ApiEnvelope<RunInfo[]>;
      assert.ok(runs.ok);
      assert.deepEqual(
        runs.value.map((r) => [r.id, r.name, r.kind, r.hostName]),
        [
          [String(rec.run.id), 'first try', 'plan', host.name],
          [String(old.run.id), 'old', 'plan', host.name],
        ],
      );
      const run = (await api.call('getRun', { id: runs.value[0].id })) as ApiEnvelope<RunDetail>;
      assert.ok(run.ok);
      assert.equal(run.value.variant, 'cmr-holes');
      assert.deepEqual(
        run.value.outcome,
        JSON.parse(JSON.stringify(outcome)),
        'the run opens with the Outcome it was recorded with',
      );
      assert.equal(run.value.outcomeNote, null);
      const oldRun = (await api.call('getRun', { id: String(old.run.id) })) as ApiEnvelope<RunDetail>;
      assert.ok(oldRun.ok);
      assert.equal(oldRun.value.outcome?.subject.kernel, 'upstream');
      assert.match(
        oldRun.value.outcomeNote ?? '',
        /before runs kept their outcome: analysed again now from its stored host/,
      );
      const md = (await api.call('renderReport', { runId: String(rec.run.id), format: 'md' })) as ApiEnvelope<{
        text?: string;
      }>;
      assert.ok(md.ok, !md.ok ? md.error.message : '');
      assert.match(md.value.text ?? '', /bring-up/, 'the report of a stored run names its session');
      const missing = await api.call('getRun', { id: '999' });
      assert.ok(!missing.ok && missing.error.code === 'not-found' && /no run 999/.test(missing.error.message));
      const badId = await api.call('getRun', { id: 'x' });
      assert.ok(!badId.ok && /getRun: argument \$\.id: "x" is not a run number/.test(badId.error.message));
      const noSession = await api.call('listRuns', { sessionId: 'nope' });
      assert.ok(!noSession.ok && /nope/.test(noSession.error.message));
    } finally {
      await api.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

test('analyze plays a scenario in the worker pool; a bad one names its JSON path', async () => {
  const api = createLabApi({ samplesDir: SAMPLES_DIR, workers: 1 });
  try {
    const file = join(PROJECT_ROOT, 'resources', 'scenarios', 'cxl-hot-added-after-init.json');
    const text = readFileSync(file, 'utf8');
    const parsed = parseScenario(JSON.parse(text));
    assert.ok(parsed.ok);
    const r = (await api.call('analyze', {
      text,
      variant: 'upstream',
      source: 'after.json',
    })) as ApiEnvelope<AnalysisResult>;
    assert.ok(r.ok, !r.ok ? r.error.message : '');
    assert.deepEqual(
      r.value.outcome,
      JSON.parse(JSON.stringify(analyzeScenario(parsed.value))),
      'the pool gives what the engine gives',
    );
    const bad = await api.call('analyze', {
      text: '{"name": 1, "host": {}, "events": []}',
      variant: 'upstream',
      source: 'bad.json',
    });
    assert.equal(bad.ok, false);
    if (!bad.ok) assert.match(bad.error.message, /^bad\.json: \$/);
  } finally {
    await api.close();
  }
});
