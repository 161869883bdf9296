/**
 * A run of consecutive sweep rows as output text, the piece a pool worker
 * formats for its batch: CSV lines (each ending in a newline, columns per
 * `nids`), or JSON rows joined by commas (the document's commas between
 * pieces and its head and tail are added by whoever concatenates).
 */
import type { SweepRow } from '../sweep/row.js';
import type { Sweep } from '../sweep/expand.js';
import { unpackRow, type RowBatch } from '../sweep/batch.js';
import { csvLine } from './sweep-csv.js';

export type SweepTextFormat = 'csv' | 'json';

export function sweepRowsText(rows: readonly SweepRow[], format: SweepTextFormat, nids: readonly number[]): string {
  if (format === 'json') return rows.map((r) => JSON.stringify(r)).join(',');
  let s = '';
  for (const r of rows) s += csvLine(r, nids) + '\n';
  return s;
}

/**
 * A packed batch's rows as output text, exactly sweepRowsText(unpackRows(b)),
 * but one row object at a time: a whole batch of unpacked rows kept alive
 * while it is formatted made every young-generation GC copy thousands of them.
 */
export function sweepBatchText(
  sweep: Pick<Sweep, 'axes'>,
  b: RowBatch,
  format: SweepTextFormat,
  nids: readonly number[],
): string {
  let s = '';
  for (let k = 0; k < b.count; k++) {
    const r = unpackRow(sweep, b, k);
    if (format === 'json') s += (k ? ',' : '') + JSON.stringify(r);
    else s += csvLine(r, nids) + '\n';
  }
  return s;
}
