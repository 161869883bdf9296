/** What `tdx-lab session diff` prints: each change with exact hex addresses and human sizes. */
import { hex, humanSize } from '../../../engine/format/hex.js';
import type { Range, RunBrief, RunDiff, SessionDiff } from '../../store/diff.js';
import type { StoredTdmr } from '../../store/types.js';
import { table } from './table.js';

function range(r: Range): string {
  return `[${hex(r.start)}, ${hex(r.end)}) ${humanSize(r.end - r.start)}${r.nid !== undefined ? ` node ${r.nid}` : ''}`;
}

function runName(r: RunBrief): string {
  return `run #${r.id} (session '${r.session}', ${r.kind}, ${r.kernelVariant}, host ${r.host ?? '-'})`;
}

function verdict(r: RunBrief): string {
  return r.status === 'ok' ? 'ok' : `FAILED${r.stage ? ` at ${r.stage}` : ''}${r.errno ? ` (${r.errno})` : ''}`;
}

function bytes(n: number | null): string {
  return n === null ? '-' : `${n / 1024} KiB (${humanSize(n)})`;
}

function signed(n: number): string {
  if (n === 0) return '0';
  return `${n > 0 ? '+' : '-'}${Math.abs(n) / 1024} KiB (${n > 0 ? '+' : '-'}${humanSize(Math.abs(n))})`;
}

function tdmrCell(t: StoredTdmr | null): string {
  if (!t) return '-';
  const pamt = t.pamt
    ? ` PAMT ${hex(t.pamt.base)} ${humanSize(t.pamt.size4k + t.pamt.size2m + t.pamt.size1g)} node ${t.pamtNid}`
    : '';
  return `${hex(t.base)} ${humanSize(t.size)}${pamt}`;
}

export function renderRunDiff(d: RunDiff): string {
  const out: string[] = [];
  out.push(`A: ${runName(d.a)}`);
  out.push(`B: ${runName(d.b)}`);
  if (d.same) {
    out.push('No differences: same host, status, TDMRs, PAMT and reserved areas.');
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
      for (const a of r.onlyA) out.push(`    - offset ${hex(a.offset)} size ${hex(a.size)} (${humanSize(a.size)})`);
      for (const b of r.onlyB) out.push(`    + offset ${hex(b.offset)} size ${hex(b.size)} (${humanSize(b.size)})`);
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
