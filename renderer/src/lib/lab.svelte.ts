/**
 * The app's state: what is open, its Outcome (computed by the engine on the
 * Node side, in the document's own worker thread, never here), the map model
 * built from it (a big host's: its overview, then windows) and the
 * selection. One reactive object (Svelte 5 runes) that every panel reads;
 * actions go through the API bridge only.
 */
import type { KernelVariant } from '../../../engine/host/types.js';
import type { Outcome } from '../../../engine/outcome/types.js';
import type {
  AnalysisResult,
  ProgressEvent,
  RunInfo,
  SampleInfo,
  SessionInfo,
  TdxLabApi,
} from '../../../main/common/api-contract.js';
import type { DocumentBrief } from '../../../main/common/document-contract.js';
import type { TdmrRow } from '../../../engine/outcome/rows.js';
import type { SeamcallRecord } from '../../../engine/flow/seamcall.js';
import type { Resolution } from '../../../renderer/map/find.js';
import { buildMapModel, mapInputFromOutcome, type MapModel, type MapShape } from '../../../renderer/map/index.js';

export interface OpenDocument {
  /** Sample name, file name or run name, shown in the title bar. */
  name: string;
  /** The document's text (host, scenario or recorded host); for a stored run, its host. */
  text: string;
  /** A stored run shown as it was recorded. */
  runId?: string;
}

/** An open under way in the document worker: what the progress line shows and Cancel stops. */
export interface Opening {
  requestId: string;
  name: string;
  phase: string;
  message: string;
}

export type BottomTab = 'evidence' | 'findings' | 'tdmrs' | 'pamt' | 'log' | 'sessions';

/** The one map input builder (renderer/map/from-outcome.ts), for every view. */
export function modelFor(o: Outcome): MapModel {
  return buildMapModel(mapInputFromOutcome(o));
}

export class LabState {
  samples = $state<SampleInfo[]>([]);
  doc = $state<OpenDocument | null>(null);
  variant = $state<KernelVariant>('upstream');
  variants = $state<KernelVariant[]>([]);
  compressHoles = $state(true);
  result = $state.raw<AnalysisResult | null>(null);
  outcome = $derived(this.result?.outcome ?? null);
  error = $state<{ title: string; message: string } | null>(null);
  /** Something worth knowing that is not an error (e.g. what an import assumed). */
  notice = $state<string | null>(null);
  busy = $state(false);
  progress = $state<ProgressEvent | null>(null);
  /** The open under way (openDocument), or null. */
  opening = $state<Opening | null>(null);
  /** The open document on the Node side (main/workers/documents.ts); null for an import or a stored run. */
  docId = $state<string | null>(null);
  /** A big host's brief: its overview is the map's model, the rest comes by window, page and query. */
  brief = $state.raw<DocumentBrief | null>(null);
  selectedId = $state<string | null>(null);
  /** A selected shape that is not in the model drawn (a big host's window), fetched with documentShape. */
  fetchedShape = $state.raw<MapShape | null>(null);
  tab = $state<BottomTab>('findings');
  sessions = $state<SessionInfo[] | null>(null);
  sessionsError = $state<string | null>(null);
  runs = $state<RunInfo[]>([]);
  openSessionId = $state<string | null>(null);
  model = $derived(this.brief ? this.brief.overview : this.outcome ? modelFor(this.outcome) : null);
  /** Every shape by id, for the details panel and the tables. */
  shapeIndex = $derived.by(() => {
    const m = new Map<string, MapShape>();
    for (const t of this.model?.tracks ?? []) for (const s of t.shapes) m.set(s.id, s);
    return m;
  });
  selected = $derived.by(() => {
    const id = this.selectedId;
    if (!id) return null;
    return this.shapeIndex.get(id) ?? (this.fetchedShape?.id === id ? this.fetchedShape : null);
  });
  /** A big host's TDMR table, read page by page from its document. */
  tdmrRemote = $derived.by(() => {
    const docId = this.docId;
    const b = this.brief;
    if (!b || !docId) return null;
    return {
      total: b.tdmrRows,
      page: async (from: number, count: number) =>
        (await this.api.documentRows({ docId, table: 'tdmrs', from, count })).rows as TdmrRow[],
    };
  });
  /** A big host's SEAMCALL table, read page by page from its document. */
  seamcallRemote = $derived.by(() => {
    const docId = this.docId;
    const b = this.brief;
    if (!b || !docId) return null;
    return {
      total: b.omitted.seamcalls,
      keys: b.keySeamcalls,
      page: async (from: number, count: number) =>
        (await this.api.documentRows({ docId, table: 'seamcalls', from, count })).rows as SeamcallRecord[],
    };
  });
  /** A big host's details panel: a TDMR's row and the TDX memory in a range, from its document. */
  detailsRemote = $derived.by(() => {
    const docId = this.docId;
    if (!this.brief || !docId) return null;
    return {
      row: async (index: number) =>
        (await this.api.documentRows({ docId, table: 'tdmrs', from: index, count: 1 })).rows[0] as TdmrRow | undefined,
      tdxIn: (start: number, end: number, limit: number) =>
        this.api.documentShapes({ docId, kind: 'tdx-memory', start, end, limit }),
    };
  });
  /** A run counter so stale answers (an older click) never overwrite newer ones. */
  #seq = 0;
  #selectSeq = 0;
  /** The notice a cancel left, cleared when a document opens after it. */
  #cancelNotice: string | null = null;

  constructor(readonly api: TdxLabApi) {
    api.onProgress((e) => {
      this.progress = e;
      const o = this.opening;
      if (o && e.method === 'openDocument' && e.requestId === o.requestId)
        this.opening = { ...o, phase: e.phase, message: e.message };
    });
  }

  async init(): Promise<void> {
    try {
      const [samples, info] = await Promise.all([this.api.listSamples({}), this.api.getInfo({})]);
      this.samples = samples;
      this.variants = info.variants;
    } catch (e) {
      this.error = { title: 'Could not list the samples', message: message(e) };
    }
  }

  async openSample(name: string): Promise<void> {
    try {
      const s = await this.api.loadSample({ name });
      await this.openText(s.name, s.hostJson);
    } catch (e) {
      this.error = { title: `Could not open sample ${name}`, message: message(e) };
    }
  }

  /** Opens a document: on success it replaces what is shown; on failure the old one stays and the error says why. */
  async openText(name: string, text: string, variant?: KernelVariant): Promise<void> {
    if (variant) this.variant = variant;
    await this.open({ name, text });
  }

  /**
   * Builds a recorded host from artifacts (dmesg, iomem, lsmem, …) and opens it
   * on its evidence: each boot printed beside predicted, on the boot's own
   * kernel. A dmesg without a memory layout opens too (what it printed).
   */
  async importFiles(files: { name: string; text: string }[]): Promise<void> {
    this.error = null;
    this.notice = null;
    try {
      const r = await this.api.importArtifacts({ files });
      this.notice = `Imported ${r.hostName} from ${files.map((f) => f.name).join(', ')}${r.layoutMissing ? `: ${r.layoutMissing}` : ''}; the evidence tab shows what it printed beside what the lab predicts, and what was assumed.`;
      await this.analyze({ name: `${r.hostName} (imported)`, text: r.hostJson }, { kernelGiven: false });
      if (this.outcome?.recorded) {
        this.variant = this.outcome.subject.kernel;
        // Without a layout the evidence is already where the map would be.
        this.tab = this.outcome.verdict.basis === 'observed' ? 'findings' : 'evidence';
      }
    } catch (e) {
      this.error = { title: `Could not import ${files.map((f) => f.name).join(', ')}`, message: message(e) };
    }
  }

  /** Analyses the open document again (after a kernel change). A stored run becomes its host on the new kernel. */
  async run(): Promise<void> {
    if (!this.doc) return;
    if (this.doc.runId) {
      if (!this.doc.text) return;
      this.notice = `${this.doc.name} is a stored run; its host is analysed again with ${this.variant}.`;
      await this.open({ name: `${this.doc.name} (host, ${this.variant})`, text: this.doc.text });
      return;
    }
    // An import was opened by analyze (its kernel is the recorded one unless chosen): so it is again.
    if (!this.docId && this.doc.text) await this.analyze(this.doc);
    else await this.open(this.doc);
  }

  private show(doc: OpenDocument, r: AnalysisResult, opened?: { docId: string; brief: DocumentBrief | null }): void {
    // A different subject: the old selection means nothing there.
    if (this.outcome?.subject.name !== r.outcome.subject.name) this.selectedId = null;
    // Only a recorded host has an evidence tab.
    if (!r.outcome.recorded && this.tab === 'evidence') this.tab = 'findings';
    // The document shown before is no longer needed on the Node side.
    const old = this.docId;
    if (old && old !== opened?.docId) void this.api.closeDocument({ docId: old }).catch(() => {});
    this.docId = opened?.docId ?? null;
    this.brief = opened?.brief ?? null;
    this.fetchedShape = null;
    this.doc = doc;
    this.result = r;
    if (this.selectedId && !this.shapeIndex.has(this.selectedId)) {
      if (this.brief) this.select(this.selectedId);
      else this.selectedId = null;
    }
  }

  /**
   * Opens a document in its own worker on the Node side (openDocument):
   * progress on the way, Cancel (or Escape) stops it and leaves what was
   * shown; a big host comes slim, its map by windows.
   */
  async open(doc: OpenDocument): Promise<void> {
    const seq = ++this.#seq;
    const requestId = `open-${seq}-${Date.now()}`;
    this.busy = true;
    this.error = null;
    this.opening = { requestId, name: doc.name, phase: 'send', message: `sending ${doc.name} to be opened` };
    try {
      // Marks for the bench (tests/bench/map-scale.bench.ts): when the text left the page and the answer came back.
      performance.mark('tdx-open-send');
      const r = await this.api.openDocument({ requestId, text: doc.text, variant: this.variant, source: doc.name });
      performance.mark('tdx-open-answer', { detail: r.cancelled ? null : r.phases });
      if (r.cancelled) return;
      if (seq !== this.#seq) {
        void this.api.closeDocument({ docId: r.docId }).catch(() => {});
        return;
      }
      if (this.notice === this.#cancelNotice) this.notice = null;
      this.show(doc, { outcome: r.outcome, engineVersion: r.engineVersion, links: r.links }, r);
    } catch (e) {
      if (seq !== this.#seq) return;
      this.failed(doc, e);
    } finally {
      if (this.opening?.requestId === requestId) this.opening = null;
      if (seq === this.#seq) this.busy = false;
    }
  }

  /** A big host's level-of-detail window (mapWindow on its document). */
  window(domain: [number, number], pixels: number, compressHoles: boolean): Promise<MapModel> {
    if (!this.docId) return Promise.reject(new Error('no document is open'));
    const d: [number, number] = [Math.max(0, Math.floor(domain[0])), Math.ceil(domain[1])];
    return this.api.mapWindow({
      docId: this.docId,
      domain: d,
      pixels: Math.max(1, Math.min(16384, pixels)),
      compressHoles,
    });
  }

  /** An omnibox query resolved on the whole document. */
  find(query: string): Promise<Resolution> {
    if (!this.docId) return Promise.reject(new Error('no document is open'));
    return this.api.findInDocument({ docId: this.docId, query });
  }

  /** Stops the open under way; what was shown before stays. */
  async cancelOpen(): Promise<void> {
    const o = this.opening;
    if (!o) return;
    ++this.#seq;
    this.opening = null;
    this.busy = false;
    // A kernel switch that was stopped: the toolbar shows the kernel of what is still shown.
    if (this.outcome && !this.doc?.runId) this.variant = this.outcome.subject.kernel;
    this.notice =
      this.#cancelNotice = `Stopped opening ${o.name}; ${this.doc ? `${this.doc.name} is still shown` : 'nothing else was open'}.`;
    try {
      await this.api.cancelOpen({ requestId: o.requestId });
    } catch (e) {
      this.error = { title: `Could not stop opening ${o.name}`, message: message(e) };
    }
  }

  private failed(doc: OpenDocument, e: unknown): void {
    // Input errors already start with the file name; say it once.
    const m = message(e);
    this.error = {
      title: `Could not open ${doc.name}`,
      message: m.startsWith(`${doc.name}: `) ? m.slice(doc.name.length + 2) : m,
    };
  }

  async analyze(doc: OpenDocument, o: { kernelGiven?: boolean } = {}): Promise<void> {
    const seq = ++this.#seq;
    this.busy = true;
    this.error = null;
    try {
      const r = await this.api.analyze({
        text: doc.text,
        variant: this.variant,
        source: doc.name,
        ...(o.kernelGiven === false && { kernelGiven: false }),
      });
      if (seq !== this.#seq) return;
      this.show(doc, r);
    } catch (e) {
      if (seq !== this.#seq) return;
      this.failed(doc, e);
    } finally {
      if (seq === this.#seq) this.busy = false;
    }
  }

  setVariant(v: KernelVariant): void {
    this.variant = v;
    void this.run();
  }

  /** The next kernel variant (the K key). */
  nextVariant(): KernelVariant {
    const list = this.variants.length ? this.variants : [this.variant];
    return list[(list.indexOf(this.variant) + 1) % list.length];
  }

  /** Selects a shape; one not in the model drawn (a big host) is fetched from its document. */
  select(id: string | null): void {
    this.selectedId = id;
    void this.#fetchShape(id);
  }

  async #fetchShape(id: string | null): Promise<void> {
    const seq = ++this.#selectSeq;
    if (!id || !this.brief || !this.docId || this.shapeIndex.has(id) || this.fetchedShape?.id === id) return;
    try {
      const s = await this.api.documentShape({ docId: this.docId, id });
      if (seq === this.#selectSeq) this.fetchedShape = s;
    } catch (e) {
      if (seq === this.#selectSeq) this.error = { title: `Could not read ${id}`, message: message(e) };
    }
  }

  async loadSessions(): Promise<void> {
    try {
      this.sessions = await this.api.listSessions({});
      this.sessionsError = null;
    } catch (e) {
      this.sessions = null;
      this.sessionsError = message(e);
    }
  }

  async openSession(id: string): Promise<void> {
    try {
      this.openSessionId = id;
      this.runs = await this.api.listRuns({ sessionId: id });
    } catch (e) {
      this.sessionsError = message(e);
    }
  }

  /** Shows a stored run as it was recorded: its own Outcome, never a re-plan of its host. */
  async openRun(id: string): Promise<void> {
    const seq = ++this.#seq;
    try {
      const run = await this.api.getRun({ id });
      if (seq !== this.#seq) return;
      if (!run.outcome)
        throw new Error(`run ${run.name} cannot be shown as recorded: ${run.outcomeNote ?? 'it has no outcome'}`);
      this.variant = run.variant;
      this.notice = run.outcomeNote;
      this.show(
        { name: run.name, text: run.hostJson ?? '', runId: run.id },
        { outcome: run.outcome, engineVersion: run.outcome.engineVersion },
      );
    } catch (e) {
      this.error = { title: `Could not open run ${id}`, message: message(e) };
    }
  }
}

export function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
