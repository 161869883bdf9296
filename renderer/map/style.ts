/**
 * Colours and the stylesheet embedded in every map SVG, so a standalone SVG
 * file looks the same as the map in the app or a report. Paul Tol's
 * colour-blind-safe "bright" and "light" schemes.
 */
import type { ShapeKind } from './types.js';

export const PALETTE = {
  ink: '#222222',
  muted: '#666666',
  grid: '#e3e3e3',
  /** The track background every fill below is measured against (at least 3:1, WCAG 1.4.11). */
  trackBg: '#f7f7f7',
  memblock: '#6a8fc8',
  movable: '#3898c4',
  tdxMemory: '#3a9a80',
  cmr: '#9a8a22',
  cmrStroke: '#5c5214',
  tdmr: '#7a8bcd',
  tdmrStroke: '#2b4f86',
  hatch: '#882255',
  need: '#b2182b',
  pamt4k: '#aa3377',
  pamt2m: '#c26f3f',
  pamt1g: '#878a2e',
  online: '#228833',
  offline: '#8a8a8a',
  refused: '#cc3311',
  cxl: '#2f8fb8',
  nvdimm: '#c8748f',
  dimm: '#7d8a99',
  failed: '#cc3311',
  failedFill: '#d5705f',
  selection: '#000000',
  nodes: ['#6a8fc8', '#d0784f', '#3a9a80', '#a38f2c', '#c8748f', '#3898c4', '#8a8a2a', '#9682c2'],
} as const;

/** The fills that carry meaning, by the classes that draw them: what the contrast test checks. */
export const MEANINGFUL_FILLS: ReadonlyArray<[string, string]> = [
  ['memblock', PALETTE.memblock],
  ['memblock movable', PALETTE.movable],
  ['TDX memory', PALETTE.tdxMemory],
  ['CMR', PALETTE.cmr],
  ['TDMR', PALETTE.tdmr],
  ['failed TDMR', PALETTE.failedFill],
  ['PAMT 4K', PALETTE.pamt4k],
  ['PAMT 2M', PALETTE.pamt2m],
  ['PAMT 1G', PALETTE.pamt1g],
  ['block online', PALETTE.online],
  ['block offline', PALETTE.offline],
  ['block refused', PALETTE.refused],
  ['CXL device', PALETTE.cxl],
  ['NVDIMM', PALETTE.nvdimm],
  ['DIMM device', PALETTE.dimm],
  ['reserved-area hatch', PALETTE.hatch],
  ['needed-area hatch', PALETTE.need],
  ...PALETTE.nodes.map((c, i) => [`node colour ${i}`, c] as [string, string]),
];

/** WCAG relative luminance of a #rrggbb colour. */
export function luminance(hex: string): number {
  const c = [1, 3, 5]
    .map((i) => parseInt(hex.slice(i, i + 2), 16) / 255)
    .map((v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4));
  return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
}

/** WCAG contrast ratio of two #rrggbb colours (1 to 21). */
export function contrastRatio(a: string, b: string): number {
  const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p);
  return (x + 0.05) / (y + 0.05);
}

/** The fill a shape is drawn with (as the stylesheet below paints it). */
function fillOf(kind: string, classes: readonly string[]): string | null {
  const P = PALETTE;
  switch (kind) {
    case 'memblock':
      return classes.includes('movable') ? P.movable : P.memblock;
    case 'tdx-memory':
      return P.tdxMemory;
    case 'cmr':
      return P.cmr;
    case 'tdmr':
      return classes.includes('failed') ? P.failedFill : P.tdmr;
    case 'pamt':
      return classes.includes('pamt-2m') ? P.pamt2m : classes.includes('pamt-1g') ? P.pamt1g : P.pamt4k;
    case 'mem-block':
      return classes.includes('refused') ? P.refused : classes.includes('offline') ? P.offline : P.online;
    case 'device':
      return classes.includes('nvdimm') ? P.nvdimm : classes.includes('dimm') ? P.dimm : P.cxl;
    case 'numa-node': {
      const m = /^nid-(\d)$/.exec(classes[0] ?? '');
      return P.nodes[m ? Number(m[1]) : 0];
    }
    default:
      return null;
  }
}

/** Whether a label on this shape reads better dark (ink) or light (white). */
export function labelInk(kind: string, classes: readonly string[]): 'dark' | 'light' {
  const fill = fillOf(kind, classes);
  if (!fill) return 'dark';
  return contrastRatio(fill, PALETTE.ink) >= contrastRatio(fill, '#ffffff') ? 'dark' : 'light';
}

export interface LegendEntry {
  /** CSS classes of the swatch (same as the shapes it stands for). */
  classes: string;
  label: string;
  /** Shown only when the model has a shape of this kind (optional tracks)... */
  kind?: ShapeKind;
  /** ...carrying this class. */
  cls?: string;
}

export const LEGEND_ENTRIES: readonly LegendEntry[] = [
  { classes: 'memblock', label: 'memblock memory' },
  { classes: 'tdx-memory', label: 'TDX-usable memory' },
  { classes: 'cmr', label: 'CMR (convertible)' },
  { classes: 'tdmr', label: 'TDMR' },
  { classes: 'reserved-area rsvd-hole', label: 'reserved area' },
  { classes: 'needed-area', label: 'reserved area needed', kind: 'needed-area' },
  { classes: 'pamt pamt-4k', label: 'PAMT 4K' },
  { classes: 'pamt pamt-2m', label: 'PAMT 2M' },
  { classes: 'pamt pamt-1g', label: 'PAMT 1G' },
  { classes: 'tdmr failed', label: 'failed TDMR' },
  { classes: 'mem-block online', label: 'block online', kind: 'mem-block', cls: 'online' },
  { classes: 'mem-block offline', label: 'block offline', kind: 'mem-block', cls: 'offline' },
  { classes: 'mem-block refused', label: 'block refused', kind: 'mem-block', cls: 'refused' },
  { classes: 'device cxl', label: 'CXL device', kind: 'device', cls: 'cxl' },
  { classes: 'device nvdimm', label: 'NVDIMM', kind: 'device', cls: 'nvdimm' },
];

/**
 * Legend swatches must look like the shapes without carrying their classes
 * (tests and the app count `.tdmr` elements), so they get `sw-` prefixed
 * classes: `tdmr failed` becomes `sw-tdmr sw-failed`.
 */
export function swatchClasses(classes: string): string {
  return (
    'legend-swatch ' +
    classes
      .split(' ')
      .map((c) => `sw-${c}`)
      .join(' ')
  );
}

/** Adds the `sw-` twin of every selector that styles shapes by class. */
function withSwatchSelectors(css: string, root: string): string {
  return css
    .split('\n')
    .map((rule) => {
      const brace = rule.indexOf('{');
      if (brace < 0) return rule;
      const parts = rule.slice(0, brace).split(',');
      const twins = parts
        .map((p) => new RegExp(`^\\.${root} ((?:\\.[\\w-]+)+)$`).exec(p.trim()))
        .filter((m): m is RegExpExecArray => !!m && !m[1].startsWith('.agg-') && !m[1].startsWith('.sw-'))
        .map((m) => `.${root} ${m[1].replace(/\.([\w-]+)/g, '.sw-$1')}`);
      return twins.length ? `${parts.join(',')},${twins.join(',')}${rule.slice(brace)}` : rule;
    })
    .join('\n');
}

/** The map's CSS, scoped under the root class so it can sit inline in any page. */
export function mapStylesheet(root: string, hatchUrl: string): string {
  return withSwatchSelectors(baseStylesheet(root, hatchUrl), root);
}

function baseStylesheet(root: string, hatchUrl: string): string {
  const P = PALETTE;
  const nodeRules = P.nodes
    .map((c, i) => `.${root} .numa-node.nid-${i},.${root} .agg-numa-node.nid-${i}{fill:${c}}`)
    .join('');
  return [
    `.${root}{font-family:"Inter","Segoe UI","Helvetica Neue",Arial,sans-serif;font-size:11px;fill:${P.ink}}`,
    `.${root} rect{stroke-width:0.75}`,
    `.${root} .track-bg{fill:${P.trackBg}}`,
    `.${root} .track-label{font-weight:600;fill:${P.ink}}`,
    `.${root} .shape-label{font-size:10px;fill:${P.ink};pointer-events:none}`,
    `.${root} .shape-label.on-dark{fill:#ffffff}`,
    `.${root} .numa-node,.${root} .agg-numa-node{stroke:#ffffff}`,
    nodeRules,
    `.${root} .memblock,.${root} .agg-memblock{fill:${P.memblock};stroke:#ffffff}`,
    `.${root} .memblock.movable{fill:${P.movable}}`,
    `.${root} .tdx-memory,.${root} .agg-tdx-memory{fill:${P.tdxMemory};stroke:#ffffff}`,
    `.${root} .cmr,.${root} .agg-cmr{fill:${P.cmr};stroke:${P.cmrStroke}}`,
    `.${root} .tdmr,.${root} .agg-tdmr{fill:${P.tdmr};stroke:${P.tdmrStroke};stroke-width:1}`,
    `.${root} .tdmr.failed{stroke:#8a1c12;stroke-width:2.5;stroke-dasharray:5 3;fill:${P.failedFill}}`,
    `.${root} .mini-failed{fill:${P.failedFill};stroke:#8a1c12}`,
    `.${root} .reserved-area,.${root} .agg-reserved-area{fill:url(#${hatchUrl});stroke:${P.hatch};stroke-width:0.5}`,
    `.${root} .needed-area,.${root} .agg-needed-area{fill:url(#${hatchUrl}-need);stroke:${P.need};stroke-width:0.75}`,
    `.${root} .needed-area.over-limit{stroke-width:1.5}`,
    `.${root} .pamt-4k,.${root} .agg-pamt{fill:${P.pamt4k};stroke:#ffffff}`,
    `.${root} .pamt-2m{fill:${P.pamt2m};stroke:#ffffff}`,
    `.${root} .pamt-1g{fill:${P.pamt1g};stroke:#ffffff}`,
    // Memory blocks are runs: no white outline, which at low zoom turned them into stripes.
    `.${root} .mem-block.online,.${root} .agg-mem-block{fill:${P.online};stroke:none}`,
    `.${root} .mem-block.offline,.${root} .agg-mem-block.offline{fill:${P.offline};stroke:none}`,
    `.${root} .mem-block.refused,.${root} .agg-mem-block.refused{fill:${P.refused};stroke:none}`,
    `.${root} .mem-block.absent,.${root} .agg-mem-block.absent{fill:#ffffff;stroke:${P.muted};stroke-dasharray:2 2}`,
    `.${root} .device.cxl,.${root} .agg-device{fill:${P.cxl};stroke:#1b4f66}`,
    `.${root} .device.nvdimm{fill:${P.nvdimm};stroke:#882255}`,
    `.${root} .device.dimm{fill:${P.dimm};stroke:${P.muted}}`,
    `.${root} .lod-aggregate{stroke:none}`,
    `.${root} .break-band{fill:url(#${hatchUrl}-gap);stroke:none}`,
    `.${root} .break-edge{fill:none;stroke:${P.muted};stroke-width:1}`,
    `.${root} .break-label-bg{fill:#ffffff;stroke:${P.muted};stroke-width:0.75}`,
    `.${root} .break-label,.${root} .break-size{font-size:10px;fill:${P.ink}}`,
    `.${root} .axis-line{stroke:${P.muted};stroke-width:1}`,
    `.${root} .tick-line{stroke:${P.grid};stroke-width:1}`,
    `.${root} .tick-mark{stroke:${P.muted};stroke-width:1}`,
    `.${root} .tick-hex{font-family:"JetBrains Mono","DejaVu Sans Mono",Menlo,Consolas,monospace;font-size:10px}`,
    `.${root} .tick-size{font-size:10px;fill:${P.muted}}`,
    `.${root} .tick-base{font-size:10px;fill:${P.ink};font-weight:600}`,
    `.${root} .break-mark{stroke:${P.ink};stroke-width:1.25;fill:none}`,
    `.${root} .need-tick{stroke:${P.need};stroke-width:1}`,
    `.${root} .need-badge{fill:#ffffff;stroke:${P.muted};stroke-width:0.75}`,
    `.${root} .need-number{font-size:9.5px;font-weight:600;fill:${P.ink}}`,
    `.${root} .need-mark.over-limit .need-badge{fill:${P.need};stroke:${P.need}}`,
    `.${root} .need-mark.over-limit .need-number{fill:#ffffff}`,
    `.${root} .need-banner-bg{fill:#ffffff;stroke:${P.need};stroke-width:1}`,
    `.${root} .need-banner-text{font-size:10.5px;font-weight:700;fill:#8a1c12}`,
    `.${root} .selection-box{fill:none;stroke:${P.selection};stroke-width:2}`,
    `.${root} .selection-caret,.${root} .selection-offscreen{fill:${P.selection}}`,
    `.${root} .crosshair-line{stroke:${P.ink};stroke-width:1;stroke-dasharray:3 3}`,
    `.${root} .crosshair-bg{fill:${P.ink}}`,
    `.${root} .crosshair-text{font-family:"JetBrains Mono","DejaVu Sans Mono",Menlo,Consolas,monospace;font-size:10px;fill:#ffffff}`,
    `.${root} .measure-band{fill:${P.tdmrStroke};fill-opacity:0.12}`,
    `.${root} .measure-edge{stroke:${P.tdmrStroke};stroke-width:1.5}`,
    `.${root} .measure-bg{fill:#ffffff;stroke:${P.tdmrStroke}}`,
    `.${root} .measure-text{font-size:10.5px;font-weight:600;fill:${P.tdmrStroke}}`,
    `.${root} .minimap-bg{fill:#f2f2f2;stroke:#cccccc}`,
    `.${root} .minimap-window{fill:${P.tdmrStroke};fill-opacity:0.15;stroke:${P.tdmrStroke};stroke-width:1}`,
    `.${root} .minimap-selection,.${root} .minimap-marker{fill:${P.selection}}`,
    `.${root} .legend-label{font-size:10.5px}`,
    `.${root} .thin{stroke:none}`,
    `.${root} .selected{stroke:${P.selection};stroke-width:2.5}`,
    `.${root} .highlighted{stroke:#ee7733;stroke-width:2.5}`,
    `.${root} rect[data-id]:focus{outline:none;stroke:#0b63c4;stroke-width:3}`,
    `.${root} .hover-overlay{fill:transparent}`,
  ].join('\n');
}
