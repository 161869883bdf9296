/**
 * The host editor's state: the host spec (parts) under an undo history, the
 * engine's answer for it, and the verdict. Every edit rebuilds the host
 * (pure, in the renderer) and asks the API to plan it; the emulator runs in
 * the Node side's worker pool, so the UI thread only builds JSON. Stale
 * answers (an older edit) are dropped by a sequence number.
 */
import type { KernelVariant } from '../../../engine/host/types.js';
import type { Outcome } from '../../../engine/outcome/types.js';
import type { TdxLabApi } from '../../../main/common/api-contract.js';
import {
  buildHost,
  checkHostSpec,
  defaultHostSpec,
  type HostSpec,
  type PlannedDevice,
} from '../../../engine/planning/host-builder.js';
import { specFromHost } from '../../../engine/planning/spec-from-host.js';
import { canRedo, canUndo, commit, redo, startHistory, undo, type UndoHistory } from '../../../engine/planning/undo.js';
import { hostToJson } from '../../../engine/format/host-json.js';
import { parseHost } from '../../../engine/host/validate.js';
import { modelFor, message } from '../lib/lab.svelte.js';
import { evidenceShapes } from './highlight.js';

interface EditorDoc {
  spec: HostSpec;
  variant: KernelVariant;
}

const same = (a: EditorDoc, b: EditorDoc) => JSON.stringify(a) === JSON.stringify(b);

export class EditorState {
  history = $state.raw<UndoHistory<EditorDoc>>(startHistory({ spec: defaultHostSpec(), variant: 'upstream' }));
  /** Where the current host started: "default", or a sample / run name. */
  origin = $state('a new 2-socket server');
  /** Facts of the starting host the parts could not reproduce. */
  lost = $state<string[]>([]);
  /** The engine's Outcome for the current host (analysed in the Node side's pool). */
  outcome = $state.raw<Outcome | null>(null);
  error = $state<string | null>(null);
  busy = $state(false);
  /** Edits answered so far (tests and the status line read it). */
  answered = $state(0);
  doc = $derived(this.history.present);
  spec = $derived(this.history.present.spec);
  /** Inline problems by field path ("sockets", "devices[0].sizeGiB"). */
  problems = $derived(new Map(checkHostSpec(this.history.present.spec)));
  canUndo = $derived(canUndo(this.history));
  canRedo = $derived(canRedo(this.history));
  model = $derived(this.outcome ? modelFor(this.outcome) : null);
  /** What the first error finding's evidence points at, highlighted on the map. */
  highlight = $derived(this.model && this.outcome ? evidenceShapes(this.model, this.outcome) : []);
  /** The field last edited: consecutive keystrokes in one field make one undo step. */
  #lastField: string | null = null;
  #seq = 0;
  #started = false;

  constructor(readonly api: TdxLabApi) {}

  /** First visit: plan the default host. */
  start(): void {
    if (this.#started) return;
    this.#started = true;
    void this.run();
  }

  /** Applies one edit to a copy of the spec; `field` groups keystrokes into one undo step. */
  edit(field: string, change: (spec: HostSpec, doc: EditorDoc) => void): void {
    const next: EditorDoc = structuredClone($state.snapshot(this.history.present) as EditorDoc);
    change(next.spec, next);
    if (field === this.#lastField && this.history.past.length > 0) {
      this.history = { ...this.history, present: next, future: [] };
    } else {
      this.history = commit(this.history, next, same);
    }
    this.#lastField = field;
    void this.run();
  }

  setVariant(v: KernelVariant): void {
    this.edit('variant', (_s, d) => (d.variant = v));
  }

  addDevice(kind: PlannedDevice['kind']): void {
    this.edit(`add-device-${Math.random()}`, (s) => {
      const n = s.devices.filter((d) => d.kind === kind).length;
      s.devices.push({ name: `${kind}${n}`, kind, sizeGiB: kind === 'cxl' ? 128 : 64, hotAdd: 'before-init' });
    });
  }

  removeDevice(i: number): void {
    this.edit(`remove-device-${Math.random()}`, (s) => s.devices.splice(i, 1));
  }

  undo(): void {
    this.#lastField = null;
    this.history = undo(this.history);
    void this.run();
  }

  redo(): void {
    this.#lastField = null;
    this.history = redo(this.history);
    void this.run();
  }

  /** Starts over from a recorded host (a sample's or a run's JSON text); undoable. */
  startFrom(name: string, hostJson: string): void {
    const parsed = parseHost(JSON.parse(hostJson));
    if (!parsed.ok) {
      this.error = `${name}: ${parsed.problems[0].path}: ${parsed.problems[0].message}`;
      return;
    }
    const { spec, lost } = specFromHost(parsed.value);
    this.origin = name;
    this.lost = lost;
    this.#lastField = null;
    this.history = commit(this.history, { spec, variant: this.history.present.variant }, same);
    void this.run();
  }

  startDefault(): void {
    this.origin = 'a new 2-socket server';
    this.lost = [];
    this.#lastField = null;
    this.history = commit(this.history, { spec: defaultHostSpec(), variant: this.history.present.variant }, same);
    void this.run();
  }

  /** The built host as canonical JSON text, or null while the spec has problems. */
  hostJson(): string | null {
    if (this.problems.size > 0) return null;
    return JSON.stringify(hostToJson(buildHost(this.spec)), null, 2);
  }

  async run(): Promise<void> {
    const seq = ++this.#seq;
    const doc = this.history.present;
    if (checkHostSpec(doc.spec).length > 0) {
      this.busy = false;
      return; // the inline messages say what to fix; keep the last good answer on screen
    }
    this.busy = true;
    try {
      const hostJson = JSON.stringify(hostToJson(buildHost(doc.spec)));
      const r = await this.api.analyze({ text: hostJson, variant: doc.variant, source: doc.spec.name });
      if (seq !== this.#seq) return;
      this.outcome = r.outcome;
      this.error = null;
    } catch (e) {
      if (seq !== this.#seq) return;
      this.error = message(e);
    } finally {
      if (seq === this.#seq) {
        this.busy = false;
        this.answered++;
      }
    }
  }
}
