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
  memblock: '#77aadd',
  tdxMemory: '#44bb99',
  cmr: '#eedd88',
  tdmr: '#bbccee',
  tdmrStroke: '#4477aa',
  hatch: '#aa3377',
  pamt4k: '#aa3377',
  pamt2m: '#ee7733',
  pamt1g: '#ccbb44',
  online: '#228833',
  offline: '#bbbbbb',
  refused: '#cc3311',
  cxl: '#99ddff',
  nvdimm: '#ffaabb',
  dimm: '#dddddd',
  failed: '#cc3311',
  nodes: ['#77aadd', '#ee8866', '#44bb99', '#eedd88', '#ffaabb', '#99ddff', '#bbcc33', '#aaaa00'],
} as const;

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
    `.${root} .track-bg{fill:#f7f7f7}`,
    `.${root} .track-label{font-weight:600;fill:${P.ink}}`,
    `.${root} .shape-label{font-size:10px;fill:${P.ink};pointer-events:none}`,
    `.${root} .numa-node,.${root} .agg-numa-node{fill-opacity:0.55;stroke:#ffffff}`,
    nodeRules,
    `.${root} .memblock,.${root} .agg-memblock{fill:${P.memblock};stroke:#ffffff}`,
    `.${root} .memblock.movable{fill:#99ddff}`,
    `.${root} .tdx-memory,.${root} .agg-tdx-memory{fill:${P.tdxMemory};stroke:#ffffff}`,
    `.${root} .cmr,.${root} .agg-cmr{fill:${P.cmr};stroke:#997700}`,
    `.${root} .tdmr,.${root} .agg-tdmr{fill:${P.tdmr};stroke:${P.tdmrStroke};stroke-width:1}`,
    `.${root} .tdmr.failed{stroke:${P.failed};stroke-width:2.5;stroke-dasharray:5 3;fill:#ffddd4}`,
    `.${root} .mini-failed{fill:#ffddd4;stroke:${P.failed}}`,
    `.${root} .reserved-area,.${root} .agg-reserved-area{fill:url(#${hatchUrl});stroke:${P.hatch};stroke-width:0.5}`,
    `.${root} .needed-area,.${root} .agg-needed-area{fill:url(#${hatchUrl}-need);stroke:${P.failed};stroke-width:0.75}`,
    `.${root} .pamt-4k,.${root} .agg-pamt{fill:${P.pamt4k};stroke:#ffffff}`,
    `.${root} .pamt-2m{fill:${P.pamt2m};stroke:#ffffff}`,
    `.${root} .pamt-1g{fill:${P.pamt1g};stroke:#ffffff}`,
    `.${root} .mem-block.online,.${root} .agg-mem-block{fill:${P.online};stroke:#ffffff}`,
    `.${root} .mem-block.offline,.${root} .agg-mem-block.offline{fill:${P.offline};stroke:#ffffff}`,
    `.${root} .mem-block.refused,.${root} .agg-mem-block.refused{fill:${P.refused};stroke:${P.failed}}`,
    `.${root} .mem-block.absent,.${root} .agg-mem-block.absent{fill:#ffffff;stroke:${P.muted};stroke-dasharray:2 2}`,
    `.${root} .device.cxl,.${root} .agg-device{fill:${P.cxl};stroke:#332288}`,
    `.${root} .device.nvdimm{fill:${P.nvdimm};stroke:#882255}`,
    `.${root} .device.dimm{fill:${P.dimm};stroke:${P.muted}}`,
    `.${root} .lod-aggregate{stroke:none}`,
    `.${root} .hole-break{fill:url(#${hatchUrl}-gap);stroke:none}`,
    `.${root} .axis-line{stroke:${P.muted};stroke-width:1}`,
    `.${root} .tick-line{stroke:${P.grid};stroke-width:1}`,
    `.${root} .tick-mark{stroke:${P.muted};stroke-width:1}`,
    `.${root} .tick-hex{font-family:"JetBrains Mono","DejaVu Sans Mono",Menlo,Consolas,monospace;font-size:10px}`,
    `.${root} .tick-size{font-size:10px;fill:${P.muted}}`,
    `.${root} .break-mark{stroke:${P.muted};stroke-width:1;fill:none}`,
    `.${root} .minimap-bg{fill:#f2f2f2;stroke:#cccccc}`,
    `.${root} .minimap-window{fill:${P.tdmrStroke};fill-opacity:0.15;stroke:${P.tdmrStroke};stroke-width:1}`,
    `.${root} .legend-label{font-size:10.5px}`,
    `.${root} .thin{stroke:none}`,
    `.${root} .selected{stroke:#000000;stroke-width:2.5}`,
    `.${root} .highlighted{stroke:#ee7733;stroke-width:2.5}`,
    `.${root} .hover-overlay{fill:transparent}`,
  ].join('\n');
}
