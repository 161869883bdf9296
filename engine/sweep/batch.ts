/**
 * Sweep rows packed into a few typed arrays: what a pool worker sends back
 * for a chunk of combinations. The arrays' buffers move between threads
 * without a copy, and the receiving thread builds no object per row until
 * someone asks for rows (unpackRows). `values` are not stored: they follow
 * from the row's index (combinationValues), as they did when the row was made.
 *
 * unpackRows(sweep, packRows(sweep.start, rows)) gives rows identical to the
 * originals, key order included, so JSON and CSV come out byte for byte.
 */
import { combinationValues, type Sweep } from './expand.js';
import type { SweepNodeFigures, SweepRow } from './row.js';

/**
 * Numbers per row: ok, tdmrs, maxTdmrs, maxReservedUsed, maxReservedPerTdmr, pamtKb, pamtPercent, tdxBytes,
 * staticPamtKb, refcountKb, dynamicPamtKb, tdxMemoryKb.
 */
const NUMBERS = 12;
/** Strings per row (index into `strings`, -1 for null): stage, errno, status, statusName, statusDetail, pamtMode. */
const TEXTS = 6;
/** Numbers per node figure: nid, tdxBytes, pamtKb, pamtPercent. */
const NODE = 4;

export interface RowBatch {
  /** Index of the first row; rows are consecutive. */
  start: number;
  count: number;
  numbers: Float64Array;
  texts: Int32Array;
  /** The distinct strings of the batch (a handful: stages, errnos, statuses). */
  strings: string[];
  /** Row i's node figures are nodes[NODE * nodeStart[i] .. NODE * nodeStart[i + 1]). */
  nodeStart: Uint32Array;
  nodes: Float64Array;
  /** The sorted distinct node ids in the batch (the CSV's per-node columns). */
  nids: number[];
}

/** Packs consecutive rows (rows[k].index === start + k). */
export function packRows(start: number, rows: readonly SweepRow[]): RowBatch {
  const count = rows.length;
  const numbers = new Float64Array(count * NUMBERS);
  const texts = new Int32Array(count * TEXTS);
  const strings: string[] = [];
  const stringIndex = new Map<string, number>();
  const text = (s: string | null): number => {
    if (s === null) return -1;
    let k = stringIndex.get(s);
    if (k === undefined) {
      k = strings.length;
      strings.push(s);
      stringIndex.set(s, k);
    }
    return k;
  };
  let nodeCount = 0;
  for (const r of rows) nodeCount += r.nodes.length;
  const nodeStart = new Uint32Array(count + 1);
  const nodes = new Float64Array(nodeCount * NODE);
  const nids = new Set<number>();
  let n = 0;
  for (let k = 0; k < count; k++) {
    const r = rows[k];
    if (r.index !== start + k) throw new RangeError(`row ${r.index} is not row ${start + k} of the batch`);
    const o = k * NUMBERS;
    numbers[o] = r.ok ? 1 : 0;
    numbers[o + 1] = r.tdmrs;
    numbers[o + 2] = r.maxTdmrs;
    numbers[o + 3] = r.maxReservedUsed;
    numbers[o + 4] = r.maxReservedPerTdmr;
    numbers[o + 5] = r.pamtKb;
    numbers[o + 6] = r.pamtPercent;
    numbers[o + 7] = r.tdxBytes;
    numbers[o + 8] = r.staticPamtKb;
    numbers[o + 9] = r.refcountKb;
    numbers[o + 10] = r.dynamicPamtKb;
    numbers[o + 11] = r.tdxMemoryKb;
    const t = k * TEXTS;
    texts[t] = text(r.stage);
    texts[t + 1] = text(r.errno);
    texts[t + 2] = text(r.status);
    texts[t + 3] = text(r.statusName);
    texts[t + 4] = text(r.statusDetail);
    texts[t + 5] = text(r.pamtMode);
    nodeStart[k] = n;
    for (const f of r.nodes) {
      const q = n * NODE;
      nodes[q] = f.nid;
      nodes[q + 1] = f.tdxBytes;
      nodes[q + 2] = f.pamtKb;
      nodes[q + 3] = f.pamtPercent;
      nids.add(f.nid);
      n++;
    }
  }
  nodeStart[count] = n;
  return {
    start,
    count,
    numbers,
    texts,
    strings,
    nodeStart,
    nodes,
    nids: [...nids].sort((a, b) => a - b),
  };
}

/** The rows of a batch, as runSweepChunk made them. */
export function unpackRows(sweep: Pick<Sweep, 'axes'>, b: RowBatch): SweepRow[] {
  const rows = new Array<SweepRow>(b.count);
  const str = (k: number): string | null => (k < 0 ? null : b.strings[k]);
  for (let k = 0; k < b.count; k++) {
    const o = k * NUMBERS;
    const t = k * TEXTS;
    const nodes: SweepNodeFigures[] = [];
    for (let n = b.nodeStart[k]; n < b.nodeStart[k + 1]; n++) {
      const q = n * NODE;
      nodes.push({ nid: b.nodes[q], tdxBytes: b.nodes[q + 1], pamtKb: b.nodes[q + 2], pamtPercent: b.nodes[q + 3] });
    }
    const index = b.start + k;
    // Key order as rowFromPlan builds a row: JSON output stays byte-identical.
    rows[k] = {
      index,
      values: combinationValues(sweep, index),
      ok: b.numbers[o] === 1,
      stage: str(b.texts[t]),
      errno: str(b.texts[t + 1]),
      status: str(b.texts[t + 2]),
      statusName: str(b.texts[t + 3]),
      statusDetail: str(b.texts[t + 4]),
      tdmrs: b.numbers[o + 1],
      maxTdmrs: b.numbers[o + 2],
      maxReservedUsed: b.numbers[o + 3],
      maxReservedPerTdmr: b.numbers[o + 4],
      pamtKb: b.numbers[o + 5],
      pamtPercent: b.numbers[o + 6],
      tdxBytes: b.numbers[o + 7],
      nodes,
      pamtMode: str(b.texts[t + 5]) as SweepRow['pamtMode'],
      staticPamtKb: b.numbers[o + 8],
      refcountKb: b.numbers[o + 9],
      dynamicPamtKb: b.numbers[o + 10],
      tdxMemoryKb: b.numbers[o + 11],
    };
  }
  return rows;
}

/** The buffers a batch owns, for a transfer list. */
export function batchBuffers(b: RowBatch): ArrayBuffer[] {
  return [b.numbers.buffer, b.texts.buffer, b.nodeStart.buffer, b.nodes.buffer] as ArrayBuffer[];
}

/** The sorted union of several batches' node ids. */
export function mergeNodeIds(batches: readonly Pick<RowBatch, 'nids'>[]): number[] {
  const all = new Set<number>();
  for (const b of batches) for (const nid of b.nids) all.add(nid);
  return [...all].sort((a, b) => a - b);
}
