/** Sizes as util-linux prints them ("128M", "2G", "1.5T", "8589934592"). */
const UNIT: Record<string, number> = { B: 1, K: 2 ** 10, M: 2 ** 20, G: 2 ** 30, T: 2 ** 40, P: 2 ** 50 };

export function parseUnitSize(s: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)\s*([BKMGTP])?(?:i?B)?$/i.exec(s.trim());
  if (!m) return undefined;
  const v = Number(m[1]) * UNIT[(m[2] ?? 'B').toUpperCase()];
  return Number.isFinite(v) ? Math.round(v) : undefined;
}
