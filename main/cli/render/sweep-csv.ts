/**
 * `tdx-lab sweep --csv` from rows in memory (tests, --session replays): the
 * format itself is engine/format/sweep-csv.ts, which the pool's workers use
 * for their batches too.
 */
import type { Sweep } from '../../../engine/sweep/expand.js';
import type { SweepRow } from '../../../engine/sweep/row.js';
import { csvHeader, csvLine, csvNodeIds } from '../../../engine/format/sweep-csv.js';

/** The CSV in pieces of up to 1000 lines (a million rows would not fit in one string). */
export function* sweepCsvChunks(sweep: Sweep, rows: readonly SweepRow[]): Generator<string> {
  const nids = csvNodeIds(rows);
  let lines = [csvHeader(sweep.axes, nids)];
  for (const r of rows) {
    if (lines.length === 1000) {
      yield lines.join('\n') + '\n';
      lines = [];
    }
    lines.push(csvLine(r, nids));
  }
  if (lines.length) yield lines.join('\n') + '\n';
}

export function sweepCsv(sweep: Sweep, rows: readonly SweepRow[]): string {
  return [...sweepCsvChunks(sweep, rows)].join('');
}
