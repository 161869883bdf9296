/**
 * A set of disjoint half-open ranges that answers "does [start, end) overlap
 * one of you?" in O(log n): a treap keyed by start. Importers check every
 * new CMR line against the ones kept so far; a scan of a list there made
 * import quadratic in the number of lines (issue 12, item 9).
 */

interface Node {
  start: number;
  end: number;
  prio: number;
  left: Node | null;
  right: Node | null;
}

/** Counts the nodes visited, so tests can show the work grows with the input, not with its square. */
export interface WorkCounter {
  steps: number;
}

export class IntervalSet {
  private root: Node | null = null;
  // Deterministic priorities (a linear congruential sequence): the same input always builds the same tree.
  private seed = 0x2545f491;
  size = 0;
  /**
   * While ranges arrive in ascending order (as the kernel prints CMRs) they are
   * only appended here and the tree is not built: a range starting at or above
   * every end so far cannot overlap. The first range out of order moves them
   * into the tree.
   */
  private run: { start: number; end: number }[] | null = [];
  private maxEnd = -Infinity;

  constructor(private readonly work?: WorkCounter) {}

  private nextPrio(): number {
    this.seed = (Math.imul(this.seed, 1103515245) + 12345) >>> 0;
    return this.seed;
  }

  /** The kept range that overlaps [start, end), if any. */
  overlapping(start: number, end: number): { start: number; end: number } | undefined {
    if (this.work) this.work.steps++;
    if (start >= this.maxEnd) return undefined;
    if (this.run) return this.inRun(start, end);
    // The candidate is the range with the greatest start below `end`; ranges are disjoint, so it is the only one to test.
    let n = this.root;
    let best: Node | null = null;
    while (n) {
      if (this.work) this.work.steps++;
      if (n.start < end) {
        best = n;
        n = n.right;
      } else n = n.left;
    }
    return best && best.end > start ? { start: best.start, end: best.end } : undefined;
  }

  /** Binary search of the ascending run for the range with the greatest start below `end`. */
  private inRun(start: number, end: number): { start: number; end: number } | undefined {
    const run = this.run!;
    let lo = 0;
    let hi = run.length;
    while (lo < hi) {
      if (this.work) this.work.steps++;
      const mid = (lo + hi) >> 1;
      if (run[mid].start < end) lo = mid + 1;
      else hi = mid;
    }
    const best = run[lo - 1];
    return best && best.end > start ? { start: best.start, end: best.end } : undefined;
  }

  /** Adds a range that overlaps none kept (the caller checked with `overlapping`). */
  add(start: number, end: number): void {
    if (this.run) {
      if (start >= this.maxEnd) {
        this.run.push({ start, end });
        this.maxEnd = end;
        this.size++;
        return;
      }
      const run = this.run;
      this.run = null;
      for (const r of run) this.insertNode(r.start, r.end);
    }
    this.maxEnd = Math.max(this.maxEnd, end);
    this.insertNode(start, end);
    this.size++;
  }

  private insertNode(start: number, end: number): void {
    const node: Node = { start, end, prio: this.nextPrio(), left: null, right: null };
    this.root = this.insert(this.root, node);
  }

  private insert(t: Node | null, node: Node): Node {
    // Iterative descent to the split point, then split the subtree there (no recursion: a million ranges stay off the stack).
    let parent: Node | null = null;
    let cur = t;
    while (cur && cur.prio >= node.prio) {
      if (this.work) this.work.steps++;
      parent = cur;
      cur = node.start < cur.start ? cur.left : cur.right;
    }
    const [l, r] = this.split(cur, node.start);
    node.left = l;
    node.right = r;
    if (!parent) return node;
    if (node.start < parent.start) parent.left = node;
    else parent.right = node;
    return t!;
  }

  /** Splits t into ranges starting below `key` and the rest. */
  private split(t: Node | null, key: number): [Node | null, Node | null] {
    let leftRoot: Node | null = null;
    let rightRoot: Node | null = null;
    let leftTail: Node | null = null;
    let rightTail: Node | null = null;
    let cur = t;
    while (cur) {
      if (this.work) this.work.steps++;
      if (cur.start < key) {
        if (leftTail) leftTail.right = cur;
        else leftRoot = cur;
        leftTail = cur;
        cur = cur.right;
      } else {
        if (rightTail) rightTail.left = cur;
        else rightRoot = cur;
        rightTail = cur;
        cur = cur.left;
      }
    }
    if (leftTail) leftTail.right = null;
    if (rightTail) rightTail.left = null;
    return [leftRoot, rightRoot];
  }
}
