/** What `tdx-lab session list|show` print on a terminal. */
import { hex, humanSize } from '../../../engine/format/hex.js';
import type { SessionDetail, SessionInfo, RunRecord } from '../../store/types.js';
import { table } from './table.js';

/** "2026-11-25 13:47:43" from an ISO timestamp (UTC, seconds). */
export function shortTime(iso: string | null): string {
  return iso ? iso.replace('T', ' ').replace(/\.\d+Z$|Z$/, '') : '-';
}

export function renderSessionList(dbPath: string, sessions: SessionInfo[]): string {
  if (sessions.length === 0) return `No sessions in ${dbPath} (create one with: tdx-lab session new NAME)`;
  return [
    `Sessions in ${dbPath}:`,
    table(
      ['name', 'runs', 'hosts', 'notes', 'created (UTC)', 'last run (UTC)'],
      sessions.map((s) => [
        s.name,
        String(s.runCount),
        String(s.hostCount),
        String(s.noteCount),
        shortTime(s.createdAt),
        shortTime(s.lastRunAt),
      ]),
      [false, true, true, true, false, false],
    ),
  ].join('\n');
}

export function runVerdict(r: RunRecord): string {
  return r.status === 'ok' ? 'ok' : `FAILED${r.stage ? ` at ${r.stage}` : ''}${r.errno ? ` (${r.errno})` : ''}`;
}

export function renderRunsTable(runs: RunRecord[]): string {
  return table(
    ['run', 'kind', 'kernel', 'host', 'status', 'TDMRs', 'PAMT', 'events', 'engine', 'recorded (UTC)'],
    runs.map((r) => [
      `#${r.id}`,
      r.kind,
      r.kernelVariant,
      r.hostName ?? '-',
      runVerdict(r),
      r.tdmrCount === null ? '-' : String(r.tdmrCount),
      r.pamtKb === null ? '-' : `${r.pamtKb} KB (${humanSize(r.pamtKb * 1024)})`,
      String(r.eventCount),
      r.engineVersion,
      shortTime(r.createdAt),
    ]),
    [true, false, false, false, false, true, true, true, false, false],
  );
}

export function renderSessionShow(dbPath: string, s: SessionDetail): string {
  const out: string[] = [];
  out.push(`Session '${s.name}' (#${s.id}, created ${shortTime(s.createdAt)} UTC, in ${dbPath})`);
  if (s.description) out.push(`  ${s.description}`);
  out.push('');
  out.push(`Hosts (${s.hosts.length}):`);
  if (s.hosts.length === 0) out.push('  (none)');
  else {
    out.push(
      table(
        ['host', 'name', 'origin', 'memory', 'regions', 'nodes', 'from'],
        s.hosts.map((h) => {
          const mem = h.host.memblock.reduce(
            (a, m) => a + (parseInt(m.end.slice(2), 16) - parseInt(m.start.slice(2), 16)),
            0,
          );
          const nodes = new Set(h.host.memblock.map((m) => m.nid)).size;
          const from =
            typeof h.provenance.file === 'string'
              ? h.provenance.file
              : Object.keys(h.provenance).length
                ? JSON.stringify(h.provenance)
                : '-';
          return [`#${h.id}`, h.name, h.origin, humanSize(mem), String(h.host.memblock.length), String(nodes), from];
        }),
        [true, false, false, true, true, true, false],
      ),
    );
  }
  out.push('');
  out.push(`Runs (${s.runs.length}):`);
  out.push(s.runs.length === 0 ? '  (none)' : renderRunsTable(s.runs));
  if (s.notes.length) {
    out.push('');
    out.push(`Notes (${s.notes.length}):`);
    for (const n of s.notes) {
      const at = [
        n.runId !== null ? `run #${n.runId}` : '',
        n.eventSeq !== null ? `event ${n.eventSeq}` : '',
        n.addrStart !== null ? `[${hex(n.addrStart)}, ${hex(n.addrEnd ?? n.addrStart + 1)})` : '',
      ]
        .filter(Boolean)
        .join(', ');
      out.push(`  ${shortTime(n.createdAt)}${at ? ` (${at})` : ''}: ${n.text}`);
    }
  }
  return out.join('\n');
}
