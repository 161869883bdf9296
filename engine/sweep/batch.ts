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

/**
 * Packs consecutive rows one at a time, as they are made: a worker keeps no
 * row object past its own combination, so a chunk's rows never survive a
 * young-generation GC (copying a thousand live rows at every scavenge was a
 * fifth of a plan-mode worker's time).
 */
export class RowPacker {
  private readonly numbers: Float64Array;
  private readonly texts: Int32Array;
  private readonly nodeStart: Uint32Array;
  private nodes: Float64Array;
  private readonly strings: string[] = [];
  private readonly stringIndex = new Map<string, number>();
  private readonly nids = new Set<number>();
  /** Rows added so far. */
  private k = 0;
  /** Node figures added so far. */
  private n = 0;

  constructor(
    private readonly start: number,
    private readonly count: number,
  ) {
    this.numbers = new Float64Array(count * NUMBERS);
    this.texts = new Int32Array(count * TEXTS);
    this.nodeStart = new Uint32Array(count + 1);
    // Room for 4 nodes a row to begin with; grown by doubling when a sweep has more.
    this.nodes = new Float64Array(Math.max(1, count * 4) * NODE);
  }

  private text(s: string | null): number {
    if (s === null) return -1;
    let i = this.stringIndex.get(s);
    if (i === undefined) {
      i = this.strings.length;
      this.strings.push(s);
      this.stringIndex.set(s, i);
    }
    return i;
  }

  /** The next row (its index must be start + rows added so far). */
  add(r: SweepRow): void {
    const k = this.k;
    if (k >= this.count) throw new RangeError(`batch of ${this.count} rows is full`);
    if (r.index !== this.start + k) throw new RangeError(`row ${r.index} is not row ${this.start + k} of the batch`);
    const o = k * NUMBERS;
    const numbers = this.numbers;
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
    const texts = this.texts;
    texts[t] = this.text(r.stage);
    texts[t + 1] = this.text(r.errno);
    texts[t + 2] = this.text(r.status);
    texts[t + 3] = this.text(r.statusName);
    texts[t + 4] = this.text(r.statusDetail);
    texts[t + 5] = this.text(r.pamtMode);
    this.nodeStart[k] = this.n;
    if ((this.n + r.nodes.length) * NODE > this.nodes.length) {
      const grown = new Float64Array(Math.max(this.nodes.length * 2, (this.n + r.nodes.length) * NODE));
      grown.set(this.nodes);
      this.nodes = grown;
    }
    for (const f of r.nodes) {
      const q = this.n * NODE;
      this.nodes[q] = f.nid;
      this.nodes[q + 1] = f.tdxBytes;
      this.nodes[q + 2] = f.pamtKb;
      this.nodes[q + 3] = f.pamtPercent;
      this.nids.add(f.nid);
      this.n++;
    }
    this.k = k + 1;
  }

  /** The batch of every row added (all `count` of them). */
  finish(): RowBatch {
    if (this.k !== this.count) throw new RangeError(`batch has ${this.k} of its ${this.count} rows`);
    this.nodeStart[this.count] = this.n;
    return {
      start: this.start,
      count: this.count,
      numbers: this.numbers,
      texts: this.texts,
      strings: this.strings,
      nodeStart: this.nodeStart,
      // Exactly the figures added: the transferred buffer carries no spare room.
      nodes: this.n * NODE === this.nodes.length ? this.nodes : this.nodes.slice(0, this.n * NODE),
      nids: [...this.nids].sort((a, b) => a - b),
    };
  }
}

/** Packs consecutive rows (rows[k].index === start + k). */
export function packRows(start: number, rows: readonly SweepRow[]): RowBatch {
  const p = new RowPacker(start, rows.length);
  for (const r of rows) p.add(r);
  return p.finish();
}

/** The rows of a batch, as runSweepChunk made them. */
export function unpackRows(sweep: Pick<Sweep, 'axes'>, b: RowBatch): SweepRow[] {
  const rows = new Array<SweepRow>(b.count);
  for (let k = 0; k < b.count; k++) rows[k] = unpackRow(sweep, b, k);
  return rows;
}

/** Row k of a batch (0 ≤ k < count), as runSweepChunk made it. */
export function unpackRow(sweep: Pick<Sweep, 'axes'>, b: RowBatch, k: number): SweepRow {
  const str = (i: number): string | null => (i < 0 ? null : b.strings[i]);
  const o = k * NUMBERS;
  const t = k * TEXTS;
  const nodes: SweepNodeFigures[] = [];
  for (let n = b.nodeStart[k]; n < b.nodeStart[k + 1]; n++) {
    const q = n * NODE;
    nodes.push({ nid: b.nodes[q], tdxBytes: b.nodes[q + 1], pamtKb: b.nodes[q + 2], pamtPercent: b.nodes[q + 3] });
  }
  const index = b.start + k;
  // Key order as rowFromPlan builds a row: JSON output stays byte-identical.
  return {
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
