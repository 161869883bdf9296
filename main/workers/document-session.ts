/**
 * One open document on the Node side: its text parsed, validated and
 * analysed (the Outcome), the map's columns (buildMapIndex), the log links
 * and the TDMR rows, kept where they were computed so that a big host never
 * crosses to the renderer whole. The renderer gets the Outcome without the
 * arrays that grow with the region count (memblock, the TDX memory list)
 * and a level-of-detail overview, then asks for windows, rows and queries.
 * Runs in the document's worker thread (document-worker.ts), or in-process
 * for the transports' tests.
 */
import type { KernelVariant } from '../../engine/host/types.js';
import { outcomeLinks, type ShapeLinks } from '../../engine/outcome/links.js';
import { tdmrRows, type TdmrRow } from '../../engine/outcome/rows.js';
import { keySeamcalls } from '../../engine/outcome/log-excerpt.js';
import type { Outcome } from '../../engine/outcome/types.js';
import {
  buildMapIndex,
  mapInputFromOutcome,
  mapWindow,
  OVERVIEW_PIXELS,
  type MapIndex,
} from '../../renderer/map/index.js';
import { layerFirstReaching } from '../../renderer/map/layers.js';
import { resolveQuery, type Resolution } from '../../renderer/map/find.js';
import type { MapModel, MapShape, ShapeKind } from '../../renderer/map/types.js';
import { parseOmniboxQuery } from '../common/omnibox-query.js';
import type { DocumentBrief, DocumentTable, OpenedDocument, WindowArgs } from '../common/document-contract.js';
import { InputError, parseJsonText } from '../node/input-file.js';
import { outcomeOfJson } from '../report/subject.js';

/**
 * Above this many memblock plus TDX memory regions the Outcome is sent
 * without them and the map in windows: about 4 MB of JSON, which the
 * renderer parses and models in well under 100 ms.
 */
export const SLIM_ABOVE = 40_000;

export type Progress = (phase: string, message: string) => void;

/** How long each phase of an open took on the Node side (the bench prints them). */
export interface PhaseTime {
  phase: string;
  ms: number;
}

export class DocumentSession {
  readonly outcome: Outcome;
  readonly index: MapIndex;
  readonly slim: boolean;
  #links: ShapeLinks | null = null;
  #rows: TdmrRow[] | null = null;
  /** Each phase of the open and of the first brief, in order. */
  readonly phases: PhaseTime[];

  private constructor(outcome: Outcome, index: MapIndex, phases: PhaseTime[]) {
    this.outcome = outcome;
    this.index = index;
    this.phases = phases;
    this.slim = outcome.host.memblock.length + (outcome.plan?.memlist.length ?? 0) > SLIM_ABOVE;
  }

  /** Parses, validates and analyses a document; bad input throws InputError naming the file and the JSON path. */
  static open(text: string, source: string, variant: KernelVariant, progress: Progress): DocumentSession {
    const phases: PhaseTime[] = [];
    let t = performance.now();
    let phase = '';
    const next = (p: string, message: string) => {
      const now = performance.now();
      if (phase) phases.push({ phase, ms: now - t });
      t = now;
      phase = p;
      progress(p, message);
    };
    const mb = (text.length / 1e6).toFixed(1);
    next('parse', `parsing ${source} (${mb} MB)`);
    const json = parseJsonText(source, text);
    next('analyze', `validating and analysing ${source} on ${variant}: plan, init flow, findings`);
    const outcome = outcomeOfJson(source, json, { kernel: variant, kernelGiven: true });
    next('map', `laying out the map of ${outcome.host.memblock.length.toLocaleString('en-US')} memblock regions`);
    const index = buildMapIndex(mapInputFromOutcome(outcome));
    phases.push({ phase, ms: performance.now() - t });
    return new DocumentSession(outcome, index, phases);
  }

  /** Runs one step of the first brief and notes its time. */
  #timed<T>(phase: string, f: () => T): T {
    const t = performance.now();
    const v = f();
    this.phases.push({ phase, ms: performance.now() - t });
    return v;
  }

  get links(): ShapeLinks {
    return (this.#links ??= outcomeLinks(this.outcome));
  }

  get rows(): TdmrRow[] {
    return (this.#rows ??= tdmrRows(this.outcome));
  }

  /** What the renderer gets: the Outcome (slimmed when big), and for a big host the overview and links. */
  brief(docId: string): OpenedDocument {
    const o = this.outcome;
    const links = this.#timed('links', () => this.links);
    if (!this.slim) return { docId, outcome: o, brief: null, links, phases: this.phases };
    const outcome: Outcome = {
      ...o,
      host: { ...o.host, memblock: [] },
      plan: o.plan ? { ...o.plan, memlist: [] } : null,
      seamcalls: [],
    };
    const brief: DocumentBrief = {
      omitted: {
        memblock: o.host.memblock.length,
        memlist: o.plan?.memlist.length ?? 0,
        seamcalls: o.seamcalls.length,
      },
      keySeamcalls: [...keySeamcalls(o)],
      overview: this.#timed('overview', () =>
        this.window({ domain: [0, this.index.top], pixels: OVERVIEW_PIXELS, compressHoles: true }),
      ),
      // One row per TDMR (engine/outcome/rows.ts); the rows themselves are built when a page is asked for.
      tdmrRows: o.plan?.tdmrs.length ?? 0,
    };
    return { docId, outcome, brief, links, phases: this.phases };
  }

  window(w: WindowArgs): MapModel {
    return mapWindow(this.index, w);
  }

  tableRows(table: DocumentTable, from: number, count: number): { total: number; rows: unknown[] } {
    if (table === 'tdmrs') {
      const all = this.rows;
      return { total: all.length, rows: all.slice(from, from + count) };
    }
    if (table === 'seamcalls') {
      const all = this.outcome.seamcalls;
      return { total: all.length, rows: all.slice(from, from + count) };
    }
    const kind: ShapeKind = table === 'memblock' ? 'memblock' : 'tdx-memory';
    const l = this.layer(kind);
    const rows: MapShape[] = [];
    for (let i = from; i < Math.min(l?.n ?? 0, from + count); i++) rows.push(l!.shape(i));
    return { total: l?.n ?? 0, rows };
  }

  /** Shapes of one kind overlapping [start, end), at most `limit`, and how many there are in all. */
  shapesIn(kind: ShapeKind, start: number, end: number, limit: number): { total: number; shapes: MapShape[] } {
    const l = this.layer(kind);
    if (!l) return { total: 0, shapes: [] };
    const shapes: MapShape[] = [];
    let total = 0;
    for (let i = layerFirstReaching(l, start); i < l.n && l.start[i] < end; i++) {
      if (l.end[i] <= start) continue;
      total++;
      if (shapes.length < limit) shapes.push(l.shape(i));
    }
    return { total, shapes };
  }

  shape(id: string): MapShape | null {
    const at = this.index.locate(id);
    return at ? at.layer.shape(at.index) : null;
  }

  find(query: string): Resolution {
    const q = parseOmniboxQuery(query);
    if (!q) throw new InputError('the query is empty');
    return resolveQuery(this.index, q, {
      log: this.outcome.log,
      seamcalls: this.outcome.seamcalls,
      links: this.links,
      memoryBlockSize: this.outcome.host.platform?.memory_block_size ?? 128 * 1024 * 1024,
    });
  }

  private layer(kind: ShapeKind) {
    for (const t of this.index.tracks) for (const l of t.layers) if (l.kind === kind) return l;
    return undefined;
  }
}
