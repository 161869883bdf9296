/**
 * The app's state: what is open, its Outcome (computed by the engine in the
 * Node side's worker pool, never here), the map model built from it and the
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
import { buildMapModel, mapInputFromOutcome, type MapModel, type MapShape } from '../../../renderer/map/index.js';

export interface OpenDocument {
  /** Sample name, file name or run name, shown in the title bar. */
  name: string;
  /** The document's text (host, scenario or recorded host); for a stored run, its host. */
  text: string;
  /** A stored run shown as it was recorded. */
  runId?: string;
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
  selectedId = $state<string | null>(null);
  tab = $state<BottomTab>('findings');
  sessions = $state<SessionInfo[] | null>(null);
  sessionsError = $state<string | null>(null);
  runs = $state<RunInfo[]>([]);
  openSessionId = $state<string | null>(null);
  model = $derived(this.outcome ? modelFor(this.outcome) : null);
  /** Every shape by id, for the details panel and the tables. */
  shapeIndex = $derived.by(() => {
    const m = new Map<string, MapShape>();
    for (const t of this.model?.tracks ?? []) for (const s of t.shapes) m.set(s.id, s);
    return m;
  });
  selected = $derived(this.selectedId ? (this.shapeIndex.get(this.selectedId) ?? null) : null);
  /** A run counter so stale answers (an older click) never overwrite newer ones. */
  #seq = 0;

  constructor(readonly api: TdxLabApi) {
    api.onProgress((e) => (this.progress = e));
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
    await this.analyze({ name, text });
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
      await this.analyze({ name: `${this.doc.name} (host, ${this.variant})`, text: this.doc.text });
      return;
    }
    await this.analyze(this.doc);
  }

  private show(doc: OpenDocument, r: AnalysisResult): void {
    // A different subject: the old selection means nothing there.
    if (this.outcome?.subject.name !== r.outcome.subject.name) this.selectedId = null;
    // Only a recorded host has an evidence tab.
    if (!r.outcome.recorded && this.tab === 'evidence') this.tab = 'findings';
    this.doc = doc;
    this.result = r;
    if (this.selectedId && !this.shapeIndex.has(this.selectedId)) this.selectedId = null;
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
      // Input errors already start with the file name; say it once.
      const m = message(e);
      this.error = {
        title: `Could not open ${doc.name}`,
        message: m.startsWith(`${doc.name}: `) ? m.slice(doc.name.length + 2) : m,
      };
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

  select(id: string | null): void {
    this.selectedId = id;
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
