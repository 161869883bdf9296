/**
 * A report too big for its memory budget is refused up front (main/report/limits.ts):
 * exit 2 and one line naming the input, its regions, the limit and what to
 * use instead — never an out-of-memory abort (exit 134) or exit 70. The same
 * line from the app's renderReport (ApiError bad-input), for text and stored runs.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLabApi } from '../../main/api/lab-api.js';
import type { ApiEnvelope } from '../../main/common/api-contract.js';
import type { ReportFile } from '../../main/common/report-contract.js';
import { MAX_REPORT_REGIONS, REPORT_REGIONS_ENV } from '../../main/report/limits.js';
import { writeBigHostFile } from '../helpers/big-host-file.js';
import { runReportCli } from './helpers.js';

const tmp = mkdtempSync(join(tmpdir(), 'report-limits-'));
test.after(() => rmSync(tmp, { recursive: true, force: true }));

const en = (n: number) => n.toLocaleString('en-US');
const budget = (input: string, regions: number, limit: number, instead: string) =>
  `tdx-lab: report: ${input}: ${en(regions)} memblock regions is more than the ${en(limit)} a report can lay out within its 2 GiB memory budget; ${instead}, or set ${REPORT_REGIONS_ENV} on a machine with more memory`;

/** Runs the CLI and requires exit 2 with exactly one line on stderr, nothing on stdout. */
function refused(args: string[], env: NodeJS.ProcessEnv = {}): string {
  const r = runReportCli(args, { env });
  assert.equal(r.status, 2, `tdx-lab ${args.join(' ')}: exit ${r.status}: ${r.stderr.slice(0, 2000)}`);
  assert.equal(r.stdout, '');
  const lines = r.stderr.trimEnd().split('\n');
  assert.equal(lines.length, 1, r.stderr.slice(0, 2000));
  return lines[0];
}

test('report on a 5,000,000-region host: exit 2 with one line naming its size and the limit, no file written', () => {
  const file = join(tmp, 'big.json');
  const out = join(tmp, 'big.html');
  try {
    // 4 KiB regions from 1 MiB: about 250 MB, under the host file size limit, so the region count is what refuses it.
    writeBigHostFile(file, { regions: 5_000_000, regionSize: 4096, start: 0x100000 });
    const line = refused(['report', file, '--out', out]);
    assert.equal(
      line,
      budget(file, 5_000_000, MAX_REPORT_REGIONS, `plan it with \`tdx-lab plan ${file}\` (or plan --json) instead`),
    );
    assert.equal(existsSync(out), false);
  } finally {
    rmSync(file, { force: true });
  }
});

test('the limit applies to every format, to golden cases, scenarios (hostFile too) and both sides of --compare', () => {
  const env = { [REPORT_REGIONS_ENV]: '10' };
  const host = join(tmp, 'h11.json');
  writeBigHostFile(host, { regions: 11, regionSize: 2 ** 30 });
  const plan = `plan it with \`tdx-lab plan ${host}\` (or plan --json) instead`;
  for (const ext of ['html', 'svg', 'md', 'json', 'pdf', 'png'])
    assert.equal(refused(['report', host, '--out', join(tmp, `h11.${ext}`)], env), budget(host, 11, 10, plan));
  // At the limit it is laid out.
  const r = runReportCli(['report', host, '--out', join(tmp, 'h11.md')], { env: { [REPORT_REGIONS_ENV]: '11' } });
  assert.equal(r.status, 0, r.stderr);

  const hostJson = JSON.parse(readFileSync(host, 'utf8'));
  const golden = join(tmp, 'case.json');
  writeFileSync(golden, JSON.stringify({ name: 'c', input: hostJson, expected: {} }));
  assert.equal(
    refused(['report', golden, '--out', join(tmp, 'c.html')], env),
    budget(golden, 11, 10, `plan it with \`tdx-lab plan ${golden}\` (or plan --json) instead`),
  );

  const inline = join(tmp, 'scenario.json');
  writeFileSync(
    inline,
    JSON.stringify({ name: 's', kernel: 'upstream', host: hostJson, events: [{ t: 0, op: 'init' }] }),
  );
  const byFile = join(tmp, 'scenario-file.json');
  writeFileSync(byFile, JSON.stringify({ name: 's', kernel: 'upstream', hostFile: 'h11.json', events: [] }));
  for (const s of [inline, byFile])
    assert.equal(
      refused(['report', s, '--out', join(tmp, 's.html')], env),
      budget(s, 11, 10, `play it with \`tdx-lab simulate ${s}\` instead`),
    );

  const six = join(tmp, 'h6.json');
  writeBigHostFile(six, { regions: 6, regionSize: 2 ** 30 });
  assert.equal(
    refused(['report', six, '--compare', six, '--out', join(tmp, 'ab.html')], env),
    budget(`${six} and ${six}`, 12, 10, 'compare them with `tdx-lab plan` instead'),
  );
});

test('a stored run over the limit is refused the same way; a bad limit setting is one line too', () => {
  const db = join(tmp, 'lab.db');
  const host = join(tmp, 'stored.json');
  writeBigHostFile(host, { regions: 11, regionSize: 2 ** 30 });
  const rec = runReportCli(['plan', host, '--session', 's', '--db', db]);
  const id = Number(/recorded run #(\d+)/.exec(rec.stderr)?.[1]);
  assert.ok(id > 0, rec.stderr);
  assert.equal(
    refused(['report', '--session', 's', '--run', String(id), '--db', db, '--out', join(tmp, 'run.html')], {
      [REPORT_REGIONS_ENV]: '10',
    }),
    budget(`run #${id}`, 11, 10, 'see its figures with `tdx-lab session show` instead'),
  );
  assert.equal(
    refused(['report', host, '--out', join(tmp, 'x.html')], { [REPORT_REGIONS_ENV]: 'lots' }),
    `tdx-lab: ${REPORT_REGIONS_ENV}: expected a whole number of regions, got "lots"`,
  );
});

test("the app's renderReport gives the CLI's refusal as a bad-input error, for text and for a stored run", async () => {
  const host = join(tmp, 'app.json');
  writeBigHostFile(host, { regions: 11, regionSize: 2 ** 30 });
  const db = join(tmp, 'app.db');
  const rec = runReportCli(['plan', host, '--session', 's', '--db', db]);
  const id = /recorded run #(\d+)/.exec(rec.stderr)?.[1];
  assert.ok(id, rec.stderr);
  const saved = process.env[REPORT_REGIONS_ENV];
  process.env[REPORT_REGIONS_ENV] = '10';
  const api = createLabApi({ inProcess: true, storePath: db });
  try {
    const call = async (a: unknown) => (await api.call('renderReport', a)) as ApiEnvelope<ReportFile>;
    const text = await call({
      text: readFileSync(host, 'utf8'),
      variant: 'upstream',
      source: 'app.json',
      format: 'html',
    });
    assert.ok(!text.ok);
    assert.equal(text.error.code, 'bad-input');
    const cli = refused(['report', host, '--out', join(tmp, 'app.html')], { [REPORT_REGIONS_ENV]: '10' });
    assert.equal(`tdx-lab: ${text.error.message}`, cli.replaceAll(host, 'app.json'));
    const run = await call({ runId: id, format: 'json' });
    assert.ok(!run.ok);
    assert.equal(run.error.code, 'bad-input');
    assert.equal(
      run.error.message,
      budget(`run #${id}`, 11, 10, 'see its figures with `tdx-lab session show` instead').replace('tdx-lab: ', ''),
    );
  } finally {
    await api.close();
    if (saved === undefined) delete process.env[REPORT_REGIONS_ENV];
    else process.env[REPORT_REGIONS_ENV] = saved;
  }
});
