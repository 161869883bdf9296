/**
 * The grouping every face shows, done once in engine/outcome: runs of alike
 * TDMR rows (tdmrRowGroups) and runs of identical or alike log lines, with
 * their printk levels (excerpt / logExcerpt).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { contiguousHost } from '../../engine/host/synthetic.js';
import { analyzeHost } from '../../engine/outcome/analyze.js';
import { groupIndexText, tdmrRowGroups, tdmrRows, type TdmrRow } from '../../engine/outcome/rows.js';
import { excerpt } from '../../engine/outcome/log-excerpt.js';
import { excerptLineText, printkLabel } from '../../engine/outcome/text.js';
import { PRINTK_LEVELS } from '../../engine/kernel/log.js';

test('tdmrRowGroups: consecutive TDMRs differing only in their base are one group; counts cover every row once', () => {
  const o = analyzeHost(contiguousHost({ regions: 2000, maxTdmrs: 8192, maxReservedPerTdmr: 1024 }), 'upstream', {
    trials: false,
  });
  const rows = tdmrRows(o);
  const groups = tdmrRowGroups(rows);
  assert.ok(groups.length < rows.length / 4, `${rows.length} rows -> ${groups.length} groups`);
  assert.equal(
    groups.reduce((n, g) => n + g.count, 0),
    rows.length,
  );
  let next = 0;
  for (const g of groups) {
    assert.equal(g.first.index, next);
    assert.equal(g.last.index, next + g.count - 1);
    next += g.count;
    for (const r of rows.slice(g.first.index, g.last.index + 1)) {
      assert.equal(r.end - r.base, g.first.end - g.first.base);
      assert.deepEqual(
        r.reserved!.map((a) => [a.kind, a.offset, a.size, a.pamtOf]),
        g.first.reserved!.map((a) => [a.kind, a.offset, a.size, a.pamtOf]),
      );
      assert.equal(r.pamt!.size4k, g.first.pamt!.size4k);
      assert.equal(r.pamt!.placedNid, g.first.pamt!.placedNid);
    }
  }
  const big = groups.find((g) => g.count > 1)!;
  assert.equal(groupIndexText(big), `${big.first.index}–${big.last.index} ×${big.count}`);
});

test('tdmrRowGroups: a failed TDMR stands alone, and rows that differ in more than the base do not merge', () => {
  const row = (index: number, size = 0x40000000, failed: string | null = null): TdmrRow => ({
    index,
    base: 0x100000000 + index * 0x40000000,
    end: 0x100000000 + index * 0x40000000 + size,
    failed,
    reservedLimit: 16,
  });
  const groups = tdmrRowGroups([
    row(0),
    row(1),
    row(2, 0x40000000, 'reserved areas exhausted'),
    row(3),
    row(4, 0x20000000),
  ]);
  assert.deepEqual(
    groups.map((g) => [g.first.index, g.count]),
    [
      [0, 2],
      [2, 1],
      [3, 1],
      [4, 1],
    ],
  );
});

test('excerpt: identical lines and, with alike, lines differing only in numbers collapse; levels never mix', () => {
  const lines = [
    'virt/tdx: module initialized',
    'online_pages [mem 0x1000-0x1fff] failed',
    'online_pages [mem 0x2000-0x2fff] failed',
    'online_pages [mem 0x3000-0x3fff] failed',
    'virt/tdx: x 1',
    'virt/tdx: x 1',
  ];
  const levels = ['info', 'debug', 'debug', 'debug', 'info', 'info'] as const;
  const plain = excerpt(lines, new Set());
  assert.equal(plain.length, 5, 'without alike only the identical pair collapses');
  const items = excerpt(lines, new Set(), { alike: true, levels: [...levels] });
  assert.deepEqual(
    items.map((i) => (i.kind === 'line' ? [i.index, i.count, i.last ?? null, i.level] : null)),
    [
      [0, 1, null, 'info'],
      [1, 3, 'online_pages [mem 0x3000-0x3fff] failed', 'debug'],
      [4, 2, null, 'info'],
    ],
  );
  assert.equal(
    excerptLineText(items[1]),
    'online_pages [mem 0x1000-0x1fff] failed … online_pages [mem 0x3000-0x3fff] failed  (×3)  [pr_debug: not in a default dmesg]',
  );
  assert.equal(excerptLineText(items[2]), 'virt/tdx: x 1  (×2)');
  // A line at another level never joins the run, even when alike.
  const mixed = excerpt(lines.slice(1, 4), new Set(), { alike: true, levels: ['debug', 'info', 'debug'] });
  assert.equal(mixed.length, 3);
  // A key line is never merged away.
  assert.equal(excerpt(lines.slice(1, 4), new Set([1]), { alike: true }).length, 3);
});

test('printk levels: only pr_debug is missing from a default dmesg, and only it is labelled', () => {
  assert.deepEqual(
    Object.entries(PRINTK_LEVELS)
      .filter(([, v]) => !v.inDefaultDmesg)
      .map(([k]) => k),
    ['debug'],
  );
  assert.equal(printkLabel('debug'), 'pr_debug: not in a default dmesg');
  for (const l of ['err', 'warn', 'info'] as const) assert.equal(printkLabel(l), null);
  assert.equal(printkLabel(undefined), null, 'no level (an Outcome stored before levels were kept): no label');
});
