/**
 * The sweep file format (docs/sweeps.md): a base host plus axes. Parsing
 * checks the shape with zod, then every axis's values, then the number of
 * combinations, all before any emulation starts. Problems carry JSON paths.
 */
import { z } from 'zod';
import type { Host } from '../host/types.js';
import { Problems, parseHost, zodProblems, type ParseResult } from '../host/validate.js';
import { AXES, AXIS_NAMES, isAxisName, type AxisName, type AxisValue } from './axes.js';

/** Sweeps with more combinations than this are refused (the count is named in the error). */
export const MAX_COMBINATIONS = 1_000_000;

/** An axis's values: an explicit list, or an arithmetic range kept unexpanded (cheap to send to workers). */
export type SweepAxis =
  | { name: AxisName; kind: 'list'; values: AxisValue[] }
  | { name: AxisName; kind: 'range'; from: number; step: number; count: number };

export interface SweepDoc {
  name: string;
  description?: string;
  /** The inline base host, already validated. */
  host?: Host;
  /** The base host's file, relative to the sweep file (read by the Node side). */
  hostFile?: string;
  axes: SweepAxis[];
  /** Number of combinations (product of the axis lengths), at most MAX_COMBINATIONS. */
  total: number;
}

const rangeSchema = z.strictObject({
  from: z.number().int(),
  to: z.number().int(),
  step: z.number().int().min(1).optional(),
});

const axisSchema = z.strictObject({
  axis: z.string(),
  values: z.array(z.unknown()).min(1, 'must list at least one value').optional(),
  range: rangeSchema.optional(),
});

export const sweepSchema = z.strictObject({
  name: z.string().min(1, 'must not be empty'),
  description: z.string().optional(),
  host: z.unknown().optional(),
  hostFile: z.string().min(1, 'must not be empty').optional(),
  axes: z.array(axisSchema).min(1, 'must list at least one axis'),
});

export function axisLength(a: SweepAxis): number {
  return a.kind === 'list' ? a.values.length : a.count;
}

function fmt(n: bigint | number): string {
  return n.toLocaleString('en-US');
}

/** Checks one axis's values against its spec; returns the axis or undefined (problems recorded). */
function checkAxis(
  p: Problems,
  path: string,
  raw: z.infer<typeof axisSchema>,
  seen: Map<string, number>,
  i: number,
): SweepAxis | undefined {
  if (!isAxisName(raw.axis)) {
    p.add(`${path}.axis`, `unknown axis ${JSON.stringify(raw.axis)} (known: ${AXIS_NAMES.join(', ')})`);
    return undefined;
  }
  const name = raw.axis;
  const before = seen.get(name);
  if (before !== undefined) {
    p.add(`${path}.axis`, `axis "${name}" already varies in $.axes[${before}]`);
    return undefined;
  }
  seen.set(name, i);
  const spec = AXES[name];
  if ((raw.values === undefined) === (raw.range === undefined)) {
    p.add(path, 'give exactly one of "values" (a list) or "range" ({"from", "to", "step"})');
    return undefined;
  }
  if (raw.range) {
    const { from, to, step = 1 } = raw.range;
    if (spec.type !== 'integer') {
      p.add(`${path}.range`, `axis "${name}" takes a list of values (${spec.choices.join(', ')}), not a range`);
      return undefined;
    }
    if (to < from) {
      p.add(`${path}.range.to`, `${to} is below "from" (${from})`);
      return undefined;
    }
    if (from < spec.min) {
      p.add(`${path}.range.from`, `${from} is below the minimum ${spec.min} for ${name}`);
      return undefined;
    }
    if (to > spec.max) {
      p.add(`${path}.range.to`, `${to} is above the maximum ${spec.max} for ${name}`);
      return undefined;
    }
    return { name, kind: 'range', from, step, count: Math.floor((to - from) / step) + 1 };
  }
  const values = raw.values as unknown[];
  const unique = new Set<unknown>();
  for (let k = 0; k < values.length && !p.full; k++) {
    const v = values[k];
    const vp = `${path}.values[${k}]`;
    if (spec.type === 'integer') {
      if (typeof v !== 'number' || !Number.isInteger(v))
        p.add(vp, `expected an integer for ${name}, got ${JSON.stringify(v)}`);
      else if (v < spec.min) p.add(vp, `${v} is below the minimum ${spec.min} for ${name}`);
      else if (v > spec.max) p.add(vp, `${v} is above the maximum ${spec.max} for ${name}`);
    } else if (typeof v !== 'string' || !spec.choices.includes(v)) {
      p.add(
        vp,
        `expected one of ${spec.choices.map((c) => `"${c}"`).join(', ')} for ${name}, got ${JSON.stringify(v)}`,
      );
    }
    if (unique.has(v)) p.add(vp, `${JSON.stringify(v)} is listed twice`);
    unique.add(v);
  }
  return { name, kind: 'list', values: values as AxisValue[] };
}

/**
 * Validates a sweep document. The base host, when inline, is validated too
 * (its problems are reported under `$.host`). A hostFile is left for the
 * caller to read, then resolveSweep checks the values against that host.
 */
export function parseSweep(json: unknown): ParseResult<SweepDoc> {
  const shape = sweepSchema.safeParse(json, { reportInput: true });
  if (!shape.success) return { ok: false, problems: zodProblems(shape.error) };
  const raw = shape.data;
  const p = new Problems();

  const seen = new Map<string, number>();
  const axes: SweepAxis[] = [];
  raw.axes.forEach((a, i) => {
    const axis = checkAxis(p, `$.axes[${i}]`, a, seen, i);
    if (axis) axes.push(axis);
  });
  const zone = seen.get('cxl_zone');
  if (zone !== undefined && !seen.has('cxl_gib')) {
    // The zone only applies to the device cxl_gib adds: alone it would repeat every row.
    p.add(`$.axes[${zone}].axis`, 'cxl_zone needs a cxl_gib axis (the zone of the CXL device it hot-adds)');
  }
  if (p.list.length) return { ok: false, problems: p.list };

  // Refuse huge sweeps by their size alone (exact, in bigint: 10^9 and beyond).
  let total = 1n;
  for (const a of axes) total *= BigInt(axisLength(a));
  if (total > BigInt(MAX_COMBINATIONS)) {
    const factors = axes.map((a) => fmt(axisLength(a))).join(' × ');
    p.add(
      '$.axes',
      `${fmt(total)} combinations (${factors}) is more than the ${fmt(MAX_COMBINATIONS)} a sweep may have; narrow an axis`,
    );
    return { ok: false, problems: p.list };
  }

  if ((raw.host === undefined) === (raw.hostFile === undefined)) {
    return {
      ok: false,
      problems: [{ path: '$', message: 'give the base host either inline as "host" or as "hostFile" (one of them)' }],
    };
  }
  const doc: SweepDoc = { name: raw.name, axes, total: Number(total) };
  if (raw.description !== undefined) doc.description = raw.description;
  if (raw.hostFile !== undefined) doc.hostFile = raw.hostFile;
  if (raw.host !== undefined) {
    const host = parseHost(raw.host);
    if (!host.ok)
      return { ok: false, problems: host.problems.map((q) => ({ ...q, path: q.path.replace(/^\$/, '$.host') })) };
    doc.host = host.value;
  }
  return { ok: true, value: doc };
}
