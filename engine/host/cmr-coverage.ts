/** Which memory the firmware reports convertible: the parts of a range no CMR covers. */
import type { Host } from './types.js';

/** Parts of [start, end) that no CMR covers, in address order. */
export function outsideCmrs(host: Host, start: number, end: number): Array<[number, number]> {
  const cmrs = host.cmrs.map((c) => [c.base, c.base + c.size] as [number, number]).sort((a, b) => a[0] - b[0]);
  const out: Array<[number, number]> = [];
  let at = start;
  for (const [a, b] of cmrs) {
    if (b <= at) continue;
    if (a >= end) break;
    if (a > at) out.push([at, Math.min(a, end)]);
    at = Math.max(at, b);
    if (at >= end) break;
  }
  if (at < end) out.push([at, end]);
  return out;
}
