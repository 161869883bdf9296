/**
 * The sweep view's state: the axes being defined (validated live with the
 * engine's own sweep parser), the run with its progress and cancel, and the
 * last result. The sweep itself runs in the Node side's worker pool
 * (runSweep); progress arrives on the event channel tagged with our request id.
 */
import type { KernelVariant } from '../../../engine/host/types.js';
import type { TdxLabApi } from '../../../main/common/api-contract.js';
import type { SweepRunResult } from '../../../main/common/planning-contract.js';
import { AXES, type AxisName } from '../../../engine/sweep/axes.js';
import { parseSweep } from '../../../engine/sweep/schema.js';
import { expandCombination, resolveSweep, type Sweep } from '../../../engine/sweep/expand.js';
import { message } from '../lib/lab.svelte.js';

export interface AxisDraft {
  axis: AxisName;
  kind: 'range' | 'list';
  from: number;
  to: number;
  step: number;
  /** Comma-separated values for a list axis. */
  values: string;
}

export interface SweepPreset {
  label: string;
  axes: AxisDraft[];
}

const range = (axis: AxisName, from: number, to: number, step: number): AxisDraft => ({
  axis,
  kind: 'range',
  from,
  to,
  step,
  values: '',
});
const list = (axis: AxisName, values: string): AxisDraft => ({ axis, kind: 'list', from: 0, to: 0, step: 1, values });

export const PRESETS: SweepPreset[] = [
  { label: 'Memory × CXL (100)', axes: [range('memory_per_node_gib', 32, 320, 32), range('cxl_gib', 0, 288, 32)] },
  {
    label: 'CXL zone × kernel × CXL size (16)',
    axes: [
      list('cxl_zone', 'movable, normal'),
      list('kernel', 'upstream, cmr-holes'),
      list('cxl_gib', '0, 64, 256, 1024'),
    ],
  },
  { label: 'Nodes × max TDMRs (64)', axes: [range('nodes', 1, 8, 1), range('max_tdmrs', 1, 8, 1)] },
  { label: 'Memory × CXL (10,000)', axes: [range('memory_per_node_gib', 16, 1600, 16), range('cxl_gib', 0, 1584, 16)] },
];

function axisJson(a: AxisDraft): Record<string, unknown> {
  if (a.kind === 'range') return { axis: a.axis, range: { from: a.from, to: a.to, step: a.step } };
  const spec = AXES[a.axis];
  const values = a.values
    .split(',')
    .map((v) => v.trim())
    .filter((v) => v !== '')
    .map((v) => (spec.type === 'integer' && /^-?\d+(\.\d+)?$/.test(v) ? Number(v) : v));
  return { axis: a.axis, values };
}

export class SweepState {
  name = $state('planning-sweep');
  /** Base host: the editor's current host, or a sample's name. */
  base = $state<string>('editor');
  kernel = $state<KernelVariant>('upstream');
  mode = $state<'init' | 'plan'>('init');
  axes = $state<AxisDraft[]>(structuredClone(PRESETS[0].axes));
  running = $state(false);
  done = $state(0);
  total = $state(0);
  result = $state.raw<SweepRunResult | null>(null);
  /** The resolved sweep of the last result (to expand a clicked cell into its host). */
  sweep = $state.raw<Sweep | null>(null);
  error = $state<string | null>(null);
  cancelled = $state<string | null>(null);
  #requestId: string | null = null;

  constructor(readonly api: TdxLabApi) {
    api.onProgress((e) => {
      if (e.method !== 'runSweep' || e.requestId !== this.#requestId) return;
      this.done = e.done;
      this.total = e.total;
    });
  }

  /** The sweep document for a base host's JSON text. */
  document(hostJson: string): Record<string, unknown> {
    return { name: this.name || 'sweep', host: JSON.parse(hostJson), axes: this.axes.map(axisJson) };
  }

  /** Problems with the axes (JSON path + message), checked against a base host by the engine's own parser. */
  check(hostJson: string | null): { path: string; message: string }[] {
    if (!hostJson)
      return [
        { path: '$.host', message: 'the base host has problems (fix them in the host editor) or is not loaded yet' },
      ];
    const doc = parseSweep(this.document(hostJson));
    if (!doc.ok) return doc.problems;
    const r = resolveSweep(doc.value, doc.value.host!, this.kernel, this.mode);
    return r.ok ? [] : r.problems;
  }

  /** Combinations the axes give (product of their lengths), without validating values. */
  count(): number {
    let n = 1;
    for (const a of this.axes) {
      const j = axisJson(a);
      n *=
        a.kind === 'range'
          ? Math.max(0, Math.floor((a.to - a.from) / Math.max(1, a.step)) + 1)
          : (j.values as unknown[]).length;
    }
    return n;
  }

  async run(hostJson: string): Promise<void> {
    if (this.running) return;
    const doc = this.document(hostJson);
    const parsed = parseSweep(doc);
    if (!parsed.ok) {
      this.error = `${parsed.problems[0].path}: ${parsed.problems[0].message}`;
      return;
    }
    const resolved = resolveSweep(parsed.value, parsed.value.host!, this.kernel, this.mode);
    if (!resolved.ok) {
      this.error = `${resolved.problems[0].path}: ${resolved.problems[0].message}`;
      return;
    }
    const id = `sweep-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
    this.#requestId = id;
    this.running = true;
    this.error = null;
    this.cancelled = null;
    this.done = 0;
    this.total = resolved.value.total;
    try {
      const r = await this.api.runSweep({
        requestId: id,
        sweepJson: JSON.stringify(doc),
        kernel: this.kernel,
        mode: this.mode,
      });
      if (r.cancelled)
        this.cancelled = `Cancelled after ${r.done.toLocaleString('en-US')} of ${r.total.toLocaleString('en-US')} combinations; the previous result is kept.`;
      else {
        this.result = r;
        this.sweep = resolved.value;
        this.done = r.total;
      }
    } catch (e) {
      this.error = message(e);
    } finally {
      this.running = false;
      this.#requestId = null;
    }
  }

  async cancel(): Promise<void> {
    if (this.#requestId) await this.api.cancelSweep({ requestId: this.#requestId });
  }

  /** The host and kernel variant of one combination of the last result. */
  combination(index: number) {
    if (!this.sweep) return null;
    return expandCombination(this.sweep, index);
  }
}
