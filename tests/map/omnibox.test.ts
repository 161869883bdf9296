/**
 * The omnibox: every form of query parsed by the one pure parser
 * (main/common/omnibox-query.ts), then resolved on the sample hosts by the
 * same code the document worker runs (renderer/map/find.ts through
 * DocumentSession), and the log/SEAMCALL ↔ shape links (engine/outcome/links.ts).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseOmniboxQuery } from '../../main/common/omnibox-query.js';
import { DocumentSession } from '../../main/workers/document-session.js';
import { rowsOfShape } from '../../engine/outcome/link-rows.js';
import { PROJECT_ROOT } from '../helpers/golden.js';

const sample = (name: string) => {
  const text = readFileSync(join(PROJECT_ROOT, 'resources', 'hosts', name), 'utf8');
  return DocumentSession.open(text, name, 'upstream', () => {});
};

test('parseOmniboxQuery: each form the omnibox takes', () => {
  assert.deepEqual(parseOmniboxQuery('0x7e000000'), { kind: 'address', addr: 0x7e000000 });
  assert.deepEqual(parseOmniboxQuery('0x7e00_0000'), { kind: 'address', addr: 0x7e000000 });
  assert.deepEqual(parseOmniboxQuery('[0x7e000000, 0x80000000)'), {
    kind: 'range',
    start: 0x7e000000,
    end: 0x80000000,
  });
  assert.deepEqual(parseOmniboxQuery('[0x7e000000, 0x7fffffff]'), {
    kind: 'range',
    start: 0x7e000000,
    end: 0x80000000,
  });
  assert.deepEqual(parseOmniboxQuery('0x7e000000-0x80000000'), { kind: 'range', start: 0x7e000000, end: 0x80000000 });
  assert.deepEqual(parseOmniboxQuery('0x7e000000+64M'), { kind: 'range', start: 0x7e000000, end: 0x82000000 });
  assert.deepEqual(parseOmniboxQuery('0x7e000000 + 0x1000'), { kind: 'range', start: 0x7e000000, end: 0x7e001000 });
  assert.deepEqual(parseOmniboxQuery('TDMR 3'), { kind: 'tdmr', index: 3 });
  assert.deepEqual(parseOmniboxQuery('tdmr3'), { kind: 'tdmr', index: 3 });
  assert.deepEqual(parseOmniboxQuery('memblock 12'), { kind: 'memblock', index: 12 });
  assert.deepEqual(parseOmniboxQuery('node 1'), { kind: 'node', nid: 1 });
  assert.deepEqual(parseOmniboxQuery('CMR 0'), { kind: 'cmr', index: 0 });
  assert.deepEqual(parseOmniboxQuery('memory5068'), { kind: 'memory-block', block: 5068 });
  assert.deepEqual(parseOmniboxQuery('cxl0'), { kind: 'text', text: 'cxl0' });
  assert.deepEqual(parseOmniboxQuery('tdx_tdmr_outside_cmrs'), { kind: 'status', name: 'TDX_TDMR_OUTSIDE_CMRS' });
  assert.equal(parseOmniboxQuery('   '), null);
});

test('parseOmniboxQuery: malformed queries say why, never guess', () => {
  const bad = (q: string, re: RegExp) => {
    const r = parseOmniboxQuery(q);
    assert.equal(r?.kind, 'invalid', q);
    assert.match((r as { message: string }).message, re, q);
  };
  bad('[0x80000000, 0x7e000000)', /range is empty/);
  bad('[12, 0x80)', /hex addresses/);
  bad('0x7e000000+lots', /lots is not a size/);
  bad('0x' + 'f'.repeat(20), /past 2\^52/);
  bad('TDX_NOT_A_STATUS', /not a status the TDX module returns/);
  bad('x'.repeat(201), /longer than 200/);
});

test('resolved on the CXL sample: address, range, TDMR, node, device, memory block and status each jump and select', () => {
  const s = sample('2s-server-512g-cxl-before-init.json');
  const addr = s.find('0x7e000000');
  assert.equal(addr.shape?.id, 'memblock-3');
  assert.deepEqual(addr.mark, [0x7e000000, 0x7e000001]);
  const r = s.find('[0x7e000000, 0x80000000)');
  assert.deepEqual(r.mark, [0x7e000000, 0x80000000]);
  assert.ok(r.focus && r.focus[0] <= 0x7e000000 && r.focus[1] >= 0x80000000);
  assert.deepEqual(s.find('0x7e000000+64M').mark, [0x7e000000, 0x82000000]);
  const t3 = s.find('TDMR 3');
  assert.equal(t3.shape?.id, 'tdmr-3');
  assert.match(t3.message, /^TDMR 3 \[0x9000000000, 0xb000000000\) 128 GiB/);
  assert.equal(s.find('node 1').shape?.id, 'node-1');
  assert.equal(s.find('cxl0').shape?.kind, 'device');
  assert.equal(s.find('dax0.0').shape?.kind, 'device');
  const mb = s.find('memory5068');
  assert.deepEqual(mb.mark, [5068 * 0x8000000, 5069 * 0x8000000]);
  assert.match(mb.message, /memory5068 .* is online/);
  const st = s.find('TDX_TDMR_OUTSIDE_CMRS');
  assert.equal(st.shape?.id, 'tdmr-3', 'the failing SEAMCALL selects the TDMR it names');
  assert.equal(st.seamcalls.length, 1);
  assert.equal(s.outcome.seamcalls[st.seamcalls[0]].name, 'TDH.SYS.CONFIG');
});

test('queries for what a host lacks answer in words, with what it has', () => {
  const s = sample('2s-server-512g-cxl-before-init.json');
  assert.deepEqual(
    [s.find('TDMR 99').ok, s.find('TDMR 99').message],
    [false, 'no TDMR 99: this host has 4 TDMRs (0 to 3)'],
  );
  assert.match(s.find('memblock 12').message, /no memblock region 12: this host has 7/);
  assert.match(s.find('TDX_SUCCESS').message, /SEAMCALLs returned TDX_SUCCESS/);
  assert.match(s.find('TDX_RND_NO_ENTROPY').message, /no SEAMCALL returned TDX_RND_NO_ENTROPY/);
  assert.match(s.find('zzz').message, /nothing matches "zzz"/);
  assert.throws(() => s.find(' '), /the query is empty/);
});

test('links: the failing SEAMCALL and the log line the verdict quotes select TDMR 3; TDMR 3 selects them back', () => {
  const s = sample('2s-server-512g-cxl-before-init.json');
  const failed = s.outcome.seamcalls.findIndex((c) => c.statusName === 'TDX_TDMR_OUTSIDE_CMRS');
  assert.ok(failed >= 0);
  assert.deepEqual(s.links.seamcalls[failed], ['tdmr-3']);
  const line = s.outcome.log.findIndex((l) => /SEAMCALL .* failed/.test(l));
  assert.ok(s.links.log[line].includes('tdmr-3'));
  const back = rowsOfShape(s.links, 'tdmr-3');
  assert.ok(back.seamcalls.includes(failed));
  assert.ok(back.log.includes(line));
  assert.deepEqual(rowsOfShape(s.links, 'tdmr-0').seamcalls, [], 'TDMR 0 is named by no failing call');
});

test('fragmented sample: TDMR 0 needs 25 areas against 16 allowed, each numbered; the needed areas link to its log line', () => {
  const s = sample('2s-server-fragmented-low-memory.json');
  const need = s.outcome.reservedNeed;
  assert.ok(need);
  assert.equal(need.areas.length, 25);
  assert.equal(need.limit, 16);
  const areas = s.shapesIn('needed-area', 0, 0x40000000, 100);
  assert.equal(areas.total, 25);
  const over = areas.shapes.filter((a) => a.classes.includes('over-limit'));
  assert.equal(over.length, 9, 'areas 17 to 25 are past the limit');
  const log = rowsOfShape(s.links, areas.shapes[24].id).log;
  assert.ok(log.length >= 1);
  assert.match(s.outcome.log[log[0]], /reserved/i);
});
