/** What `tdx-lab session diff` prints: each change with exact hex addresses and human sizes (the words: main/common/run-diff-words.ts). */
import type { RunBrief, RunDiff, SessionDiff } from '../../store/diff.js';
import {
  diffArea,
  diffBytes as bytes,
  diffRange as range,
  diffRunName as runName,
  diffRunStatus as verdict,
  diffSigned as signed,
  diffTdmrCell as tdmrCell,
  RUN_DIFF_SAME,
} from '../../common/run-diff-words.js';
import { table } from './table.js';

export function renderRunDiff(d: RunDiff): string {
  const out: string[] = [];
  out.push(`A: ${runName(d.a)}`);
  out.push(`B: ${runName(d.b)}`);
  if (d.same) {
    out.push(RUN_DIFF_SAME);
    return out.join('\n');
  }
  out.push(`status: ${d.status.same ? `both ${verdict(d.a)}` : `${verdict(d.a)} -> ${verdict(d.b)}`}`);

  const h = d.host;
  if (h.same) out.push(`host: same (${h.nameA ?? '-'})`);
  else {
    out.push(`host: ${h.nameA ?? '-'}${h.nameA !== h.nameB ? ` -> ${h.nameB ?? '-'}` : ''}`);
    for (const r of h.memblockOnlyA) out.push(`  - memblock ${range(r)}`);
    for (const r of h.memblockOnlyB) out.push(`  + memblock ${range(r)}`);
    for (const r of h.reservedOnlyA) out.push(`  - reserved ${range(r)}`);
    for (const r of h.reservedOnlyB) out.push(`  + reserved ${range(r)}`);
    for (const r of h.cmrsOnlyA) out.push(`  - CMR ${range(r)}`);
    for (const r of h.cmrsOnlyB) out.push(`  + CMR ${range(r)}`);
    for (const m of h.module) out.push(`  module ${m.field}: ${m.a ?? '-'} -> ${m.b ?? '-'}`);
  }

  const changed = d.tdmrs.rows.filter((r) => r.changed.length > 0);
  out.push(
    `TDMRs: ${d.tdmrs.countA} -> ${d.tdmrs.countB}${changed.length ? `, ${changed.length} differ` : ', all identical'}`,
  );
  if (changed.length) {
    out.push(
      table(
        ['#', 'A', 'B', 'what differs'],
        changed.map((r) => [String(r.index), tdmrCell(r.a), tdmrCell(r.b), r.changed.join(', ')]),
        [true, false, false, false],
      ),
    );
  }

  if (d.pamtNodes.length) {
    out.push('PAMT per node:');
    out.push(
      table(
        ['node', 'A', 'B', 'change'],
        d.pamtNodes.map((p) => [String(p.nid), bytes(p.a), bytes(p.b), signed(p.delta)]),
        [true, true, true, true],
      ),
    );
  }
  out.push(`PAMT total: ${bytes(d.pamtTotal.a)} -> ${bytes(d.pamtTotal.b)} (${signed(d.pamtTotal.delta)})`);

  if (d.reserved.length) {
    out.push('Reserved areas:');
    for (const r of d.reserved) {
      out.push(`  TDMR ${r.index}: ${r.countA} -> ${r.countB}`);
      for (const a of r.onlyA) out.push(`    - ${diffArea(a)}`);
      for (const b of r.onlyB) out.push(`    + ${diffArea(b)}`);
    }
  } else out.push('Reserved areas: identical');
  return out.join('\n');
}

export function renderSessionDiff(d: SessionDiff): string {
  const out: string[] = [
    `Sessions '${d.a}' (A) and '${d.b}' (B): runs paired by host, kind and kernel variant (newest of each)`,
  ];
  if (d.pairs.length === 0 && d.onlyA.length === 0 && d.onlyB.length === 0) out.push('Both sessions are empty.');
  for (const p of d.pairs) {
    out.push('');
    out.push(renderRunDiff(p));
  }
  const only = (label: string, rs: RunBrief[]) => {
    if (rs.length === 0) return;
    out.push('');
    out.push(`Only in ${label}:`);
    for (const r of rs) out.push(`  ${runName(r)}: ${verdict(r)}`);
  };
  only(`'${d.a}' (A)`, d.onlyA);
  only(`'${d.b}' (B)`, d.onlyB);
  if (d.same && d.pairs.length) {
    out.push('');
    out.push('No differences.');
  }
  return out.join('\n');
}
