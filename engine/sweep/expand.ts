/**
 * A resolved sweep (base host + checked axes) and the expansion of its
 * i-th combination. Combinations are numbered like nested loops over the
 * axes in file order, the last axis varying fastest, so any worker can
 * expand any index without the others.
 */
import type { Host, KernelVariant } from '../host/types.js';
import { MAX_PHYS_ADDR, SZ_1G } from '../format/hex.js';
import type { HostProblem, ParseResult } from '../host/validate.js';
import { applyAxes, AXES, type AxisSettings, type AxisValue, type LayoutMemo } from './axes.js';
import { baseLayout, minMemoryPerNodeGib } from './layout.js';
import { axisLength, type SweepAxis, type SweepDoc } from './schema.js';

/** Everything a worker needs to emulate any combination: plain data, structured-clone safe. */
export interface Sweep {
  name: string;
  description?: string;
  host: Host;
  axes: SweepAxis[];
  /** Kernel variant for rows when no `kernel` axis is given. */
  kernel: KernelVariant;
  /** "init": the whole init flow with the emulated module; "plan": the kernel-side construction only. */
  mode: SweepMode;
  total: number;
}

export type SweepMode = 'init' | 'plan';

export function axisValueAt(a: SweepAxis, k: number): AxisValue {
  return a.kind === 'list' ? a.values[k] : a.from + k * a.step;
}

/** The axis values of combination `index` (0 ≤ index < total), aligned with sweep.axes. */
export function combinationValues(sweep: Pick<Sweep, 'axes'>, index: number): AxisValue[] {
  const out = new Array<AxisValue>(sweep.axes.length);
  let rest = index;
  for (let i = sweep.axes.length - 1; i >= 0; i--) {
    const n = axisLength(sweep.axes[i]);
    out[i] = axisValueAt(sweep.axes[i], rest % n);
    rest = Math.floor(rest / n);
  }
  return out;
}

export function settingsOf(sweep: Pick<Sweep, 'axes'>, values: readonly AxisValue[]): AxisSettings {
  const s: AxisSettings = {};
  sweep.axes.forEach((a, i) => (s[a.name] = values[i]));
  return s;
}

export interface Combination {
  index: number;
  values: AxisValue[];
  host: Host;
  variant: KernelVariant;
}

/**
 * Expands combination `index` into the host and kernel variant to emulate.
 * `memo` (one per run of combinations) lets consecutive ones share a layout.
 */
export function expandCombination(sweep: Sweep, index: number, memo?: LayoutMemo): Combination {
  if (!Number.isInteger(index) || index < 0 || index >= sweep.total) {
    throw new RangeError(`combination ${index} is outside the sweep's 0..${sweep.total - 1}`);
  }
  const values = combinationValues(sweep, index);
  const { host, variant } = applyAxes(sweep.host, settingsOf(sweep, values), sweep.kernel, memo);
  return { index, values, host, variant };
}

function extreme(a: SweepAxis, pick: 'min' | 'max'): number {
  if (a.kind === 'range') return pick === 'min' ? a.from : a.from + (a.count - 1) * a.step;
  let best = a.values[0] as number;
  for (const v of a.values as number[]) best = pick === 'min' ? Math.min(best, v) : Math.max(best, v);
  return best;
}

/**
 * Checks the axes against the base host (values that make no host) and
 * returns the sweep ready to run. Memory only grows with nodes, GiB and
 * CXL size, so checking the largest combination covers them all.
 */
export function resolveSweep(
  doc: SweepDoc,
  host: Host,
  kernel: KernelVariant,
  mode: SweepMode = 'init',
): ParseResult<Sweep> {
  const problems: HostProblem[] = [];
  const byName = new Map(doc.axes.map((a, i) => [a.name, { a, i }]));
  const mem = byName.get('memory_per_node_gib');
  const nodes = byName.get('nodes');
  if (mem || nodes) {
    const min = minMemoryPerNodeGib(host);
    const lowGib = baseLayout(host).lowSpan / SZ_1G;
    if (mem && extreme(mem.a, 'min') < min) {
      problems.push({
        path: `$.axes[${mem.i}]`,
        message: `memory_per_node_gib ${extreme(mem.a, 'min')} is too small: node 0 of the base host has ${lowGib} GiB below 4 GiB, so it needs at least ${min}`,
      });
    } else if (!mem && baseLayout(host).memoryPerNodeGib < min) {
      problems.push({
        path: `$.axes[${nodes!.i}]`,
        message: `the base host has too little memory per node to re-lay it out; add a memory_per_node_gib axis`,
      });
    }
  }
  if (problems.length === 0) {
    const largest: AxisSettings = {};
    for (const a of doc.axes) if (AXES[a.name].type === 'integer') largest[a.name] = extreme(a, 'max');
    const { host: big } = applyAxes(host, largest, kernel);
    const top = Math.max(...big.memblock.map((r) => r.end));
    if (top > MAX_PHYS_ADDR) {
      const what = Object.entries(largest)
        .filter(([k]) => k === 'nodes' || k === 'memory_per_node_gib' || k === 'cxl_gib')
        .map(([k, v]) => `${k}=${v}`)
        .join(', ');
      problems.push({
        path: '$.axes',
        message: `the largest combination (${what}) reaches past the 2^52 limit of physical addresses`,
      });
    }
  }
  if (problems.length) return { ok: false, problems };
  const sweep: Sweep = { name: doc.name, host, axes: doc.axes, kernel, mode, total: doc.total };
  if (doc.description !== undefined) sweep.description = doc.description;
  return { ok: true, value: sweep };
}
