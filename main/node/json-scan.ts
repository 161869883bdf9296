/**
 * An incremental JSON tokenizer: text goes in chunk by chunk, structure comes
 * out as calls on a sink (start/end of objects and arrays, keys, scalar
 * values), with the line and column of every syntax error. It never builds
 * the document, so a file of any size is read in bounded memory; and it
 * bounds nesting depth and string length, so no input can exhaust the stack
 * or the heap later on.
 *
 * Used to stream `session import` files, and to explain where and why
 * JSON.parse refused a file (V8's messages quote raw file bytes and often
 * give no position).
 */

export interface JsonSink {
  startObject(): void;
  endObject(): void;
  startArray(): void;
  endArray(): void;
  /** A property name; its value follows. */
  key(name: string): void;
  value(v: string | number | boolean | null): void;
}

export class JsonSyntaxError extends Error {
  constructor(
    readonly line: number,
    readonly column: number,
    readonly why: string,
  ) {
    super(`line ${line}, column ${column}: ${why}`);
    this.name = 'JsonSyntaxError';
  }
}

export interface JsonScanOptions {
  /** Deepest nesting of objects and arrays accepted. */
  maxDepth?: number;
  /** Longest string (key or value) accepted, in characters. */
  maxStringChars?: number;
}

export const DEFAULT_MAX_DEPTH = 256;
export const DEFAULT_MAX_STRING_CHARS = 64 * 1024 * 1024;

const enum S {
  /** A value is required (document start, after ':' or ','-in-array). */
  Value,
  /** After '[': a value or ']'. */
  ValueOrEnd,
  /** After '{': a key or '}'. */
  KeyOrEnd,
  /** After ',' in an object: a key. */
  Key,
  Colon,
  /** After a value: ',' or the container's end (or the document's end). */
  After,
  Done,
}

const enum L {
  None,
  Str,
  Num,
  Lit,
}

/** A character as an error message shows it: 'x' when printable ASCII, else U+XXXX. */
export function describeChar(c: string): string {
  const code = c.codePointAt(0)!;
  if (code >= 0x21 && code <= 0x7e) return `'${c}'`;
  return `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
}

const PLAIN_STRING = /[^"\\\u0000-\u001f]*/y;
const NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;
const NUMBER_CHAR = /[-+0-9.eE]/;
const ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

export class JsonScanner {
  private state = S.Value;
  /** Open containers: true for an object, false for an array. */
  private readonly stack: boolean[] = [];
  private lex = L.None;
  private buf = '';
  private parts: string[] = [];
  private partsLen = 0;
  private escape = ''; // pending escape: '\\' or '\\u12'
  private isKey = false;
  private line = 1;
  private lineStart = 0; // absolute offset of the current line's first character
  private offset = 0; // absolute offset of the chunk's first character
  private tokenLine = 1;
  private tokenCol = 1;
  private readonly maxDepth: number;
  private readonly maxString: number;
  private started = false;

  constructor(
    private readonly sink: JsonSink,
    opts: JsonScanOptions = {},
  ) {
    this.maxDepth = opts.maxDepth ?? DEFAULT_MAX_DEPTH;
    this.maxString = opts.maxStringChars ?? DEFAULT_MAX_STRING_CHARS;
  }

  /** Where the scanner is: the line and column of the next character. */
  position(i = 0): { line: number; column: number } {
    return { line: this.line, column: this.offset + i - this.lineStart + 1 };
  }

  private fail(i: number, why: string): never {
    const p = this.position(i);
    throw new JsonSyntaxError(p.line, p.column, why);
  }

  private failAtToken(why: string): never {
    throw new JsonSyntaxError(this.tokenLine, this.tokenCol, why);
  }

  write(chunk: string): void {
    let i = 0;
    if (!this.started && chunk.length) {
      this.started = true;
      if (chunk.charCodeAt(0) === 0xfeff) i = 1; // a UTF-8 byte order mark is not part of the document
    }
    const n = chunk.length;
    while (i < n) {
      if (this.lex === L.Str) {
        i = this.string(chunk, i);
        continue;
      }
      if (this.lex === L.Num) {
        const c = chunk[i];
        if (NUMBER_CHAR.test(c)) {
          this.buf += c;
          if (this.buf.length > 400) this.failAtToken('number too long');
          i++;
          continue;
        }
        this.endNumber();
        continue;
      }
      if (this.lex === L.Lit) {
        const c = chunk.charCodeAt(i);
        if (c >= 0x61 && c <= 0x7a) {
          this.buf += chunk[i];
          if (this.buf.length > 5) this.failAtToken(`unexpected word '${this.buf}…' (expected a value)`);
          i++;
          continue;
        }
        this.endLiteral();
        continue;
      }
      const c = chunk.charCodeAt(i);
      if (c === 0x20 || c === 0x09 || c === 0x0d) {
        i++;
        continue;
      }
      if (c === 0x0a) {
        this.line++;
        this.lineStart = this.offset + i + 1;
        i++;
        continue;
      }
      this.token(chunk, i, c);
      i++;
    }
    this.offset += n;
  }

  /** The end of the text: anything still open is an error. */
  end(): void {
    if (this.lex === L.Num) this.endNumber();
    else if (this.lex === L.Lit) this.endLiteral();
    else if (this.lex === L.Str) this.failAtToken('unterminated string (the text ends inside it)');
    if (this.state === S.Done) return;
    if (!this.started || (this.state === S.Value && this.stack.length === 0))
      this.fail(0, 'empty document (expected a JSON value)');
    const open = this.stack[this.stack.length - 1];
    this.fail(0, `the text ends before the JSON document does (expected ${open ? "'}'" : "']'"})`);
  }

  private depthCheck(i: number): void {
    if (this.stack.length >= this.maxDepth)
      this.fail(i, `nested deeper than ${this.maxDepth} levels (objects and arrays inside each other)`);
  }

  private token(chunk: string, i: number, c: number): void {
    const ch = chunk[i];
    const st = this.state;
    if (st === S.Done) this.fail(i, `unexpected ${describeChar(ch)} after the end of the JSON document`);
    if (st === S.Colon) {
      if (c !== 0x3a) this.fail(i, `expected ':' after the property name, got ${describeChar(ch)}`);
      this.state = S.Value;
      return;
    }
    if (st === S.KeyOrEnd || st === S.Key) {
      if (c === 0x7d && st === S.KeyOrEnd) return this.close(true);
      if (c !== 0x22)
        this.fail(
          i,
          c === 0x7d
            ? "expected a property name after ',' (a trailing comma is not JSON)"
            : `expected a property name in double quotes, got ${describeChar(ch)}`,
        );
      return this.startString(i, true);
    }
    if (st === S.After) {
      const inObject = this.stack[this.stack.length - 1];
      if (c === 0x2c) {
        this.state = inObject ? S.Key : S.Value;
        return;
      }
      if (c === 0x7d && inObject) return this.close(true);
      if (c === 0x5d && !inObject) return this.close(false);
      this.fail(
        i,
        inObject
          ? `expected ',' or '}' after a property value, got ${describeChar(ch)}`
          : `expected ',' or ']' after an array element, got ${describeChar(ch)}`,
      );
    }
    if (st === S.ValueOrEnd && c === 0x5d) return this.close(false);
    this.startValue(chunk, i, c);
  }

  private startValue(chunk: string, i: number, c: number): void {
    const ch = chunk[i];
    if (c === 0x7b) {
      this.depthCheck(i);
      this.stack.push(true);
      this.state = S.KeyOrEnd;
      this.sink.startObject();
      return;
    }
    if (c === 0x5b) {
      this.depthCheck(i);
      this.stack.push(false);
      this.state = S.ValueOrEnd;
      this.sink.startArray();
      return;
    }
    if (c === 0x22) return this.startString(i, false);
    this.markToken(i);
    if (c === 0x2d || (c >= 0x30 && c <= 0x39)) {
      this.lex = L.Num;
      this.buf = ch;
      return;
    }
    if (c >= 0x61 && c <= 0x7a) {
      this.lex = L.Lit;
      this.buf = ch;
      return;
    }
    if (c === 0x5d && this.state === S.Value && this.stack[this.stack.length - 1] === false)
      this.fail(i, "expected a value after ',' (a trailing comma is not JSON)");
    this.fail(i, `expected a value, got ${describeChar(ch)}`);
  }

  private close(object: boolean): void {
    this.stack.pop();
    if (object) this.sink.endObject();
    else this.sink.endArray();
    this.afterValue();
  }

  private afterValue(): void {
    this.state = this.stack.length === 0 ? S.Done : S.After;
  }

  private markToken(i: number): void {
    const p = this.position(i);
    this.tokenLine = p.line;
    this.tokenCol = p.column;
  }

  private startString(i: number, isKey: boolean): void {
    this.markToken(i);
    this.lex = L.Str;
    this.isKey = isKey;
    this.parts = [];
    this.partsLen = 0;
    this.escape = '';
    // write() steps past the opening quote after token() returns.
  }

  private addPart(s: string): void {
    if (!s) return;
    this.parts.push(s);
    this.partsLen += s.length;
    if (this.partsLen > this.maxString) this.failAtToken(`string longer than ${this.maxString} characters`);
  }

  /** Scans string content from chunk[i] (past the opening quote); returns the next index. */
  private string(chunk: string, i: number): number {
    const n = chunk.length;
    while (i < n) {
      if (this.escape) {
        const ch = chunk[i];
        if (this.escape === '\\') {
          if (ch === 'u') this.escape = '\\u';
          else if (ch in ESCAPES) {
            this.addPart(ESCAPES[ch]);
            this.escape = '';
          } else this.fail(i, `invalid escape \\${ch === '\n' ? 'n' : ch} in a string`);
          i++;
          continue;
        }
        if (!/[0-9a-fA-F]/.test(ch)) this.fail(i, `invalid \\u escape in a string (expected 4 hex digits)`);
        this.escape += ch;
        i++;
        if (this.escape.length === 6) {
          this.addPart(String.fromCharCode(parseInt(this.escape.slice(2), 16)));
          this.escape = '';
        }
        continue;
      }
      PLAIN_STRING.lastIndex = i;
      PLAIN_STRING.exec(chunk);
      const j = PLAIN_STRING.lastIndex;
      if (j > i) this.addPart(chunk.slice(i, j));
      i = j;
      if (i >= n) break;
      const c = chunk.charCodeAt(i);
      if (c === 0x22) {
        this.endString();
        return i + 1;
      }
      if (c === 0x5c) {
        this.escape = '\\';
        i++;
        continue;
      }
      this.fail(
        i,
        c === 0x0a
          ? 'unterminated string (a line ends inside it)'
          : `control character ${describeChar(chunk[i])} inside a string (it must be escaped)`,
      );
    }
    return i;
  }

  private endString(): void {
    const s = this.parts.length === 1 ? this.parts[0] : this.parts.join('');
    this.parts = [];
    this.partsLen = 0;
    this.lex = L.None;
    if (this.isKey) {
      this.sink.key(s);
      this.state = S.Colon;
    } else {
      this.sink.value(s);
      this.afterValue();
    }
  }

  private endNumber(): void {
    const raw = this.buf;
    this.lex = L.None;
    this.buf = '';
    if (!NUMBER.test(raw)) this.failAtToken(`invalid number '${raw}'`);
    this.sink.value(Number(raw));
    this.afterValue();
  }

  private endLiteral(): void {
    const w = this.buf;
    this.lex = L.None;
    this.buf = '';
    if (w === 'true') this.sink.value(true);
    else if (w === 'false') this.sink.value(false);
    else if (w === 'null') this.sink.value(null);
    else this.failAtToken(`unexpected word '${w}' (expected a value: JSON has true, false and null)`);
    this.afterValue();
  }
}

/** A sink that ignores everything: scanning only for errors. */
export const NULL_SINK: JsonSink = {
  startObject() {},
  endObject() {},
  startArray() {},
  endArray() {},
  key() {},
  value() {},
};

/** Scans a whole text; throws JsonSyntaxError at the first problem. */
export function scanJson(text: string, opts?: JsonScanOptions): void {
  const s = new JsonScanner(NULL_SINK, opts);
  s.write(text);
  s.end();
}

/**
 * The offset at which `text` (valid JSON) nests deeper than `maxDepth`, or -1.
 * A quick pass over the characters, skipping strings.
 */
export function depthExceededAt(text: string, maxDepth = DEFAULT_MAX_DEPTH): number {
  let depth = 0;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      // Skip the string: find its closing quote (not escaped).
      for (i++; i < n; i++) {
        const d = text.charCodeAt(i);
        if (d === 0x5c) i++;
        else if (d === 0x22) break;
      }
    } else if (c === 0x7b || c === 0x5b) {
      if (++depth > maxDepth) return i;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return -1;
}
