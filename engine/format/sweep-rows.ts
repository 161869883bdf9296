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
  return rows.map((r) => csvLine(r, nids) + '\n').join('');
}

/**
 * A packed batch's rows as output text, exactly sweepRowsText(unpackRows(b)),
 * but one row object at a time (no batch of unpacked rows kept alive).
 */
export function sweepBatchText(
  sweep: Pick<Sweep, 'axes'>,
  b: RowBatch,
  format: SweepTextFormat,
  nids: readonly number[],
): string {
  // Lines joined once, not appended one by one: a string grown by += is a
  // tree of thousands of pieces that must be flattened before it can be
  // posted to another thread, which took longer than formatting the lines.
  const lines = new Array<string>(b.count);
  for (let k = 0; k < b.count; k++) {
    const r = unpackRow(sweep, b, k);
    lines[k] = format === 'json' ? JSON.stringify(r) : csvLine(r, nids) + '\n';
  }
  return lines.join(format === 'json' ? ',' : '');
}
