/**
 * The rows of a big host's table that live in its document (Node side),
 * read page by page as they scroll into view (documentRows, or the
 * SEAMCALL pages): each page asked for once, kept, and dropped when the
 * table shows another document. One implementation for every virtualized
 * table (TdmrTable, LogView).
 */
export interface PageSource<T> {
  page(from: number, count: number): Promise<T[]>;
}

export class RemotePages<T> {
  #pages = $state.raw(new Map<number, T[]>());
  #asked = new Set<number>();
  #source: PageSource<T> | null = null;
  readonly size: number;

  constructor(size: number) {
    this.size = size;
  }

  /** Reads from `source` from now on; another source's pages are dropped. Call it from $effect.pre, before rows draw. */
  use(source: PageSource<T> | null): void {
    if (source === this.#source) return;
    this.#source = source;
    this.#pages = new Map();
    this.#asked = new Set();
  }

  /** How many pages have come (reactive: an effect reading it runs again as each one arrives). */
  get loaded(): number {
    return this.#pages.size;
  }

  /** Row i, once its page has come (undefined until then). */
  at(i: number): T | undefined {
    return this.#pages.get(Math.floor(i / this.size))?.[i % this.size];
  }

  /** Asks for the pages that rows [first, last) are on, each once; an answer for a source no longer used is dropped. */
  want(first: number, last: number): void {
    const source = this.#source;
    if (!source || last <= first) return;
    for (let p = Math.floor(first / this.size); p <= Math.floor((last - 1) / this.size); p++) {
      if (this.#asked.has(p)) continue;
      this.#asked.add(p);
      source.page(p * this.size, this.size).then(
        (rows) => {
          if (this.#source !== source) return;
          const next = new Map(this.#pages);
          next.set(p, rows);
          this.#pages = next;
        },
        () => this.#asked.delete(p),
      );
    }
  }
}
