/**
 * The compare view's state: two sides, each a source (the host open on the
 * map, the editor's host, a sample, or a stored run) with a kernel variant,
 * each side's Outcome from the API (a stored run's is the one it was
 * recorded with), and what differs between the two Outcomes and hosts
 * (engine/planning/compare.ts). One shared address window keeps both maps aligned.
 */
import type { TdxLabApi } from '../../../main/common/api-contract.js';
import type { KernelVariant } from '../../../engine/host/types.js';
import type { Outcome } from '../../../engine/outcome/types.js';
import { diffHosts, diffOutcomes, type DiffRow } from '../../../engine/planning/compare.js';
import { message, modelFor, type LabState } from '../lib/lab.svelte.js';
import { shapesFor } from './highlight.js';
import { TRACK_LABELS, type TrackId } from '../../../renderer/map/index.js';

const TRACK_ORDER: readonly TrackId[] = [
  'numa',
  'memblock',
  'tdx-memory',
  'cmr',
  'tdmr',
  'pamt',
  'mem-block',
  'device',
];
import type { EditorState } from './editor.svelte.js';

export type Side = 'a' | 'b';

/** The kernel a side is planned with: a variant, or 'given' — the map's, the editor's, the toolbar's for a sample, a run's as recorded. */
export type SideKernel = KernelVariant | 'given';

/** The source value of the host open on the map. */
export const MAP_SOURCE = 'map';

export class CompareState {
  /** Per side: 'map', 'editor', a sample name or 'run:ID'. */
  source = $state<Record<Side, string>>({ a: '2s-server-512g', b: 'editor' });
  kernel = $state<Record<Side, SideKernel>>({ a: 'given', b: 'given' });
  /** Stored runs offered beyond the open session's (set by "compare these two runs"): id → name. */
  extraRuns = $state<{ id: string; name: string }[]>([]);
  /** The app's state: the host open on the map and the toolbar's kernel. */
  lab: LabState | null = null;
  /** Each side's Outcome (a stored run's is the one it was recorded with). */
  result = $state.raw<Record<Side, Outcome | null>>({ a: null, b: null });
  busy = $state(false);
  error = $state<string | null>(null);
  domain = $state<[number, number] | null>(null);
  /** Both models span the same address space (the larger top), so one domain fits both maps and their tracks line up. */
  models = $derived.by(() => {
    const a = this.result.a ? modelFor(this.result.a) : null;
    const b = this.result.b ? modelFor(this.result.b) : null;
    if (a && b) {
      a.top = b.top = Math.max(a.top, b.top);
      // Same tracks on both (an empty one where a side has none), so the rows line up too.
      const order = [...new Set([...a.tracks, ...b.tracks].map((t) => t.id))].sort(
        (x, y) => TRACK_ORDER.indexOf(x) - TRACK_ORDER.indexOf(y),
      );
      for (const m of [a, b])
        m.tracks = order.map((id) => m.tracks.find((t) => t.id === id) ?? { id, label: TRACK_LABELS[id], shapes: [] });
    }
    return { a, b };
  });
  rows = $derived.by((): DiffRow[] => {
    const { a, b } = this.result;
    if (!a || !b) return [];
    return [...diffOutcomes(a, b), ...diffHosts(a.host, b.host)];
  });
  /** Shapes to highlight per side: what was removed or changed shows on A, what was added or changed on B. */
  highlights = $derived.by(() => {
    const TRACK: Partial<Record<DiffRow['section'], TrackId>> = { memblock: 'memblock', device: 'device', cmr: 'cmr' };
    const ranged = this.rows
      .filter((r) => r.start !== undefined && r.end !== undefined && TRACK[r.section])
      .map((r) => ({ kind: r.kind, start: r.start!, end: r.end!, track: TRACK[r.section] }));
    return {
      a: this.models.a
        ? shapesFor(
            this.models.a,
            ranged.filter((r) => r.kind !== 'added'),
          )
        : [],
      b: this.models.b
        ? shapesFor(
            this.models.b,
            ranged.filter((r) => r.kind !== 'removed'),
          )
        : [],
    };
  });
  #seq = 0;

  constructor(
    readonly api: TdxLabApi,
    readonly editor: EditorState,
  ) {}

  /** The kernel 'given' stands for on a side, in words for the kernel picker. */
  givenKernel(side: Side): string {
    const src = this.source[side];
    if (src.startsWith('run:')) return 'as recorded';
    if (src === MAP_SOURCE) return `as on the map (${this.lab?.outcome?.subject.kernel ?? this.lab?.variant ?? '-'})`;
    if (src === 'editor') return `as in the editor (${this.editor.doc.variant})`;
    return `the toolbar's (${this.lab?.variant ?? 'upstream'})`;
  }

  /** One side's Outcome: analysed through the API, or the one already made (the map's, a stored run's). */
  async outcomeOf(side: Side): Promise<Outcome> {
    const src = this.source[side];
    const k = this.kernel[side];
    const analyze = async (text: string, name: string, variant: KernelVariant) =>
      (await this.api.analyze({ text, variant, source: name })).outcome;
    if (src.startsWith('run:')) {
      const run = await this.api.getRun({ id: src.slice(4) });
      if (k === 'given') {
        if (!run.outcome)
          throw new Error(`run ${run.name} cannot be compared as recorded: ${run.outcomeNote ?? 'no outcome'}`);
        return run.outcome;
      }
      if (!run.hostJson) throw new Error(`run ${run.name} has no stored host to plan on ${k}`);
      return analyze(run.hostJson, `${run.name} (host)`, k);
    }
    if (src === MAP_SOURCE) {
      const lab = this.lab;
      if (!lab?.doc || !lab.outcome) throw new Error('no host is open on the map');
      // A big host's Outcome on the map is slim (its memblock and TDX memory lists stay in its document): analysed whole here.
      if (k === 'given' && !lab.brief) return lab.outcome;
      if (k === 'given') return analyze(lab.doc.text, lab.doc.name, lab.variant);
      if (!lab.doc.text) throw new Error(`${lab.doc.name} has no host to plan on ${k}`);
      return analyze(lab.doc.text, lab.doc.name, k);
    }
    if (src === 'editor') {
      const json = this.editor.hostJson();
      if (!json) throw new Error('the host editor has problems to fix first');
      return analyze(json, `${this.editor.spec.name} (editor)`, k === 'given' ? this.editor.doc.variant : k);
    }
    const s = await this.api.loadSample({ name: src });
    return analyze(s.hostJson, s.name, k === 'given' ? (this.lab?.variant ?? 'upstream') : k);
  }

  async run(): Promise<void> {
    const seq = ++this.#seq;
    this.busy = true;
    try {
      const [a, b] = await Promise.all([this.outcomeOf('a'), this.outcomeOf('b')]);
      if (seq !== this.#seq) return;
      this.result = { a, b };
      const top = Math.max(modelFor(a).top, modelFor(b).top);
      this.domain = [0, top];
      this.error = null;
    } catch (e) {
      if (seq === this.#seq) this.error = message(e);
    } finally {
      if (seq === this.#seq) this.busy = false;
    }
  }

  set(side: Side, source: string): void {
    this.source = { ...this.source, [side]: source };
    void this.run();
  }

  setKernel(side: Side, kernel: SideKernel): void {
    this.kernel = { ...this.kernel, [side]: kernel };
    void this.run();
  }

  /** One click: A's host on upstream against the same host on cmr-holes. */
  kernelsOfA(a: KernelVariant = 'upstream', b: KernelVariant = 'cmr-holes'): void {
    this.source = { a: this.source.a, b: this.source.a };
    this.kernel = { a, b };
    void this.run();
  }

  /** Two stored runs side by side, each as recorded (the Sessions tab's "compare these two runs"). */
  compareRuns(a: { id: string; name: string }, b: { id: string; name: string }): void {
    const known = new Set(this.extraRuns.map((r) => r.id));
    this.extraRuns = [...this.extraRuns, ...[a, b].filter((r) => !known.has(r.id) && (known.add(r.id), true))];
    this.source = { a: `run:${a.id}`, b: `run:${b.id}` };
    this.kernel = { a: 'given', b: 'given' };
    void this.run();
  }
}
