/**
 * What a document's first answer carries (main/workers/document-session.ts):
 * a big host's Outcome without the lists that grow with it (memblock, TDX
 * memory, SEAMCALLs) and how to reach them (their real lengths, SEAMCALL
 * pages, the key SEAMCALL rows); every host's links and the time of each
 * phase of its open.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DocumentSession, SLIM_ABOVE } from '../../main/workers/document-session.js';
import { contiguousHost } from '../../engine/host/synthetic.js';
import { hostToJson } from '../../engine/format/host-json.js';
import { keySeamcalls } from '../../engine/outcome/log-excerpt.js';
import { outcomeLinks } from '../../engine/outcome/links.js';
import { PROJECT_ROOT } from '../helpers/golden.js';

test('a big host comes slim: no memblock, TDX memory or SEAMCALL lists, their lengths, pages and key rows instead', () => {
  const host = contiguousHost({ regions: SLIM_ABOVE + 5_000, maxTdmrs: 65536, maxReservedPerTdmr: 8192 });
  const phases: string[] = [];
  const s = DocumentSession.open(JSON.stringify(hostToJson(host)), 'big.json', 'upstream', (p) => phases.push(p));
  assert.deepEqual(phases, ['parse', 'analyze', 'map']);
  const full = s.outcome;
  const b = s.brief('d1');
  assert.ok(b.brief, 'slim');
  assert.equal(b.outcome.host.memblock.length, 0);
  assert.equal(b.outcome.plan?.memlist.length, 0);
  assert.equal(b.outcome.seamcalls.length, 0);
  assert.equal(b.brief.omitted.memblock, host.memblock.length);
  assert.equal(b.brief.omitted.seamcalls, full.seamcalls.length);
  assert.ok(full.seamcalls.length > SLIM_ABOVE / 16, `a SEAMCALL per TDMR at least: ${full.seamcalls.length}`);
  assert.deepEqual(b.brief.keySeamcalls, [...keySeamcalls(full)]);
  assert.equal(b.brief.tdmrRows, s.tableRows('tdmrs', 0, 1).total);
  // The verdict and the log are whole; the links are those of the whole Outcome.
  assert.deepEqual(b.outcome.verdict, full.verdict);
  assert.deepEqual(b.outcome.log, full.log);
  assert.deepEqual(b.links, outcomeLinks(full));
  // SEAMCALL pages: every row reachable, the last page short.
  const n = full.seamcalls.length;
  const last = s.tableRows('seamcalls', n - 3, 200);
  assert.equal(last.total, n);
  assert.deepEqual(last.rows, full.seamcalls.slice(n - 3));
  assert.deepEqual(s.tableRows('seamcalls', 0, 2).rows, full.seamcalls.slice(0, 2));
  // Each phase of the open and of the brief, timed.
  assert.deepEqual(
    b.phases.map((p) => p.phase),
    ['parse', 'analyze', 'map', 'links', 'overview'],
  );
  for (const p of b.phases) assert.ok(p.ms >= 0 && Number.isFinite(p.ms), `${p.phase}: ${p.ms}`);
});

test('a small host comes whole, with its links and phases', () => {
  const text = readFileSync(join(PROJECT_ROOT, 'resources', 'hosts', '2s-server-512g-cxl-before-init.json'), 'utf8');
  const s = DocumentSession.open(text, 'cxl.json', 'upstream', () => {});
  const b = s.brief('d2');
  assert.equal(b.brief, null);
  assert.equal(b.outcome, s.outcome);
  assert.ok(b.outcome.seamcalls.length > 0);
  assert.deepEqual(b.links, outcomeLinks(s.outcome));
  assert.ok(
    b.links.seamcalls.some((ids) => ids.includes('tdmr-3')),
    'the failing call is linked to TDMR 3',
  );
  assert.deepEqual(
    b.phases.map((p) => p.phase),
    ['parse', 'analyze', 'map', 'links'],
  );
});
