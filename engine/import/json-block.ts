/**
 * One JSON document inside a paste, read line by line: it starts at a line
 * opening with "{" or "[" and ends where its brackets balance (outside
 * strings), so whatever follows (a closing fence, a prompt, prose, another
 * artifact) is not taken for JSON. A "..." line inside it is an elision:
 * dropped, with the comma it leaves dangling, and the document is marked cut.
 */
import { isElision } from './wrapping.js';

export class JsonBlock {
  private depth = 0;
  private inString = false;
  private escaped = false;
  private parts: string[] = [];
  chars = 0;
  /** Lines with an elision mark that were dropped. */
  elidedAt: number[] = [];
  closed = false;

  constructor(readonly startLine: number) {}

  /** Feeds one line; true once the document's brackets balance. */
  feed(line: string, lineNo: number): boolean {
    if (!this.inString && isElision(line.trim())) {
      this.elidedAt.push(lineNo);
      return false;
    }
    let i = 0;
    for (; i < line.length && !this.closed; i++) {
      const c = line.charCodeAt(i);
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (c === 0x5c) this.escaped = true;
        else if (c === 0x22) this.inString = false;
      } else if (c === 0x22) this.inString = true;
      else if (c === 0x7b || c === 0x5b) this.depth++;
      else if (c === 0x7d || c === 0x5d) {
        this.depth--;
        if (this.depth <= 0) this.closed = true;
      }
    }
    // Text after the closing bracket on the same line (a fence glued to it) is not JSON.
    const part = this.closed ? line.slice(0, i) : line;
    this.parts.push(part);
    this.chars += part.length + 1;
    return this.closed;
  }

  /** The document's text; with elisions, the commas they left before a closing bracket are dropped. */
  text(): string {
    const t = this.parts.join('\n');
    this.parts = [];
    return this.elidedAt.length ? dropDanglingCommas(t) : t;
  }
}

/** Removes "," followed only by whitespace and a closing bracket, or right after an opening one (outside strings). */
function dropDanglingCommas(t: string): string {
  let out = '';
  let inString = false;
  let escaped = false;
  let lastSignificant = '';
  for (let i = 0; i < t.length; i++) {
    const ch = t[i];
    if (inString) {
      out += ch;
      if (escaped) escaped = false;
      else if (ch === '\\') escaped = true;
      else if (ch === '"') inString = false;
      continue;
    }
    if (ch === '"') inString = true;
    if (ch === ',') {
      let j = i + 1;
      while (j < t.length && /\s/.test(t[j])) j++;
      if (t[j] === ']' || t[j] === '}' || t[j] === ',' || lastSignificant === '[' || lastSignificant === '{') continue;
    }
    if (!/\s/.test(ch)) lastSignificant = ch;
    out += ch;
  }
  return out;
}
