/**
 * Issue 14: a recorded host is a first-class subject. Every real-host log in
 * the fixtures gets an Outcome whose evidence sets each printed item beside
 * the prediction (agree / disagree / cannot check, always with a reason);
 * logs with a layout reproduce the printed PAMT; a dmesg alone is explained
 * from what it printed, and reports in every text format.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FIXTURES } from '../helpers/golden.js';
import { importFiles } from '../../main/import/import-files.js';
import { recordedHostFromJson } from '../../main/node/recorded-file.js';
import { analyzeRecordedHost } from '../../engine/outcome/analyze.js';
import type { Outcome } from '../../engine/outcome/types.js';
import { tdxLab } from '../import/run-cli.js';

const DIR = join(FIXTURES, 'real-hosts');
const f = (name: string) => join(DIR, name);
const LOGS = readdirSync(DIR).filter((n) => n.endsWith('.txt'));

async function outcomeOf(...names: string[]): Promise<Outcome> {
  const files = names.map(f);
  const { doc } = await importFiles(files);
  return analyzeRecordedHost(recordedHostFromJson(files.join(' + '), doc));
}

const VERDICTS = new Set(['agree', 'disagree', 'cannot-check']);

for (const name of LOGS) {
  test(`${name}: an outcome whose every printed item is agree / disagree / cannot check with a reason`, async () => {
    const o = await outcomeOf(name);
    const r = o.recorded;
    assert.ok(r, 'a recorded host carries its evidence');
    assert.ok(VERDICTS.has(r.verdict));
    assert.ok(r.reason.length > 10, r.reason);
    for (const b of r.boots) {
      assert.ok(VERDICTS.has(b.evidence.verdict));
      assert.ok(b.evidence.items.length > 0, 'each boot is checked item by item');
      for (const i of b.evidence.items) {
        assert.ok(VERDICTS.has(i.verdict), `${i.id}: ${i.verdict}`);
        assert.ok(i.printed.length > 0 && i.predicted.length > 0, i.id);
        assert.ok(i.reason.length > 5, `${name} ${i.id}: a reason, not an empty cell`);
      }
      // Each boot's kernel profile comes from its own release (a guess is marked assumed, never shown as observed).
      if (b.observed.kernel) assert.ok(b.evidence.variantReason.includes(b.observed.kernel), b.evidence.variantReason);
      if (b.observed.variant_known === false) assert.equal(b.evidence.variantBasis, 'assumed');
    }
    // No assumption shown as a fact: every fact says its basis, and an observed one says where.
    for (const fact of r.facts) {
      assert.ok(['observed', 'assumed', 'recorded'].includes(fact.basis), `${fact.id}: ${fact.basis}`);
      if (fact.basis === 'observed') assert.ok(fact.source, `${fact.id} says where it was observed`);
      else assert.ok(fact.why, `${fact.id} says why it was assumed`);
    }
    assert.ok(r.readiness.checks.length > 0, 'the readiness checklist comes from the facts there are');
  });
}

// What each log's boots give today (the `check` verdicts of tests/import/real-hosts.test.ts, per boot).
const PAMT_AGREES: { name: string; boot: number; kb: number }[] = [
  { name: 'canonical-tdx-285-spr-8480c-256g.txt', boot: 0, kb: 1050636 },
  { name: 'canonical-tdx-275-spr-8480c-512g.txt', boot: 0, kb: 2101268 },
  { name: 'canonical-tdx-135-emr-fox-creek-pass.txt', boot: 1, kb: 1050644 },
];

for (const p of PAMT_AGREES) {
  test(`${p.name}: the printed PAMT (${p.kb} KB) is reproduced`, async () => {
    const o = await outcomeOf(p.name);
    const item = o.recorded!.boots[p.boot].evidence.items.find((i) => i.id === 'pamt');
    assert.ok(item, 'a PAMT item');
    assert.equal(item.verdict, 'agree', item.reason);
    assert.match(item.printed, new RegExp(String(p.kb)));
    assert.match(item.predicted, new RegExp(String(p.kb)));
  });
}

test('135: both boots, each on its own kernel: upstream fails (disagree, with why), cmr-holes initializes with 1050644 KB', async () => {
  const o = await outcomeOf('canonical-tdx-135-emr-fox-creek-pass.txt');
  const [a, b] = o.recorded!.boots.map((x) => x.evidence);
  assert.deepEqual(
    [a.kernel, a.variant, b.kernel, b.variant],
    ['6.8.0-1004-intel', 'upstream', '6.8.0-1006-intel', 'cmr-holes'],
  );
  assert.equal(a.verdict, 'disagree');
  assert.equal(b.verdict, 'agree');
  assert.equal(o.recorded!.verdict, 'disagree');
  const outcome = a.items.find((i) => i.id === 'outcome')!;
  assert.equal(outcome.verdict, 'disagree');
  // The concrete reason: the holes of the first boot are not in the log.
  assert.ok(a.reason.length > 20, a.reason);
});

test('intel/tdx-linux #5: the TDMR count disagrees and the reason names the node boundary the log does not show', async () => {
  const o = await outcomeOf('intel-tdx-linux-5-rocky-6.6.txt');
  const e = o.recorded!.boots[0].evidence;
  assert.equal(e.verdict, 'disagree');
  const all = [e.reason, ...e.items.map((i) => i.reason)].join(' ');
  assert.match(all, /node/i);
  assert.ok(
    e.assumed.some((a) => /NUMA nodes: 1 \(assumed: /.test(a)),
    `the NUMA assumption is marked where it is used: ${e.assumed.join(' | ')}`,
  );
});

test('#415 dmesg only: the verdict is what was printed (observed), the failure decoded with the fixing kernels', async () => {
  const o = await outcomeOf('canonical-tdx-415-gnr-reserved-exhausted.txt');
  assert.equal(o.verdict.basis, 'observed');
  assert.equal(o.verdict.ok, false);
  assert.match(o.verdict.headline, /reserved areas exhausted/);
  const d = o.recorded!.boots[0].evidence.decoded!;
  assert.equal(d.errno?.name, '-ENOSPC');
  assert.ok(
    d.fixedBy.some((k) => k.profile === 'cmr-holes'),
    'the profile table names the kernels that fix it',
  );
  assert.deepEqual(
    o.recorded!.needs.map((n) => n.artifact),
    ['/proc/iomem', 'the boot-time e820 lines of dmesg', 'lsmem'],
  );
  assert.equal(o.recorded!.readiness.checks.find((c) => c.id === 'module-init')?.status, 'problem');
  for (const i of o.recorded!.boots[0].evidence.items) assert.equal(i.verdict, 'cannot-check');
});

test('#83 dmesg only: TDH.SYS.RD status and field 0x9100000100000008 decoded from the tables', async () => {
  const o = await outcomeOf('canonical-tdx-83-spr-sys-rd-fail.txt');
  assert.equal(o.verdict.basis, 'observed');
  const d = o.recorded!.boots[0].evidence.decoded!;
  assert.ok(d.statuses.length > 0);
  assert.equal(d.statuses[0].status, '0xc000050500000000');
  assert.match(d.statuses[0].leafName, /TDH\.SYS\.RD/);
  assert.ok(d.field, 'the metadata field is decoded');
  assert.equal(d.field.id, '0x9100000100000008');
  assert.ok(d.field.name, 'the lab knows the field');
  assert.equal(d.errno?.value, -5);
});

test('not enabled by BIOS, dmesg only: observed verdict, and the checklist names the SEAM range', async () => {
  const o = await outcomeOf('intel-td-partitioning-1-not-enabled-by-bios.txt');
  assert.equal(o.verdict.basis, 'observed');
  assert.equal(o.verdict.ok, false);
  assert.equal(o.recorded!.readiness.verdict, 'not-ready');
  const seam = o.recorded!.readiness.checks.find((c) => c.id === 'seamrr')!;
  assert.equal(seam.status, 'problem');
  assert.ok(seam.where.length > 0, 'where the setting is changed');
});

for (const name of [
  'canonical-tdx-415-gnr-reserved-exhausted.txt',
  'canonical-tdx-83-spr-sys-rd-fail.txt',
  'intel-td-partitioning-1-not-enabled-by-bios.txt',
]) {
  test(`${name}: import, then report in md, json, html and svg; the Markdown starts with the evidence`, () => {
    const tmp = mkdtempSync(join(tmpdir(), 'tdx-evidence-'));
    try {
      const host = join(tmp, 'host.json');
      const imp = tdxLab(['import', f(name), '--out', host]);
      assert.equal(imp.status, 0, imp.stderr);
      for (const ext of ['md', 'json', 'html', 'svg']) {
        const out = join(tmp, `r.${ext}`);
        const r = tdxLab(['report', host, '--out', out]);
        assert.equal(r.status, 0, `${ext}: ${r.stderr}`);
        assert.ok(readFileSync(out).length > 500, ext);
      }
      const md = readFileSync(join(tmp, 'r.md'), 'utf8');
      const sections = [...md.matchAll(/^## (.*)$/gm)].map((m) => m[1]);
      assert.match(sections[0], /^Evidence/, sections.join(' | '));
      assert.ok(
        sections.some((s) => /Readiness/i.test(s)),
        sections.join(' | '),
      );
      assert.doesNotMatch(md, /\$\.memblock/);
      const json = JSON.parse(readFileSync(join(tmp, 'r.json'), 'utf8'));
      assert.ok(json.recorded ?? json.outcome?.recorded, 'the JSON report carries the evidence');
      const html = readFileSync(join(tmp, 'r.html'), 'utf8');
      assert.match(html, /printed/);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });
}

for (const name of [
  'canonical-tdx-415-gnr-reserved-exhausted.txt',
  'canonical-tdx-83-spr-sys-rd-fail.txt',
  'intel-td-partitioning-1-not-enabled-by-bios.txt',
]) {
  test(`${name}: the PNG and PDF reports render too (Chromium)`, () => {
    const tmp = mkdtempSync(join(tmpdir(), 'tdx-evidence-'));
    try {
      const host = join(tmp, 'host.json');
      assert.equal(tdxLab(['import', f(name), '--out', host]).status, 0);
      for (const [ext, magic] of [
        ['png', '\x89PNG'],
        ['pdf', '%PDF'],
      ]) {
        const out = join(tmp, `r.${ext}`);
        const r = tdxLab(['report', host, '--out', out]);
        assert.equal(r.status, 0, `${ext}: ${r.stderr}`);
        assert.equal(readFileSync(out).subarray(0, 4).toString('latin1'), magic, ext);
      }
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });
}

test('#135 (a layout): the report starts with the evidence and marks every emulated section emulated', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'tdx-evidence-'));
  try {
    const host = join(tmp, 'host.json');
    assert.equal(tdxLab(['import', f('canonical-tdx-135-emr-fox-creek-pass.txt'), '--out', host]).status, 0);
    for (const ext of ['md', 'html']) assert.equal(tdxLab(['report', host, '--out', join(tmp, `r.${ext}`)]).status, 0);
    const md = [...readFileSync(join(tmp, 'r.md'), 'utf8').matchAll(/^## (.*)$/gm)].map((m) => m[1]);
    const html = [...readFileSync(join(tmp, 'r.html'), 'utf8').matchAll(/<h2[^>]*>([^<]*)<\/h2>/g)]
      .map((m) => m[1])
      .filter((h) => h !== 'Contents');
    for (const [face, sections] of [
      ['md', md],
      ['html', html],
    ] as const) {
      assert.match(sections[0], /^Evidence/, `${face}: ${sections.join(' | ')}`);
      const log = sections.find((s) => /log/i.test(s));
      assert.ok(
        log && /\(emulated\)/.test(log),
        `${face}: the log section is labelled emulated: ${sections.join(' | ')}`,
      );
      assert.ok(sections.some((s) => /^Findings/.test(s)));
      assert.ok(sections.some((s) => /^Readiness/.test(s)));
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});
