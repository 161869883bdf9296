/**
 * The axes a sweep may vary, what values each accepts, and how one
 * combination of values turns the base host into the host to emulate.
 *
 * Transform order (fixed, whatever the order of the axes in the file):
 * 1. layout: `nodes` and `memory_per_node_gib` rebuild the DRAM above 4 GiB
 *    (layout.ts regularLayout); an axis that is absent keeps the base
 *    host's value (layout.ts baseLayout). Neither present: memory untouched.
 * 2. CXL: `cxl_gib` (> 0) hot-adds a CXL device before init, onlined into
 *    `cxl_zone` (default "movable", as kmem usually onlines CXL memory).
 * 3. module limits: `max_tdmrs`, `max_reserved_per_tdmr` replace the
 *    module's reported limits.
 * 4. `kernel` picks the kernel profile (default: the sweep's kernel).
 * 5. the workload axes (`td_count`, `td_memory_gib`, `td_4k_percent`,
 *    `td_vcpus`) describe TDs running on the host; they change no host and
 *    only cost TDX memory under Dynamic PAMT (workloadFromSettings).
 */
import type { Host, KernelVariant } from '../host/types.js';
import { KERNEL_VARIANTS } from '../host/types.js';
import { TD_DEFAULTS, type TdGroup } from '../workload/types.js';
import { addHotAddedCxl, baseLayout, regularLayout } from './layout.js';

export const AXIS_NAMES = [
  'nodes',
  'memory_per_node_gib',
  'cxl_gib',
  'cxl_zone',
  'max_tdmrs',
  'max_reserved_per_tdmr',
  'kernel',
  'td_count',
  'td_memory_gib',
  'td_4k_percent',
  'td_vcpus',
] as const;
export type AxisName = (typeof AXIS_NAMES)[number];
export type AxisValue = number | string;

interface IntegerAxis {
  type: 'integer';
  min: number;
  max: number;
  /** What the value means, for docs and `--help`. */
  doc: string;
}
interface ChoiceAxis {
  type: 'choice';
  choices: readonly string[];
  doc: string;
}
export type AxisSpec = IntegerAxis | ChoiceAxis;

/** Bounds: the host format's own limits (engine/host/validate.ts), 2^52 bytes of address space. */
export const AXES: Record<AxisName, AxisSpec> = {
  nodes: { type: 'integer', min: 1, max: 64, doc: 'NUMA nodes (sockets) with DRAM' },
  memory_per_node_gib: {
    type: 'integer',
    min: 1,
    max: 2 ** 22,
    doc: 'DRAM per node, GiB (node 0 includes its low memory)',
  },
  cxl_gib: { type: 'integer', min: 0, max: 2 ** 22, doc: 'size of a CXL device hot-added before init, GiB (0: none)' },
  cxl_zone: { type: 'choice', choices: ['movable', 'normal'], doc: 'zone the CXL memory is onlined into' },
  max_tdmrs: { type: 'integer', min: 1, max: 1 << 20, doc: "the module's MAX_TDMRS" },
  max_reserved_per_tdmr: { type: 'integer', min: 1, max: 1 << 20, doc: "the module's MAX_RESERVED_PER_TDMR" },
  kernel: { type: 'choice', choices: KERNEL_VARIANTS, doc: `kernel profile: ${KERNEL_VARIANTS.join(', ')}` },
  td_count: { type: 'integer', min: 0, max: 65535, doc: 'TDs running (0: none)' },
  td_memory_gib: { type: 'integer', min: 1, max: 2 ** 22, doc: 'private memory per TD, GiB (default 4)' },
  td_4k_percent: {
    type: 'integer',
    min: 0,
    max: 100,
    doc: "percent of each TD's memory mapped at 4 KiB (default 100)",
  },
  td_vcpus: { type: 'integer', min: 1, max: 4096, doc: 'vCPUs per TD (default 1)' },
};

/** TD memory when a sweep has workload axes but no td_memory_gib. */
export const DEFAULT_TD_MEMORY_GIB = 4;

/**
 * The TDs one combination runs, from the workload axes (absent axes take
 * the defaults; no workload axis at all: no TDs).
 */
export function workloadFromSettings(settings: AxisSettings): { group: TdGroup; tds: number } | undefined {
  const n = settings.td_count as number | undefined;
  const gib = settings.td_memory_gib as number | undefined;
  const pct = settings.td_4k_percent as number | undefined;
  const vcpus = settings.td_vcpus as number | undefined;
  if (n === undefined && gib === undefined && pct === undefined && vcpus === undefined) return undefined;
  const group: TdGroup = {
    name: 'sweep',
    count: n ?? 1,
    memory: (gib ?? DEFAULT_TD_MEMORY_GIB) * 2 ** 30,
    page4kPercent: pct ?? TD_DEFAULTS.page4kPercent,
    vcpus: vcpus ?? TD_DEFAULTS.vcpus,
    tdcsPages: TD_DEFAULTS.tdcsPages,
    tdvpsPages: TD_DEFAULTS.tdvpsPages,
  };
  return { group, tds: n ?? 1 };
}

export function isAxisName(s: string): s is AxisName {
  return (AXIS_NAMES as readonly string[]).includes(s);
}

/** One combination: a value for some of the axes (absent axes keep the base). */
export type AxisSettings = Partial<Record<AxisName, AxisValue>>;

/**
 * The last memory layout built, for a run of combinations: consecutive
 * combinations usually differ only in faster axes (module limits, kernel,
 * workload) and share one layout. Hosts are never mutated once built, so the
 * combinations may share its arrays.
 */
export interface LayoutMemo {
  base?: Host;
  nodes?: number;
  gib?: number;
  host?: Host;
}

/** Applies one combination to the base host; returns the host and the kernel variant to run. */
export function applyAxes(
  base: Host,
  settings: AxisSettings,
  defaultKernel: KernelVariant,
  memo?: LayoutMemo,
): { host: Host; variant: KernelVariant } {
  let host = base;
  const nodes = settings.nodes as number | undefined;
  const gib = settings.memory_per_node_gib as number | undefined;
  if (nodes !== undefined || gib !== undefined) {
    if (memo?.host && memo.base === base && memo.nodes === nodes && memo.gib === gib) host = memo.host;
    else {
      const b = baseLayout(base);
      host = regularLayout(base, nodes ?? b.nodes, gib ?? b.memoryPerNodeGib);
      if (memo) Object.assign(memo, { base, nodes, gib, host });
    }
  }
  const cxl = settings.cxl_gib as number | undefined;
  if (cxl) host = addHotAddedCxl(host, cxl, (settings.cxl_zone as 'normal' | 'movable' | undefined) ?? 'movable');
  const maxTdmrs = settings.max_tdmrs as number | undefined;
  const maxRsvd = settings.max_reserved_per_tdmr as number | undefined;
  if (maxTdmrs !== undefined || maxRsvd !== undefined) {
    host = {
      ...host,
      module: {
        ...host.module,
        max_tdmrs: maxTdmrs ?? host.module.max_tdmrs,
        max_reserved_per_tdmr: maxRsvd ?? host.module.max_reserved_per_tdmr,
      },
    };
  }
  const variant = (settings.kernel as KernelVariant | undefined) ?? defaultKernel;
  return { host, variant };
}
