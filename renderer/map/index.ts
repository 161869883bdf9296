/**
 * The physical-memory map: one d3 drawing module for the app's map view and
 * for `tdx-lab report` (which runs it under linkedom in Node).
 *
 *   const model = buildMapModel({ host, plan, memoryBlocks });   // pure, no DOM
 *   const map = drawMap(svgElement, model, { width, height, interactive: true,
 *                       onHover, onSelect, onDomainChange });
 *   map.setDomain([0, 0x100000000]); map.select('tdmr-3'); map.shapesAt(addr);
 *   map.destroy();
 *
 * A big host is an index of columns (buildMapIndex, layers.ts) kept on the
 * Node side; mapWindow (window.ts) cuts a level-of-detail model of one
 * window from it, which drawMap draws like any other model.
 *
 * Shapes carry class names per kind (`tdmr`, `reserved-area`, `pamt pamt-4k`,
 * `cmr`, `memblock`, `tdx-memory`, `numa-node`, `mem-block online`,
 * `device cxl`) and `data-id`. Sub-pixel shapes are merged into
 * `lod-aggregate` rects; exact counts stay on each layer's `data-count`.
 * No Svelte and no node:* imports here: it runs in the browser and in Node.
 * Documented in docs/reports.md and docs/app.md.
 */
export type {
  MapInput,
  MapModel,
  MapTrack,
  MapShape,
  ShapeKind,
  TrackId,
  MemoryBlockState,
  MapFacts,
  DrawOptions,
  MapHandle,
  ShapesAtResult,
  SelectedRange,
} from './types.js';
export { buildMapModel, findShapesAt, materialize, shapeOrder, TRACK_LABELS } from './model.js';
export { buildMapIndex, type MapIndex, type MapLayer } from './layers.js';
export {
  mapWindow,
  mergeWindow,
  aggregateLabel,
  MAX_WINDOW_PIXELS,
  OVERVIEW_PIXELS,
  type WindowRequest,
} from './window.js';
export {
  makeAddressScale,
  compressedBreakpoints,
  collapsibleGaps,
  gapBreakpoints,
  addressTicks,
  tickBase,
  MAX_GAPS,
  type AddressScale,
  type AddressTick,
} from './scale.js';
export { drawMap, measureText } from './draw.js';
export { SELECTION_MIN_PX } from './draw-marks.js';
export { mapInputFromOutcome, mapInputAtStep, mapFacts } from './from-outcome.js';
export { LEGEND_ENTRIES, PALETTE, MEANINGFUL_FILLS, contrastRatio } from './style.js';
