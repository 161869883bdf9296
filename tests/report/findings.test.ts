/** Findings name the cause in words, for each way the kernel side can fail and for the warnings. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planTdmrs } from '../../engine/kernel/construct.js';
import { contiguousHost } from '../../engine/host/synthetic.js';
import type { Host } from '../../engine/host/types.js';
import { SZ_1G } from '../../engine/format/hex.js';
import { findingsFor } from '../../main/report/findings.js';
import { loadSubject, type ReportSubject } from '../../main/report/subject.js';
import { goldenFile } from './helpers.js';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../helpers/golden.js';

function subject(host: Host): ReportSubject {
  return { file: 'x.json', host, variant: 'upstream', plan: planTdmrs(host, 'upstream') };
}
const titles = (s: ReportSubject) => findingsFor(s).map((f) => `${f.severity}: ${f.title}`);

test('reserved areas exhausted: names the TDMR, how many areas it needs, and what to change', () => {
  const s = loadSubject(goldenFile('rsvd-holes-16'), 'upstream');
  const f = findingsFor(s);
  const e = f.find((x) => x.severity === 'error')!;
  assert.ok(!s.plan.ok && s.plan.stage === 'reserved');
  assert.equal(e.title, `Reserved areas exhausted in TDMR ${s.plan.failedTdmr}`);
  assert.match(e.text, /needs \d+ reserved areas \(\d+ holes, \d+ PAMTs\) but the module allows \d+ per TDMR/);
  assert.match(e.text, /MAX_RESERVED_PER_TDMR/);
  assert.ok(!f.some((x) => x.severity === 'ok'));
});

test('TDMRs exhausted: says how many are needed against the module limit', () => {
  const s = loadSubject(goldenFile('tdmrs-65'), 'upstream');
  const e = findingsFor(s).find((x) => x.severity === 'error')!;
  assert.match(e.title, /^TDMRs exhausted: 65 needed, the module allows 64$/);
});

test('PAMT allocation failure (-ENOMEM) when reserved ranges leave no contiguous free memory', () => {
  const host = contiguousHost({ regions: 4, regionSize: 4 * SZ_1G, nodes: 1, maxTdmrs: 64, maxReservedPerTdmr: 16 });
  host.reserved = [{ start: host.memblock[0].start, end: host.memblock[3].end, what: 'everything' }];
  const s = subject(host);
  assert.ok(!s.plan.ok && s.plan.stage === 'pamt');
  assert.ok(titles(s).includes('error: PAMT allocation failed for TDMR 0 (-ENOMEM)'), titles(s).join('\n'));
});

test('TDX memory outside the CMRs: "TDMR outside CMRs" with the exact range', () => {
  const host = contiguousHost({ regions: 4, regionSize: SZ_1G, nodes: 1, maxTdmrs: 64, maxReservedPerTdmr: 16 });
  host.cmrs = [{ base: host.memblock[0].start, size: 3 * SZ_1G }];
  const f = findingsFor(subject(host));
  const e = f.find((x) => x.title.startsWith('TDMR outside CMRs'))!;
  assert.equal(e.severity, 'error');
  assert.match(
    e.text,
    /1 GiB of TDX memory in 1 range lies outside every CMR, first \[0x1c0000000, 0x200000000\) \(1 GiB\)/,
  );
});

test('a TDMR close to the reserved-area limit is a warning; success reports PAMT cost per node', () => {
  const s = loadSubject(goldenFile('rsvd-holes-14'), 'upstream');
  assert.ok(s.plan.ok);
  const t = titles(s);
  assert.ok(
    t.some((x) => /^warning: TDMR \d+ is close to the reserved-area limit \(\d+ of 16\)$/.test(x)),
    t.join('\n'),
  );
  assert.ok(t.some((x) => /^info: PAMT costs \d/.test(x)));
  assert.equal(t[0], 'ok: TDX initializes');
});

test('a CXL device hot-added before init but outside the CMRs: TDMR outside CMRs, and the module agrees', () => {
  const s = loadSubject(join(PROJECT_ROOT, 'resources', 'hosts', '2s-server-512g-cxl-before-init.json'), 'upstream');
  const t = titles(s);
  assert.ok(t.includes('error: TDMR outside CMRs: memory not convertible'), t.join('\n'));
  assert.ok(
    t.some((x) => /^error: CXL device .*: in TDX memory but outside the CMRs$/.test(x)),
    t.join('\n'),
  );
  const dev = findingsFor(s).find((f) => f.title.startsWith('CXL device'))!;
  assert.match(dev.text, /NOT inside any CMR/);
  assert.ok(t.includes('error: TDX module initialization fails at config: TDX_TDMR_OUTSIDE_CMRS'), t.join('\n'));
});

test('a CXL device not in memblock would be refused when onlined after init', () => {
  const host = contiguousHost({ regions: 4, regionSize: SZ_1G, nodes: 1, maxTdmrs: 64, maxReservedPerTdmr: 16 });
  host.devices = [{ name: 'cxl9', kind: 'cxl', start: 64 * SZ_1G, end: 80 * SZ_1G, nid: 1 }];
  const f = findingsFor(subject(host)).find((x) => x.title.includes('cxl9'))!;
  assert.equal(f.title, 'CXL device cxl9: not TDX memory');
  assert.match(f.text, /memory notifier refuses every block/);
});
