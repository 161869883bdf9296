/** Display helpers: every range reads `[0x…, 0x…)` with its human size beside it. */
import { hex, humanSize } from '../../../engine/format/hex.js';

export { hex, humanSize };

export function range(start: number, end: number): string {
  return `[${hex(start)}, ${hex(end)})`;
}

export function rangeWithSize(start: number, end: number): string {
  return `${range(start, end)} ${humanSize(end - start)}`;
}

export function percent(p: number): string {
  return `${p.toFixed(p < 1 ? 3 : 2)} %`;
}
