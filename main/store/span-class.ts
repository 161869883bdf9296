/**
 * The address index's bucket: an event touching [start, end) goes in class k,
 * the smallest k with end - start <= 2^k. A range query then looks, per class,
 * only at events starting within 2^k below the range (see events.ts), so one
 * huge event (a whole CXL window) never makes queries for small ranges slow.
 */

/** Number of bits needed to write n (n >= 0, n < 2^53), exact for every safe integer. */
function bitLength(n: number): number {
  if (n < 2 ** 32) return 32 - Math.clz32(n);
  return 32 + (32 - Math.clz32(Math.floor(n / 2 ** 32)));
}

/** Smallest k with span <= 2^k (span >= 1). Exact: no floating-point log. */
export function spanClass(span: number): number {
  return span <= 1 ? 0 : bitLength(span - 1);
}

/** Classes 0..53 cover every span up to 2^53. */
export const MAX_SPAN_CLASS = 53;
