/**
 * The compare view's state: two hosts (the editor's, samples, or recorded
 * runs of the open session), each
 * planned through the API, their verdicts, and what differs (engine/planning/
 * compare.ts). One shared address window keeps both maps aligned.
 */
import type { TdxLabApi } from '../../../main/common/api-contract.js';
import type { KernelVariant } from '../../../engine/host/types.js';
import type { Outcome } from '../../../engine/outcome/types.js';
import { diffHosts, diffOutcomes, type DiffRow } from '../../../engine/planning/compare.js';
import { message, modelFor } from '../lib/lab.svelte.js';
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

export class CompareState {
  /** 'editor' or a sample name, per side. */
  source = $state<Record<Side, string>>({ a: '2s-server-512g', b: 'editor' });
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

  /** A side's document, or a stored run's recorded Outcome. */
  async subject(
    source: string,
  ): Promise<{ name: string; json: string; variant?: KernelVariant } | { outcome: Outcome }> {
    if (source.startsWith('run:')) {
      const run = await this.api.getRun({ id: source.slice(4) });
      if (!run.outcome)
        throw new Error(`run ${run.name} cannot be compared as recorded: ${run.outcomeNote ?? 'no outcome'}`);
      return { outcome: run.outcome };
    }
    if (source === 'editor') {
      const json = this.editor.hostJson();
      if (!json) throw new Error('the host editor has problems to fix first');
      return { name: `${this.editor.spec.name} (editor)`, json };
    }
    const s = await this.api.loadSample({ name: source });
    return { name: s.name, json: s.hostJson };
  }

  async run(): Promise<void> {
    const seq = ++this.#seq;
    this.busy = true;
    try {
      const [a, b] = await Promise.all(
        (['a', 'b'] as const).map(async (side): Promise<Outcome> => {
          const h = await this.subject(this.source[side]);
          if ('outcome' in h) return h.outcome;
          const variant = h.variant ?? (this.source[side] === 'editor' ? this.editor.doc.variant : 'upstream');
          return (await this.api.analyze({ text: h.json, variant, source: h.name })).outcome;
        }),
      );
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
}
