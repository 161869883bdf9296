/**
 * The host editor's state: a document under an undo history — the builder's
 * parts (HostSpec), the kernel variant, and the host as raw rows when it is
 * edited in the raw table or opened from a sample or run (then it is that
 * host exactly, never a rebuild of its parts). The engine's Outcome comes
 * through the API: the emulator runs in the Node side's worker pool, so the
 * UI thread only builds JSON. Stale answers (an older edit) are dropped by a
 * sequence number.
 */
import type { KernelVariant } from '../../../engine/host/types.js';
import type { Outcome } from '../../../engine/outcome/types.js';
import type { TdxLabApi } from '../../../main/common/api-contract.js';
import type { IomemRows } from '../../../main/common/editor-contract.js';
import {
  buildHost,
  checkHostSpec,
  defaultHostSpec,
  type HostSpec,
  type PlannedDevice,
} from '../../../engine/planning/host-builder.js';
import { specFromHost } from '../../../engine/planning/spec-from-host.js';
import {
  DEFAULT_UNDO_LIMIT,
  canRedo,
  canUndo,
  commit,
  redo,
  startHistory,
  undo,
  type UndoHistory,
} from '../../../engine/planning/undo.js';
import {
  addRow,
  deleteRow,
  pasteRows,
  rawFromHost,
  rawProblems,
  rawRowCount,
  setCell,
  withSpecLimits,
  type RawSection,
} from '../../../engine/planning/raw-host.js';
import { hostToJson, type HostJson } from '../../../engine/format/host-json.js';
import { parseHost } from '../../../engine/host/validate.js';
import { modelFor, message } from '../lib/lab.svelte.js';
import { evidenceShapes } from './highlight.js';

interface EditorDoc {
  spec: HostSpec;
  variant: KernelVariant;
  /** The host as raw rows; null while it is built from the parts. */
  raw: HostJson | null;
}

/** Raw rows are compared by reference (every raw edit makes a new document when it changes something). */
const same = (a: EditorDoc, b: EditorDoc) =>
  a.raw === b.raw && a.variant === b.variant && JSON.stringify(a.spec) === JSON.stringify(b.spec);

/** Undo steps kept: fewer for big hosts, so the history of a 1M-region host stays within a few arrays' worth. */
function undoLimit(doc: EditorDoc): number {
  const rows = doc.raw ? rawRowCount(doc.raw) : 0;
  return Math.max(10, Math.min(DEFAULT_UNDO_LIMIT, Math.floor(2_000_000 / Math.max(1, rows))));
}

/** Builder fields that a raw host takes over (its rows stay); any other part rebuilds the host from the parts. */
const KEEPS_RAW = (field: string) => field === 'variant' || field === 'name' || field.startsWith('module.');

export class EditorState {
  history = $state.raw<UndoHistory<EditorDoc>>(
    startHistory({ spec: defaultHostSpec(), variant: 'upstream', raw: null }),
  );
  /** Where the current host started: "default", or a sample / run name. */
  origin = $state('a new 2-socket server');
  /** Facts of the starting host the parts cannot express (its raw rows hold them). */
  lost = $state<string[]>([]);
  /** The engine's Outcome for the current host (analysed in the Node side's pool). */
  outcome = $state.raw<Outcome | null>(null);
  error = $state<string | null>(null);
  busy = $state(false);
  /** Edits answered so far (tests and the status line read it). */
  answered = $state(0);
  /** The left pane shown: the builder's parts, or the raw table (kept while the view is switched away). */
  pane = $state<'parts' | 'raw'>('parts');
  doc = $derived(this.history.present);
  spec = $derived(this.history.present.spec);
  raw = $derived(this.history.present.raw);
  /** The host document the editor holds: the raw rows, or the parts built (null while they have problems). */
  hostDoc = $derived.by((): HostJson | null => {
    const d = this.history.present;
    if (d.raw) return d.raw;
    return checkHostSpec(d.spec).length === 0 ? hostToJson(buildHost(d.spec)) : null;
  });
  /** Inline problems of the parts by field path ("sockets", "devices[0].sizeGiB"); none while the raw rows rule. */
  problems = $derived(new Map(this.history.present.raw ? [] : checkHostSpec(this.history.present.spec)));
  /** The host parser's problems with the raw rows, by row. */
  rawIssues = $derived(this.history.present.raw ? rawProblems(this.history.present.raw) : null);
  /** Whether the host can be planned now. */
  valid = $derived(this.problems.size === 0 && (this.rawIssues?.all.length ?? 0) === 0);
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

  /** Records a new document; keystrokes in the same field replace the last step. */
  #commit(field: string | null, next: EditorDoc): void {
    if (field !== null && field === this.#lastField && this.history.past.length > 0) {
      this.history = { ...this.history, present: next, future: [] };
    } else {
      this.history = commit(this.history, next, same, undoLimit(next));
    }
    this.#lastField = field;
    void this.run();
  }

  /** First visit: plan the default host. */
  start(): void {
    if (this.#started) return;
    this.#started = true;
    void this.run();
  }

  /**
   * Applies one edit to a copy of the parts; `field` groups keystrokes into
   * one undo step. A raw host keeps its rows for the kernel, its name and the
   * module limits; any other part rebuilds the host from the parts (undo
   * brings the raw rows back).
   */
  edit(field: string, change: (spec: HostSpec, doc: EditorDoc) => void): void {
    const present = this.history.present;
    const next: EditorDoc = {
      spec: structuredClone($state.snapshot(present.spec) as HostSpec),
      variant: present.variant,
      raw: present.raw,
    };
    change(next.spec, next);
    next.raw = present.raw && KEEPS_RAW(field) ? withSpecLimits(present.raw, next.spec) : null;
    if (next.raw && present.raw && field === 'variant') next.raw = present.raw;
    this.#commit(field, next);
  }

  /** The raw rows to edit: the held ones, or the parts built into rows on the first raw edit. */
  #rawBase(): HostJson | null {
    return this.history.present.raw ?? this.hostDoc;
  }

  #rawEdit(field: string | null, change: (raw: HostJson) => HostJson): void {
    const base = this.#rawBase();
    if (!base) {
      this.error = 'fix the parts first: the host cannot be built from them';
      return;
    }
    const raw = change(base);
    if (raw === this.history.present.raw) return;
    this.#commit(field, { ...this.history.present, raw });
  }

  /** One cell of the raw table, as typed. */
  setCell(section: RawSection, index: number, field: string, text: string): void {
    this.#rawEdit(`raw:${section}[${index}].${field}`, (r) => setCell(r, section, index, field, text));
  }

  /** Adds a row to a section; returns its index. */
  addRow(section: RawSection): number {
    let index = -1;
    this.#rawEdit(null, (r) => {
      const a = addRow(r, section);
      index = a.index;
      return a.raw;
    });
    return index;
  }

  deleteRow(section: RawSection, index: number): void {
    this.#rawEdit(null, (r) => deleteRow(r, section, index));
  }

  /** Rows the engine's importer read from pasted /proc/iomem lines (pasteIomem). */
  pasteRows(rows: IomemRows, mode: 'add' | 'replace'): void {
    this.#rawEdit(null, (r) => pasteRows(r, rows, mode));
  }

  /** Leaves the raw rows and builds the host from the parts again (undoable). */
  useParts(): void {
    if (!this.history.present.raw) return;
    this.#commit(null, { ...this.history.present, raw: null });
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

  /** Starts over from a recorded host (a sample's or a run's JSON text), exactly as it is; undoable. */
  startFrom(name: string, hostJson: string): void {
    let json: unknown;
    try {
      json = JSON.parse(hostJson);
    } catch (e) {
      this.error = `${name}: ${message(e)}`;
      return;
    }
    const parsed = parseHost(json);
    if (!parsed.ok) {
      this.error = `${name}: ${parsed.problems[0].path}: ${parsed.problems[0].message}`;
      return;
    }
    const { spec, lost } = specFromHost(parsed.value);
    this.origin = name;
    this.lost = lost;
    this.error = null;
    this.#commit(null, { spec, variant: this.history.present.variant, raw: rawFromHost(parsed.value) });
  }

  startDefault(): void {
    this.origin = 'a new 2-socket server';
    this.lost = [];
    this.#commit(null, { spec: defaultHostSpec(), variant: this.history.present.variant, raw: null });
  }

  /** The host as canonical JSON text, or null while it has problems. */
  hostJson(): string | null {
    if (!this.valid || !this.hostDoc) return null;
    return JSON.stringify(this.hostDoc, null, 2);
  }

  async run(): Promise<void> {
    const seq = ++this.#seq;
    if (!this.valid || !this.hostDoc) {
      this.busy = false;
      return; // the inline messages say what to fix; keep the last good answer on screen
    }
    const doc = this.history.present;
    this.busy = true;
    try {
      const r = await this.api.analyze({
        text: JSON.stringify(this.hostDoc),
        variant: doc.variant,
        source: doc.spec.name,
      });
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
