/**
 * Exact hex and size formatting for physical addresses.
 *
 * Addresses are kept as JS numbers: every value the lab handles is below
 * 2^53 (the host format caps addresses at 2^52), so number arithmetic is
 * exact. 64-bit module statuses are bigint and live in engine/module.
 */

export const SZ_4K = 0x1000;
export const SZ_1M = 0x100000;
export const SZ_16M = 0x1000000;
export const SZ_1G = 0x40000000;
export const SZ_4G = 0x100000000;
/** Highest address the host format accepts (exclusive end may equal it). */
export const MAX_PHYS_ADDR = 2 ** 52;

/** Lowercase hex with `0x` and no leading zeros: the golden format. */
export function hex(n: number): string {
  if (n < 0x10000000 || !Number.isSafeInteger(n)) return '0x' + n.toString(16);
  // Above 2^28 in 28-bit halves: V8 prints small integers far faster than
  // large numbers, and a 100,000-region plan prints hundreds of thousands.
  const hi = Math.floor(n / 0x10000000);
  const lo = (n - hi * 0x10000000).toString(16);
  return '0x' + hi.toString(16) + '0000000'.slice(lo.length) + lo;
}

/** Zero-padded 64-bit hex as the kernel's `0x%016llx` prints it. */
export function hex64(n: bigint | number): string {
  return '0x' + BigInt(n).toString(16).padStart(16, '0');
}

const HEX_RE = /^0x[0-9a-fA-F]+$/;

/** Parses a `0x` hex string; undefined if it is not one or not exact. */
export function parseHex(s: string): number | undefined {
  if (!HEX_RE.test(s)) return undefined;
  let first = 2; // first significant digit (a host file has hundreds of thousands of these)
  while (first < s.length - 1 && s.charCodeAt(first) === 48) first++;
  if (s.length - first > 14) return undefined; // > 2^56: certainly past any limit
  // Number() reads "0x..." exactly below 2^53; anything above is refused as unsafe.
  const n = Number(s);
  return Number.isSafeInteger(n) ? n : undefined;
}

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

/** Human size: `256 GiB`, `1.5 MiB`, `4 KiB` (binary units, at most 3 significant decimals). */
export function humanSize(bytes: number): string {
  let v = bytes;
  let u = 0;
  while (v >= 1024 && u < UNITS.length - 1) {
    v /= 1024;
    u++;
  }
  let s = Number.isInteger(v) ? String(v) : v.toFixed(v < 10 ? 2 : v < 100 ? 1 : 0);
  // Trim trailing zeros of the fraction only: 639.9 rounds to "640", which must stay 640.
  if (s.includes('.')) s = s.replace(/\.?0+$/, '');
  return `${s} ${UNITS[u]}`;
}

export function alignDown(n: number, a: number): number {
  return n - (n % a);
}

export function alignUp(n: number, a: number): number {
  const r = n % a;
  return r === 0 ? n : n + (a - r);
}
