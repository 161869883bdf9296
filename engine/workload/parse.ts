/**
 * The `tds` section of a scenario (docs/scenarios.md): validated with every
 * problem named by JSON path, sizes turned into exact bytes, bounded.
 */
import type { Problems } from '../host/validate.js';
import { TD_DEFAULTS, type TdGroup } from './types.js';

/** Limits that keep a workload cheap to emulate and inside what a host can run. */
export const MAX_TD_GROUPS = 64;
export const MAX_TDS_PER_GROUP = 4096;
/** Largest TD memory, GiB (the 2^52 physical address ceiling). */
export const MAX_TD_MEMORY_GIB = 2 ** 22;
const SZ_4K = 0x1000;
const GIB = 2 ** 30;

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** GiB as a number (fractions allowed) → bytes, which must be whole 4 KiB pages; NaN after recording a problem. */
export function gibField(p: Problems, path: string, v: unknown, max = MAX_TD_MEMORY_GIB): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
    p.add(path, 'must be a number of GiB >= 0');
    return NaN;
  }
  if (v > max) {
    p.add(path, `${v} GiB is more than the ${max} GiB allowed`);
    return NaN;
  }
  const bytes = v * GIB;
  if (!Number.isSafeInteger(bytes) || bytes % SZ_4K !== 0) {
    p.add(path, `${v} GiB is not a whole number of 4 KiB pages`);
    return NaN;
  }
  return bytes;
}

function intField(p: Problems, path: string, v: unknown, min: number, max: number, dflt: number): number {
  if (v === undefined) return dflt;
  if (!Number.isInteger(v) || (v as number) < min || (v as number) > max) {
    p.add(path, `must be an integer ${min}..${max}`);
    return dflt;
  }
  return v as number;
}

const KEYS = new Set(['name', 'count', 'memory_gib', 'page_4k_percent', 'vcpus', 'tdcs_pages', 'tdvps_pages']);

export function parseTds(p: Problems, raw: unknown): TdGroup[] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) {
    p.add('$.tds', 'must be an array of TD groups ({"name", "count", "memory_gib", ...})');
    return [];
  }
  if (raw.length > MAX_TD_GROUPS) {
    p.add('$.tds', `${raw.length} TD groups is more than the ${MAX_TD_GROUPS} a scenario may have`);
    return [];
  }
  const out: TdGroup[] = [];
  const names = new Set<string>();
  raw.forEach((g, i) => {
    const at = `$.tds[${i}]`;
    if (!isObject(g)) {
      p.add(at, 'must be an object with "name", "count" and "memory_gib"');
      return;
    }
    for (const k of Object.keys(g))
      if (!KEYS.has(k)) p.add(`${at}.${k}`, `unknown field (known: ${[...KEYS].join(', ')})`);
    if (typeof g.name !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/.test(g.name)) {
      p.add(`${at}.name`, 'must be a name of letters, digits, "_", "." or "-" (at most 64)');
      return;
    }
    if (names.has(g.name)) p.add(`${at}.name`, `"${g.name}" names two TD groups`);
    names.add(g.name);
    if (g.count === undefined) p.add(`${at}.count`, 'missing (how many TDs of this kind)');
    const count = intField(p, `${at}.count`, g.count, 1, MAX_TDS_PER_GROUP, 1);
    if (g.memory_gib === undefined) p.add(`${at}.memory_gib`, 'missing (private memory per TD, GiB)');
    const memory = g.memory_gib === undefined ? NaN : gibField(p, `${at}.memory_gib`, g.memory_gib);
    if (memory === 0) p.add(`${at}.memory_gib`, 'must be above 0');
    let pct: number = TD_DEFAULTS.page4kPercent;
    if (g.page_4k_percent !== undefined) {
      if (typeof g.page_4k_percent !== 'number' || !(g.page_4k_percent >= 0 && g.page_4k_percent <= 100))
        p.add(`${at}.page_4k_percent`, 'must be a percentage 0..100');
      else pct = g.page_4k_percent;
    }
    const vcpus = intField(p, `${at}.vcpus`, g.vcpus, 1, 4096, TD_DEFAULTS.vcpus);
    const tdcsPages = intField(p, `${at}.tdcs_pages`, g.tdcs_pages, 1, 64, TD_DEFAULTS.tdcsPages);
    const tdvpsPages = intField(p, `${at}.tdvps_pages`, g.tdvps_pages, 1, 64, TD_DEFAULTS.tdvpsPages);
    out.push({ name: g.name, count, memory, page4kPercent: pct, vcpus, tdcsPages, tdvpsPages });
  });
  return out;
}
