/**
 * The app's state: what is open, the engine's answer, the map model and
 * the selection. One reactive object (Svelte 5 runes) that every panel
 * reads; actions go through the API bridge only.
 */
import type { KernelVariant } from '../../../engine/host/types.js';
import type {
  PlanHostResult,
  ProgressEvent,
  RunInfo,
  SampleInfo,
  SessionInfo,
  TdxLabApi,
} from '../../../main/common/api-contract.js';
import { buildMapModel, type MapModel, type MapShape } from '../../../renderer/map/index.js';

export interface OpenDocument {
  /** Sample name or file name, shown in the title bar. */
  name: string;
  hostJson: string;
}

/** Hosts larger than this (JSON text) are planned first and initialized in a second call. */
const BIG_HOST_CHARS = 1_000_000;

export type BottomTab = 'tdmrs' | 'pamt' | 'log' | 'sessions';

/** The map model with the module's verdict folded in (the kernel plan alone does not know TDH.SYS.CONFIG failed). */
export function modelFor(r: PlanHostResult): MapModel {
  const model = buildMapModel({ host: r.host, plan: r.plan, memoryBlocks: r.memoryBlocks });
  if (r.moduleFailedTdmr !== null && r.init) {
    const id = `tdmr-${r.moduleFailedTdmr}`;
    const t = model.tracks.find((tr) => tr.id === 'tdmr')?.shapes.find((s) => s.id === id);
    if (t) {
      t.classes = [...t.classes, 'failed'];
      t.details = {
        ...t.details,
        failed: `${r.init.statusName ?? 'SEAMCALL failed'} (TDH.SYS.CONFIG, ${r.init.errno})`,
      };
      model.failedTdmr = r.moduleFailedTdmr;
    }
  }
  return model;
}

export class LabState {
  samples = $state<SampleInfo[]>([]);
  doc = $state<OpenDocument | null>(null);
  variant = $state<KernelVariant>('upstream');
  compressHoles = $state(true);
  result = $state.raw<PlanHostResult | null>(null);
  error = $state<{ title: string; message: string } | null>(null);
  /** Something worth knowing that is not an error (e.g. what an import assumed). */
  notice = $state<string | null>(null);
  busy = $state(false);
  /** The map shows the plan; the init flow is still running (big hosts). */
  initPending = $state(false);
  progress = $state<ProgressEvent | null>(null);
  selectedId = $state<string | null>(null);
  tab = $state<BottomTab>('tdmrs');
  sessions = $state<SessionInfo[] | null>(null);
  sessionsError = $state<string | null>(null);
  runs = $state<RunInfo[]>([]);
  openSessionId = $state<string | null>(null);
  model = $derived(this.result ? modelFor(this.result) : null);
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
      this.samples = await this.api.listSamples({});
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

  /** Opens a host: on success it replaces what is shown; on failure the old host stays and the error says why. */
  async openText(name: string, hostJson: string, variant?: KernelVariant): Promise<void> {
    if (variant) this.variant = variant;
    await this.plan({ name, hostJson });
  }

  /** Builds a host from recorded artifacts (dmesg, iomem, lsmem, …) and opens it. */
  async importFiles(files: { name: string; text: string }[]): Promise<void> {
    this.error = null;
    this.notice = null;
    try {
      const r = await this.api.importArtifacts({ files });
      this.notice = r.assumptions.length
        ? `Imported ${r.hostName} from ${files.map((f) => f.name).join(', ')}. Assumed: ${r.assumptions.join(' ')}`
        : null;
      await this.openText(`${r.hostName} (imported)`, r.hostJson);
    } catch (e) {
      this.error = { title: `Could not import ${files.map((f) => f.name).join(', ')}`, message: message(e) };
    }
  }

  /** Re-plans the open document (after a variant change). */
  async run(): Promise<void> {
    if (this.doc) await this.plan(this.doc);
  }

  async plan(doc: OpenDocument): Promise<void> {
    const seq = ++this.#seq;
    this.busy = true;
    this.error = null;
    try {
      const args = { hostJson: doc.hostJson, variant: this.variant, source: doc.name };
      // A big host: show the kernel plan at once, then the init flow's verdict when it is done.
      const split = doc.hostJson.length > BIG_HOST_CHARS;
      const r = await this.api.planHost({ ...args, withInit: !split });
      if (seq !== this.#seq) return;
      // A different host: the old selection means nothing there.
      if (this.result?.host.name !== r.host.name) this.selectedId = null;
      this.doc = doc;
      this.result = r;
      if (this.selectedId && !this.shapeIndex.has(this.selectedId)) this.selectedId = null;
      if (split) {
        this.initPending = true;
        const full = await this.api.planHost(args);
        if (seq !== this.#seq) return;
        this.result = full;
      }
    } catch (e) {
      if (seq !== this.#seq) return;
      // Input errors already start with the file name; say it once.
      const m = message(e);
      this.error = {
        title: `Could not open ${doc.name}`,
        message: m.startsWith(`${doc.name}: `) ? m.slice(doc.name.length + 2) : m,
      };
    } finally {
      if (seq === this.#seq) {
        this.busy = false;
        this.initPending = false;
      }
    }
  }

  setVariant(v: KernelVariant): void {
    this.variant = v;
    void this.run();
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

  async openRun(id: string): Promise<void> {
    try {
      const run = await this.api.getRun({ id });
      if (!run.hostJson) throw new Error(`run ${run.name} has no host to show on the map`);
      await this.openText(run.name, run.hostJson, run.variant);
    } catch (e) {
      this.error = { title: `Could not open run ${id}`, message: message(e) };
    }
  }
}

export function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
