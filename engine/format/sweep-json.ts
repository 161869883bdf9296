/**
 * The --json document of a sweep (docs/sweeps.md): what was swept, then
 * every row in combination order. Written in pieces (head, rows joined by
 * commas, tail): a million rows would not fit in one string.
 */
import type { Sweep } from '../sweep/expand.js';

/** Everything up to and including `"rows":[`. */
export function sweepJsonHead(sweep: Sweep): string {
  const head = JSON.stringify({
    sweep: sweep.name,
    host: sweep.host.name,
    kernel: sweep.kernel,
    mode: sweep.mode,
    total: sweep.total,
    axes: sweep.axes.map((a) => a.name),
    rows: [],
  });
  return head.slice(0, -2);
}

export const SWEEP_JSON_TAIL = ']}\n';
