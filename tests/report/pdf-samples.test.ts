/**
 * Every sample (resources/hosts, resources/scenarios, and a comparison)
 * printed to PDF twice, each run its own `tdx-lab report` process with its
 * own Chromium: the two PDFs are byte-identical, no page holds only the
 * provenance, and a comparison's summary grids never split across pages.
 * Needs Chromium and poppler-utils (pdftotext, pdfinfo); fails, never skips,
 * without them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { dirname, join, basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readFileSync } from 'node:fs';
import { findChromium } from '../../main/report/chromium.js';
import { ARTIFACTS, goldenFile, sampleHosts, sampleScenarios } from './helpers.js';
import { PROJECT_ROOT } from '../helpers/golden.js';

const CLI_ENTRY = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'main', 'cli', 'index.js');

function chromiumPath(): string {
  try {
    return findChromium(process.env.TDX_LAB_CHROMIUM);
  } catch (e) {
    assert.fail(`these tests need headless Chromium: ${(e as Error).message}`);
  }
}

interface Sample {
  name: string;
  args: string[];
}

/** resources/hosts/*.json, resources/scenarios/*.json, and a comparison of a host with a failing golden case. */
function samples(): Sample[] {
  const hosts = sampleHosts().filter((h) => h.includes(join('resources', 'hosts')));
  const out: Sample[] = [
    ...hosts.map((h) => ({ name: `host-${basename(h, '.json')}`, args: [h] })),
    ...sampleScenarios().map((s) => ({ name: `scenario-${basename(s, '.json')}`, args: [s] })),
    { name: 'compare', args: [hosts[0], '--compare', goldenFile('rsvd-holes-16')] },
  ];
  assert.ok(hosts.length >= 4 && out.length >= 14, `samples found: ${out.map((s) => s.name).join(', ')}`);
  return out;
}

/** One `tdx-lab report … --out FILE.pdf` process. */
function reportPdf(args: string[], out: string, chromium: string): Promise<Buffer> {
  const script = `const { runCli } = await import(${JSON.stringify(pathToFileURL(CLI_ENTRY).href)}); process.exitCode = await runCli(process.argv.slice(1));`;
  return new Promise((resolve, reject) => {
    const p = spawn(
      process.execPath,
      ['--input-type=module', '-e', script, 'report', ...args, '--out', out, '--force', '--chromium', chromium],
      { cwd: PROJECT_ROOT, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let err = '';
    p.stderr.on('data', (d: Buffer) => (err += d.toString()));
    p.on('error', reject);
    p.on('close', (code) =>
      code === 0 ? resolve(readFileSync(out)) : reject(new Error(`report ${args.join(' ')}: exit ${code}: ${err}`)),
    );
  });
}

/** Two PDF runs of every sample, two processes at a time (the machine has 2 cores). */
let rendered: Promise<Map<string, { first: Buffer; second: Buffer; file: string }>> | undefined;
function renderAll(): Promise<Map<string, { first: Buffer; second: Buffer; file: string }>> {
  rendered ??= (async () => {
    const chromium = chromiumPath();
    const jobs = samples().flatMap((s) =>
      [1, 2].map((run) => ({ s, run, out: join(ARTIFACTS, `pdf-${s.name}.run${run}.pdf`) })),
    );
    const results = new Map<string, Buffer>();
    let next = 0;
    const worker = async () => {
      while (next < jobs.length) {
        const j = jobs[next++];
        results.set(j.out, await reportPdf(j.s.args, j.out, chromium));
      }
    };
    await Promise.all([worker(), worker()]);
    const out = new Map<string, { first: Buffer; second: Buffer; file: string }>();
    for (const s of samples()) {
      const f1 = join(ARTIFACTS, `pdf-${s.name}.run1.pdf`);
      out.set(s.name, {
        first: results.get(f1)!,
        second: results.get(join(ARTIFACTS, `pdf-${s.name}.run2.pdf`))!,
        file: f1,
      });
    }
    return out;
  })();
  return rendered;
}

/** The text of each page (pdftotext, reading order), poppler's form feed between pages. */
function pages(file: string): string[] {
  const r = spawnSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  assert.equal(r.error, undefined, 'pdftotext (poppler-utils) must be installed');
  assert.equal(r.status, 0, r.stderr);
  const list = r.stdout.split('\f');
  if (list[list.length - 1].trim() === '') list.pop();
  const info = spawnSync('pdfinfo', [file], { encoding: 'utf8' });
  const count = Number(/Pages:\s+(\d+)/.exec(info.stdout)?.[1]);
  assert.equal(list.length, count, `${basename(file)}: one text page per PDF page`);
  return list;
}

const lines = (page: string) =>
  page
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);

test('two PDF runs of every sample give identical bytes', async () => {
  const all = await renderAll();
  const differ = [...all].filter(([, r]) => !r.first.equals(r.second)).map(([n]) => n);
  assert.deepEqual(differ, [], `PDF pairs that differ: ${differ.join(', ')}`);
  for (const [name, r] of all) {
    const text = r.first.toString('latin1');
    assert.equal(text.slice(0, 5), '%PDF-', name);
    assert.match(text, /\/CreationDate \(D:20000101000000/, `${name}: fixed creation date`);
  }
});

test('no PDF page holds only the provenance: it ends the last page, after other content', async () => {
  for (const [name, r] of await renderAll()) {
    const list = pages(r.file);
    const at = list.findIndex((p) => lines(p).includes('Provenance'));
    assert.equal(
      at,
      list.length - 1,
      `${name}: the Provenance heading is on the last page (page ${at + 1} of ${list.length})`,
    );
    const page = lines(list[at]);
    const before = page.slice(0, page.indexOf('Provenance'));
    assert.ok(
      before.length >= 2,
      `${name}: the last page holds more than the provenance (lines before it: ${JSON.stringify(before)})`,
    );
    // The closing line prints with the provenance, never alone on a page.
    assert.ok(
      page.some((l) => l.startsWith('Generated by tdx-lab report')),
      `${name}: the closing line is on the provenance page`,
    );
  }
});

test('a comparison PDF keeps each summary grid on one page, with why B differs', async () => {
  const r = (await renderAll()).get('compare')!;
  const list = pages(r.file);
  const gridRows = [
    'host',
    'kernel',
    'verdict',
    'memblock regions',
    'TDX memory',
    'TDMRs',
    'PAMT',
    'findings',
    'devices',
  ];
  const [a, , b] = samples()
    .find((s) => s.name === 'compare')!
    .args.map((f) => basename(f));
  const gridPage = list.findIndex(
    (p) => p.includes(`A: ${a}`) && p.includes(`B: ${b}`) && lines(p).includes('Comparison'),
  );
  assert.ok(gridPage >= 0, 'the comparison grid is printed');
  const rowStarts = lines(list[gridPage]).map((l) => l.split(/\s{2,}/)[0]);
  for (const row of gridRows) assert.ok(rowStarts.includes(row), `grid row "${row}" is on the grid's page`);
  // Why B differs follows the grid: on its page, or at the top of the next when the grid fills it.
  const why = list.findIndex((p) => lines(p).includes('Why B differs'));
  assert.ok(why === gridPage || why === gridPage + 1, `Why B differs on page ${why + 1}, the grid on ${gridPage + 1}`);
  // Each side's "at a glance" facts grid stays on one page too.
  for (const side of ['A', 'B']) {
    const at = list.findIndex((p) => lines(p).includes(`${side} · Summary`));
    assert.ok(at >= 0, `${side} · Summary printed`);
    for (const k of ['memblock memory at init', 'NUMA nodes', 'CMRs', 'module', 'memory blocks'])
      assert.ok(list[at].includes(k), `${side}: fact "${k}" on the summary's page`);
  }
});
