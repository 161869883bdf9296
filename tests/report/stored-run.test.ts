/** `tdx-lab report --session NAME --run ID`: a stored run reports the Outcome it was recorded with. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import { tmpdir } from 'node:os';
import { runReportCli, sampleHosts, sampleScenarios } from './helpers.js';

const tmp = mkdtempSync(join(tmpdir(), 'report-stored-'));
const db = join(tmp, 'lab.db');

function ok(args: string[]): string {
  const r = runReportCli(args);
  assert.equal(r.status, 0, `tdx-lab ${args.join(' ')}: ${r.stderr}`);
  return r.stderr;
}

/** Records `host` planned with `kernel` in session s; returns the run id from the CLI's note. */
function recordPlan(host: string, kernel: string): number {
  // plan exits 1 when the kernel fails (the run is still recorded).
  const r = runReportCli(['plan', host, '--kernel', kernel, '--session', 's', '--db', db]);
  assert.ok(r.status === 0 || r.status === 1, r.stderr);
  const m = /recorded run #(\d+)/.exec(r.stderr);
  assert.ok(m, r.stderr);
  return Number(m[1]);
}

/** The report without its provenance section (a stored run's names the run instead of the input's digest). */
function withoutProvenance(html: string): string {
  return html.replace(/<section id="provenance">[\s\S]*?<\/section>/, '');
}

test('report from a stored plan run: the same report as from the host file, provenance naming the run', () => {
  const cases: [string, string][] = [
    [sampleHosts()[0], 'upstream'],
    [sampleHosts()[1], 'cmr-holes'],
    [sampleHosts().find((h) => basename(h) === 'rsvd-holes-16.json')!, 'upstream'], // a failing plan
  ];
  for (const [host, kernel] of cases) {
    const id = recordPlan(host, kernel);
    for (const ext of ['html', 'svg']) {
      const fromFile = join(tmp, `file-${id}.${ext}`);
      const fromRun = join(tmp, `run-${id}.${ext}`);
      ok(['report', host, '--kernel', kernel, '--out', fromFile]);
      ok(['report', '--session', 's', '--run', String(id), '--db', db, '--out', fromRun]);
      const a = readFileSync(fromRun, 'utf8');
      const b = readFileSync(fromFile, 'utf8');
      if (ext === 'svg') assert.equal(a, b, `${basename(host)} ${kernel} .svg: equal bytes`);
      else {
        assert.equal(withoutProvenance(a), withoutProvenance(b), `${basename(host)} ${kernel}: same report`);
        assert.match(a, new RegExp(`#${id} of session &#39;s&#39;, recorded `));
      }
    }
  }
});

test('report from a stored simulate run: a scenario report with the run outcome', () => {
  const scenario = sampleScenarios().find((f) => basename(f) === 'cxl-hot-added-after-init.json')!;
  const r = runReportCli(['simulate', scenario, '--session', 's', '--db', db]);
  const m = /recorded run #(\d+)/.exec(r.stderr);
  assert.ok(m, r.stderr);
  const out = join(tmp, 'sim.html');
  ok(['report', '--session', 's', '--run', m[1], '--db', db, '--out', out]);
  const html = readFileSync(out, 'utf8');
  assert.match(html, /Scenario report/);
  assert.match(html, /cxl-hot-added-after-init\.json/);
});

test('unknown session or run, or a bad combination: exit 2 with one clear line, no file written', () => {
  recordPlan(sampleHosts()[0], 'upstream');
  const out = join(tmp, 'never.html');
  const cases: [string[], RegExp][] = [
    [['--session', 'nope', '--run', '1', '--db', db], /no session 'nope'/],
    [['--session', 's', '--run', '9999', '--db', db], /session 's' has no run #9999/],
    [['--session', 's', '--run', 'x', '--db', db], /--run x: expected a run id/],
    [['--session', 's', '--db', db], /--session and --run go together/],
    [['--session', 's', '--run', '1', '--db', join(tmp, 'missing.db')], /does not exist yet/],
    [[sampleHosts()[0], '--session', 's', '--run', '1', '--db', db], /either an input file or --session/],
    [[], /give a host or scenario file, or --session NAME --run ID/],
  ];
  for (const [args, re] of cases) {
    const r = runReportCli(['report', ...args, '--out', out]);
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, re);
    assert.equal(r.stderr.trim().split('\n').length, 1, `one line: ${r.stderr}`);
  }
  assert.equal(existsSync(out), false);
  assert.equal(existsSync(join(tmp, 'missing.db')), false, 'a read-only command creates no database');
});
