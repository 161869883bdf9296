/**
 * The data types of the physical-memory map: what buildMapModel produces
 * and drawMap consumes. Plain data, no DOM, so the app, a worker and the
 * Node report generator share them.
 */
import type { Host, KernelVariant } from '../../engine/host/types.js';
import type { Plan } from '../../engine/kernel/construct.js';
import type { ReservedArea } from '../../engine/kernel/reserved.js';

/** One memory block (memory_block_size_bytes granule) and what became of it. */
export interface MemoryBlockState {
  start: number;
  end: number;
  state: 'online' | 'offline' | 'refused' | 'absent';
  /** Why it ended in that state (e.g. the memory notifier refused it), shown in details. */
  reason?: string;
}

export interface MapInput {
  host: Host;
  plan: Plan;
  memoryBlocks?: readonly MemoryBlockState[];
  /**
   * A TDMR the TDX module rejected although the kernel built it (TDH.SYS.CONFIG
   * status detail, e.g. TDX_TDMR_OUTSIDE_CMRS on TDMR 3): drawn as failed too.
   */
  rejectedTdmr?: { index: number; reason: string };
  /**
   * When the kernel ran out of reserved areas: the areas the failed TDMR
   * would need (the same plan without the limit), drawn as `needed-area`
   * so the map shows why. Not counted as reserved areas.
   */
  neededReserved?: { tdmr: number; areas: readonly ReservedArea[] };
  /** The Outcome's verdict in brief, stamped on the drawn <svg> (data-*) so every face's map can be checked alike. */
  facts?: MapFacts;
}

/** What the map states about the verdict (from the Outcome, never derived by the map). */
export interface MapFacts {
  ok: boolean;
  level: 'ok' | 'warning' | 'error';
  failedTdmr: number | null;
  findings: readonly string[];
  /** The printed PAMT figure, or the planned one when nothing was printed. */
  pamtKb: number | null;
  /** Memory blocks per state, e.g. "online:2046,refused:512". */
  blocks: string;
}

/** The rows of the map, top to bottom. */
export type TrackId = 'numa' | 'memblock' | 'tdx-memory' | 'cmr' | 'tdmr' | 'pamt' | 'mem-block' | 'device';

/** What a shape is; also its main CSS class in the SVG. */
export type ShapeKind =
  | 'numa-node'
  | 'memblock'
  | 'tdx-memory'
  | 'cmr'
  | 'tdmr'
  | 'reserved-area'
  | 'needed-area'
  | 'pamt'
  | 'mem-block'
  | 'device';

/** One drawn range [start, end) on one track. */
export interface MapShape {
  /** Stable id, e.g. `tdmr-3`, `rsvd-3-0`, `pamt-3-4k`, `cmr-0`, `mem-12`, `node-1`, `dev-cxl0`. */
  id: string;
  kind: ShapeKind;
  track: TrackId;
  start: number;
  end: number;
  /** Short text drawn inside the shape when it is wide enough. */
  label: string;
  /** Extra CSS classes besides the kind (e.g. `pamt-4k`, `online`, `cxl`, `failed`, `hole`). */
  classes: string[];
  /** Human-readable facts for tooltips and tables, in display order. */
  details: Record<string, string>;
  /**
   * Set on a density bar: `count` shapes of this kind thinner than a pixel,
   * merged by the level of detail (window.ts), covering `covered` bytes of
   * [start, end). Its id names the first of them (`agg:memblock-12`).
   */
  agg?: { count: number; covered: number; firstId: string };
}

export interface MapTrack {
  id: TrackId;
  label: string;
  /** Sorted by start (then end); shapes of one kind never need to be disjoint. */
  shapes: MapShape[];
}

export interface MapModel {
  hostName: string;
  variant: KernelVariant;
  ok: boolean;
  /** End of the address space drawn: the highest end of anything on the map, at least 4 GiB. */
  top: number;
  tracks: MapTrack[];
  /** The long empty stretches compress-holes collapses into break glyphs (scale.ts collapsibleGaps). */
  gaps: Array<[number, number]>;
  /** Exact counts, whatever the level of detail draws. */
  counts: Record<ShapeKind, number>;
  /** Index of the TDMR where the kernel failed, or that the module rejected. */
  failedTdmr?: number;
  facts?: MapFacts;
  /** When reserved areas ran out: the TDMR, the areas it needs and the module's limit (from the Outcome). */
  reservedNeed?: { tdmr: number; needed: number; limit: number };
  /** A level-of-detail model (window.ts): the window it details and its resolution; absent when every shape is here. */
  window?: { domain: [number, number]; pixels: number };
}

/** What covers one address: one entry per track that has something there. */
export interface ShapesAtResult {
  track: TrackId;
  shapes: MapShape[];
}

export interface DrawOptions {
  width: number;
  height: number;
  /** Shrink long empty stretches of the address space (default true). */
  compressHoles?: boolean;
  /** Address window to show, [start, end); default the whole space [0, model.top). */
  domain?: [number, number];
  selectedId?: string | null;
  /** Where the selection is, when its shape may not be in the model (a big host's window): always marked. */
  selectedRange?: SelectedRange | null;
  highlightIds?: readonly string[];
  /** Zoom/pan (d3-zoom), keys + - arrows, minimap brush. Off for static output (reports). */
  interactive?: boolean;
  /** Draw the legend (default true) and the minimap (default true). */
  legend?: boolean;
  minimap?: boolean;
  /**
   * Level of detail: 'auto' (default) merges runs of sub-pixel shapes into
   * `lod-aggregate` rects; 'full' draws every visible shape (at least 1 px wide).
   */
  detail?: 'auto' | 'full';
  /** Prefix of the ids in <defs> (patterns, clip paths), unique per SVG in one document. Default `tdxmap`. */
  idPrefix?: string;
  onHover?(shape: MapShape | null, addr: number | null): void;
  onSelect?(shape: MapShape | null): void;
  onDomainChange?(domain: [number, number]): void;
  /** The measure tool (Shift+drag) spans [a, b), or null when cleared. */
  onMeasure?(range: [number, number] | null): void;
}

/** A selected range on one track, marked with a visible minimum width whatever the zoom. */
export interface SelectedRange {
  start: number;
  end: number;
  track: TrackId;
}

export interface MapHandle {
  setDomain(domain: [number, number]): void;
  getDomain(): [number, number];
  select(id: string | null, range?: SelectedRange | null): void;
  highlight(ids: readonly string[]): void;
  /** Moves keyboard focus to a drawn shape (roving tabindex), or to the map itself. */
  focusShape(id: string | null): void;
  /** The plot's width in pixels (what a level-of-detail window is cut for). */
  plotWidth(): number;
  update(model: MapModel): void;
  /** Every shape covering addr, per track (for tooltips). */
  shapesAt(addr: number): ShapesAtResult[];
  /** Removes listeners and everything drawn. */
  destroy(): void;
}
