/**
 * Text with hex figures for a table cell: escaped, and each hex range
 * `[0x…, 0x…)` or hex number `0x…` (with the human size in brackets right
 * after it) kept on one line, so a narrow column never breaks a figure.
 */
import { esc } from './escape.js';

const FIGURE = /\[0x[0-9a-f]+, 0x[0-9a-f]+\)|0x[0-9a-f]+(?: \([0-9.]+ [KMGTP]?i?B\))?/gi;

export function escHex(s: string | number): string {
  const t = String(s);
  let out = '';
  let at = 0;
  for (const m of t.matchAll(FIGURE)) {
    out += esc(t.slice(at, m.index)) + `<span class="hex">${esc(m[0])}</span>`;
    at = m.index + m[0].length;
  }
  return out + esc(t.slice(at));
}
