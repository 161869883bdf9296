/**
 * The map view's part of the API contract: documents opened on the Node
 * side, in a worker thread of their own (parse, validate, analyse and lay
 * out the map off the UI thread, with progress and cancel), and read back
 * piece by piece: a big host's map as level-of-detail windows, its tables
 * page by page, omnibox queries resolved where the whole host is. Spread
 * into API_ARGS and ApiResults in api-contract.ts. Browser-safe.
 */
import { z } from 'zod';
import type { ShapeLinks } from '../../engine/outcome/links.js';
import type { TdmrRow } from '../../engine/outcome/rows.js';
import type { Outcome } from '../../engine/outcome/types.js';
import type { SeamcallRecord } from '../../engine/flow/seamcall.js';
import type { MapModel, MapShape } from '../../renderer/map/types.js';
import type { Resolution } from '../../renderer/map/find.js';
import { variantSchema } from './kernel-schema.js';

/**
 * The largest document the app opens: the CLI's limit for a host file
 * (docs/inputs.md, INPUT_LIMITS.host), so a file the CLI plans is one the
 * app opens. getInfo reports it; the renderer refuses bigger files before
 * reading a byte.
 */
export const MAX_DOCUMENT_BYTES = 256 * 1024 * 1024;

const requestId = z.string().min(1, 'must not be empty').max(100, 'is longer than 100 characters');
const docId = z.string().min(1, 'must not be empty').max(100, 'is longer than 100 characters');
const addr = z
  .number()
  .int('must be a whole number of bytes')
  .min(0, 'must not be negative')
  .max(2 ** 52, 'is past 2^52');
const shapeKind = z.enum([
  'numa-node',
  'memblock',
  'tdx-memory',
  'cmr',
  'tdmr',
  'reserved-area',
  'needed-area',
  'pamt',
  'mem-block',
  'device',
]);

export const DOCUMENT_ARGS = {
  /**
   * Opens a document given as text (host, golden case, scenario or
   * recorded host) in a worker thread of its own. Progress goes on the
   * event channel with this requestId; cancelOpen with the same id stops it.
   */
  openDocument: z.strictObject({
    requestId,
    text: z
      .string()
      .min(1, 'must not be empty')
      .max(
        MAX_DOCUMENT_BYTES,
        `is larger than ${MAX_DOCUMENT_BYTES / 1024 / 1024} MiB, the app's limit for a host file`,
      ),
    variant: variantSchema,
    source: z.string().min(1, 'must not be empty').max(500, 'is longer than 500 characters'),
  }),
  cancelOpen: z.strictObject({ requestId }),
  closeDocument: z.strictObject({ docId }),
  /** A level-of-detail model of one window of a document's map (renderer/map/window.ts). */
  mapWindow: z.strictObject({
    docId,
    domain: z.tuple([addr, addr]),
    pixels: z.number().int().min(1, 'must be at least 1').max(16384, 'is more than 16384'),
    compressHoles: z.boolean(),
  }),
  /** A page of one of a document's tables: TDMR rows, memblock regions, TDX memory regions or SEAMCALLs. */
  documentRows: z.strictObject({
    docId,
    table: z.enum(['tdmrs', 'memblock', 'tdx-memory', 'seamcalls']),
    from: z.number().int().min(0, 'must not be negative'),
    count: z.number().int().min(1, 'must be at least 1').max(1000, 'is more than 1000'),
  }),
  /** Shapes of one kind overlapping [start, end) (at most `limit`) and how many there are. */
  documentShapes: z.strictObject({
    docId,
    kind: shapeKind,
    start: addr,
    end: addr,
    limit: z.number().int().min(0).max(1000, 'is more than 1000'),
  }),
  /** One shape by id (a selection that is no longer in the window drawn). */
  documentShape: z.strictObject({ docId, id: z.string().min(1).max(200, 'is longer than 200 characters') }),
  /** An omnibox query resolved on the whole document (main/common/omnibox-query.ts). */
  findInDocument: z.strictObject({
    docId,
    query: z.string().min(1, 'must not be empty').max(200, 'is longer than 200 characters'),
  }),
} as const;

export type WindowArgs = { domain: [number, number]; pixels: number; compressHoles: boolean };
export type DocumentTable = 'tdmrs' | 'memblock' | 'tdx-memory' | 'seamcalls';

/** What a big host's Outcome leaves out, and how to reach it instead. */
export interface DocumentBrief {
  /**
   * outcome.host.memblock, outcome.plan.memlist and outcome.seamcalls are
   * empty in the answer; these are their real lengths. Their shapes come by
   * window (mapWindow), page (documentRows) or range (documentShapes); the
   * SEAMCALLs by page (documentRows, table `seamcalls`).
   */
  omitted: { memblock: number; memlist: number; seamcalls: number };
  /** The SEAMCALL rows the verdict and findings point at (engine/outcome/log-excerpt.ts keySeamcalls). */
  keySeamcalls: number[];
  /** The whole space at OVERVIEW_PIXELS, compressed: the first draw and the minimap. */
  overview: MapModel;
  /** How many TDMR rows documentRows pages through. */
  tdmrRows: number;
}

export interface OpenedDocument {
  docId: string;
  /** The Outcome; whole when `brief` is null, else without the arrays `brief.omitted` names. */
  outcome: Outcome;
  brief: DocumentBrief | null;
  /** Log and SEAMCALL rows to shapes (engine/outcome/links.ts), computed where the whole host is. */
  links: ShapeLinks;
  /** How long each phase of the open took on the Node side, in order (what the bench prints). */
  phases: Array<{ phase: string; ms: number }>;
}

export type OpenDocumentResult =
  | ({ cancelled: false; requestId: string; engineVersion: string } & OpenedDocument)
  | { cancelled: true; requestId: string };

export interface DocumentResults {
  openDocument: OpenDocumentResult;
  cancelOpen: { cancelled: boolean };
  closeDocument: { closed: boolean };
  mapWindow: MapModel;
  documentRows: { total: number; rows: Array<TdmrRow | MapShape | SeamcallRecord> };
  documentShapes: { total: number; shapes: MapShape[] };
  documentShape: MapShape | null;
  findInDocument: Resolution;
}
