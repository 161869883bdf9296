/**
 * A run of consecutive sweep rows as output text, the piece a pool worker
 * formats for its batch: CSV lines (each ending in a newline, columns per
 * `nids`), or JSON rows joined by commas (the document's commas between
 * pieces and its head and tail are added by whoever concatenates).
 */
import type { SweepRow } from '../sweep/row.js';
import { csvLine } from './sweep-csv.js';

export type SweepTextFormat = 'csv' | 'json';

export function sweepRowsText(rows: readonly SweepRow[], format: SweepTextFormat, nids: readonly number[]): string {
  if (format === 'json') return rows.map((r) => JSON.stringify(r)).join(',');
  let s = '';
  for (const r of rows) s += csvLine(r, nids) + '\n';
  return s;
}
