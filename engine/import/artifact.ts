/**
 * Recognises what a text artifact is by its content and feeds each line to
 * the parser of that kind. A file may be one artifact (a dmesg, an iomem
 * dump), a pasted shell transcript ("$ lsmem", "# numactl -H"...), a
 * canonical/tdx system-report.sh output ("### Section" + fenced blocks), or
 * an issue or mail that holds several blocks of different kinds among
 * prose, fences and quoting (engine/import/wrapping.ts).
 *
 * A block starts at a prompt or section header that names it, or at a line
 * only that kind of artifact has (an iomem range, the lsmem header, a JSON
 * opener, a kernel time stamp...). It ends at a fence, a prompt or the start
 * of another kind. A line that fits no table right after a table is wrapping
 * (prose after the paste); one between two rows of a table is an error.
 */
import { ArtifactError, type ArtifactFacts, type ArtifactKind, emptyFacts } from './facts.js';
import { DmesgParser, hasKernelPrefix } from './dmesg.js';
import { IOMEM_LINE, IomemParser } from './iomem.js';
import { MemmapParser, parseE820Line } from './e820.js';
import { LsmemParser, isLsmemHeader, lsmemJson } from './lsmem.js';
import { NumactlParser } from './numactl.js';
import { cxlListJson } from './cxl-list.js';
import { type ReportSection, reportLine, reportSection } from './system-report.js';
import { isBlockBoundary, isElision, promptCommand, unquote } from './wrapping.js';
import { JsonBlock } from './json-block.js';
import type { WorkCounter } from './interval-set.js';

export { promptCommand } from './wrapping.js';

type Mode = 'auto' | 'dmesg' | 'iomem' | 'memmap' | 'lsmem' | 'numactl' | 'json' | 'ignore' | 'report-section';
type JsonKind = 'lsmem' | 'cxl' | 'ndctl' | 'any';

const MODE_KIND: Partial<Record<Mode, ArtifactKind>> = {
  iomem: 'iomem',
  memmap: 'e820',
  lsmem: 'lsmem',
  numactl: 'numactl',
};

/** JSON artifacts are small; anything bigger is not one of ours. */
const MAX_JSON_CHARS = 32 * 1024 * 1024;

/** The parser a command's output needs. */
function modeForCommand(cmd: string): { mode: Mode; json?: JsonKind } {
  const c = cmd.replace(/^sudo\s+(?:-\S+\s+)*/, '');
  if (/^(dmesg|journalctl|uname)\b/.test(c) || /\bdmesg\b/.test(c)) return { mode: 'dmesg' };
  if (/\/proc\/iomem/.test(c)) return { mode: 'iomem' };
  if (/\/sys\/firmware\/memmap/.test(c)) return { mode: 'memmap' };
  if (/^lsmem\b.*(-J|--json)/.test(c)) return { mode: 'json', json: 'lsmem' };
  if (/^lsmem\b/.test(c)) return { mode: 'lsmem' };
  if (/^numactl\b/.test(c)) return { mode: 'numactl' };
  if (/^(cxl|daxctl) list\b/.test(c)) return { mode: 'json', json: 'cxl' };
  if (/^ndctl list\b/.test(c)) return { mode: 'json', json: 'ndctl' };
  // `cat saved-dmesg.txt`, `head lsmem.json`: a file's content, recognised by what it holds.
  if (/^(cat|head|tail|less|more)\b/.test(c)) return { mode: 'auto' };
  return { mode: 'ignore' };
}

/**
 * A line that opens a JSON document: the lists and objects the importers
 * read start with "{", "[" alone, "[{", "{\"" (a kernel line "[    0.0] ...",
 * "[Tue Nov  4 ...]" or a citation "[1] ..." does not).
 */
function opensJson(s: string): boolean {
  return /^(?:\{\s*(?:"|\}|$)|\[\s*(?:\{|\[|"|\]|$))/.test(s) && !hasKernelPrefix(s);
}

/**
 * The kind of artifact a line can only belong to, or undefined for a line
 * any text could hold. Used to start a block without a prompt, and to end
 * the block before it.
 */
function blockStart(text: string, s: string): Mode | undefined {
  // Cheap first-character tests first: this runs on every line of a log that may have a million.
  const c = s.charCodeAt(0);
  if (c === 0x5b /* [ */) return hasKernelPrefix(s) ? 'dmesg' : opensJson(s) ? 'json' : undefined;
  if (c === 0x7b /* { */) return opensJson(s) ? 'json' : undefined;
  if (IOMEM_LINE.test(text)) return 'iomem';
  if (c === 0x52 /* R */ && isLsmemHeader(s)) return 'lsmem';
  if (c === 0x61 /* a */ && /^available: \d+ nodes?/.test(s)) return 'numactl';
  if (/^0x[0-9a-fA-F]+\s+0x[0-9a-fA-F]+\s+\S/.test(s) || /memmap\/\d+\/(start|end|type):/.test(s)) return 'memmap';
  if (hasKernelPrefix(s)) return 'dmesg';
  if ((s.includes('e820') || s.includes('user:')) && parseE820Line(s)) return 'memmap';
  return undefined;
}

export interface ParserOptions {
  /** Counts the work done (lines read, CMR index steps): tests show it grows linearly with the input. */
  work?: WorkCounter;
}

export class ArtifactParser {
  readonly facts: ArtifactFacts = emptyFacts('dmesg');
  private mode: Mode = 'auto';
  /** The mode was just set by a prompt or a section header: a fence right after it opens that block. */
  private modeFresh = false;
  private recognised = false;
  private dmesgNoted = false;
  private section: ReportSection = 'other';
  private json: JsonBlock | undefined;
  private jsonKind: JsonKind = 'any';
  /** The lines follow `cat FILE`: JSON in them that is no list the lab reads is some other file, not an error. */
  private fileOutput = false;
  private readonly dmesg: DmesgParser;
  private iomem: IomemParser | undefined;
  private memmap: MemmapParser | undefined;
  private lsmem: LsmemParser | undefined;
  private readonly numactl = new NumactlParser(this.facts);
  /** A line that fit no row of the current table: an error if the table goes on, wrapping if it ends. */
  private pending: { line: number; message: string } | undefined;

  constructor(
    readonly source: string,
    opts: ParserOptions = {},
  ) {
    this.dmesg = new DmesgParser(this.facts, opts.work);
  }

  private noteKind(kind: ArtifactKind): void {
    if (!this.recognised) {
      this.facts.kind = kind;
      this.facts.kinds = [kind];
      this.recognised = true;
    } else if (!this.facts.kinds.includes(kind)) this.facts.kinds.push(kind);
  }

  private switchTo(mode: Mode, json?: JsonKind): void {
    this.flush();
    this.mode = mode;
    this.pending = undefined;
    if (mode === 'json') {
      this.json = undefined;
      this.jsonKind = json ?? 'any';
    }
    if (mode === 'iomem') this.iomem = new IomemParser(this.facts);
    if (mode === 'memmap') this.memmap = new MemmapParser(this.facts);
    if (mode === 'lsmem') this.lsmem = new LsmemParser(this.facts);
    // A JSON section of unknown kind is named once it is parsed; a kernel log once a line is read as one.
    const kind =
      mode === 'json'
        ? json === 'lsmem'
          ? 'lsmem-json'
          : json === 'cxl' || json === 'ndctl'
            ? 'cxl-list'
            : undefined
        : MODE_KIND[mode];
    if (kind) this.noteKind(kind);
  }

  /** Ends the current section (parses buffered JSON, checks the finished table). */
  private flush(): void {
    if (this.mode === 'iomem' && this.iomem) this.iomem.finish();
    if (this.mode === 'memmap' && this.memmap) this.memmap.finish();
    if (this.mode === 'lsmem' && this.lsmem) this.lsmem.finish();
    if (this.mode === 'json' && this.json) this.parseJson();
    this.iomem = this.memmap = this.lsmem = undefined;
    this.pending = undefined;
  }

  private parseJson(): void {
    const block = this.json!;
    this.json = undefined;
    const text = block.text().trim();
    if (text === '') return;
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch (e) {
      const why = (e as Error).message.replace(/^JSON\.parse: /, '');
      throw new ArtifactError(
        block.startLine,
        block.closed ? `malformed JSON: ${why}` : `malformed JSON: the document is not closed (${why})`,
      );
    }
    try {
      this.readJson(doc, block);
    } catch (e) {
      // The readers do not know where the document was: name the line it starts on.
      if (e instanceof ArtifactError && e.line === undefined) throw new ArtifactError(block.startLine, e.message);
      throw e;
    }
  }

  private readJson(doc: unknown, block: JsonBlock): void {
    const isObject = typeof doc === 'object' && doc !== null && !Array.isArray(doc);
    let kind: ArtifactKind;
    if (this.jsonKind === 'lsmem' || (this.jsonKind === 'any' && isObject && 'memory' in (doc as object))) {
      kind = 'lsmem-json';
      lsmemJson(doc, this.facts);
    } else if (
      this.jsonKind === 'any' &&
      isObject &&
      (('memblock' in (doc as object) && 'module' in (doc as object)) ||
        'observed' in (doc as object) ||
        'provenance' in (doc as object))
    ) {
      kind = 'host-json';
      this.facts.hostJson = doc;
    } else {
      kind = 'cxl-list';
      try {
        cxlListJson(doc, this.facts, this.jsonKind === 'ndctl' ? 'nvdimm' : undefined);
      } catch (e) {
        if (this.fileOutput && this.jsonKind === 'any' && e instanceof ArtifactError) return;
        throw e;
      }
    }
    this.noteKind(kind);
    if (block.elidedAt.length) this.facts.listsCut.push({ what: kind, line: block.elidedAt[0] });
  }

  line(raw: string, lineNo: number): void {
    if (raw.includes('\u0000')) throw new ArtifactError(lineNo, 'binary data (NUL bytes): not a text log');
    if (lineNo === 1 && raw.charCodeAt(0) === 0xfeff) raw = raw.slice(1);
    const text = unquote(raw);
    const s = text.trim();

    if (this.mode === 'json' && this.json) {
      // Inside a JSON document until its brackets balance; a fence or a prompt cuts it short.
      if (!isBlockBoundary(s) && !promptCommand(raw)) {
        if (this.json.feed(text, lineNo)) this.endBlock();
        else if (this.json.chars > MAX_JSON_CHARS)
          throw new ArtifactError(lineNo, 'JSON section larger than 32 MiB: not an artifact this tool reads');
        return;
      }
      this.flush();
      this.mode = 'auto';
    }

    if (s === '' || /^<=+ COPY (BELOW|ABOVE) HERE/.test(s)) return;
    if (isBlockBoundary(s)) {
      // A fence right after a prompt or header opens that command's output; any other ends the block.
      if (!this.modeFresh) this.endBlock();
      return;
    }

    const header = /^###\s+(.*)$/.exec(s);
    const section = header ? reportSection(header[1].trim()) : undefined;
    if (header && section === 'other' && !this.facts.kinds.includes('system-report')) {
      // A Markdown heading ("### Describe the bug"), not a system-report.sh section.
      this.endBlock();
      return;
    }
    if (header) {
      // A system-report.sh output starts with prose the auto-detection took for a log.
      if (this.facts.kind === 'dmesg') this.facts.kind = 'system-report';
      this.noteKind('system-report');
      this.section = section!;
      this.switchTo(this.section === 'kernel-logs' ? 'dmesg' : this.section === 'other' ? 'ignore' : 'report-section');
      this.modeFresh = true;
      return;
    }
    const prompt = promptCommand(raw);
    if (prompt) {
      if (prompt.host) this.dmesg.addHost(prompt.host, lineNo);
      this.dmesg.command(prompt.cmd);
      const next = modeForCommand(prompt.cmd);
      this.fileOutput = next.mode === 'auto';
      this.switchTo(next.mode, next.json);
      this.modeFresh = true;
      return;
    }
    if (s.startsWith('#')) return; // comments ("# source: ...") and Markdown headings
    this.modeFresh = false;
    if (isElision(s)) return this.elision(lineNo);

    if (this.mode === 'json') {
      // After `$ cxl list`: the document starts at its first bracket; a warning printed before it is not JSON.
      if (opensJson(s)) return this.startJson(text, lineNo);
      const other = blockStart(text, s);
      if (other === undefined || other === 'json') return;
      this.switchTo(other);
    } else {
      this.maybeSwitch(text, s);
      if ((this.mode as Mode) === 'json') return this.startJson(text, lineNo);
    }
    this.dispatch(text, lineNo);
  }

  /** Starts a new block when the line can only belong to another kind of artifact than the current one. */
  private maybeSwitch(text: string, s: string): void {
    const start = blockStart(text, s);
    if (start === undefined || start === this.mode) {
      if (this.mode === 'auto') this.switchTo('dmesg'); // prose, or a bare kernel message
      return;
    }
    // A kernel log reads its own e820 lines; the output of an unknown command is ignored unless a table starts in it.
    if (this.mode === 'dmesg' && start === 'memmap' && parseE820Line(s)) return;
    if (this.mode === 'ignore' && start === 'json') return;
    if (this.mode === 'report-section' && start === 'dmesg') return;
    this.switchTo(start);
  }

  private startJson(text: string, lineNo: number): void {
    this.json = new JsonBlock(lineNo);
    if (this.json.feed(text, lineNo)) this.endBlock();
  }

  /** A fence, a wrapper line or the end of a JSON document: the block is over; what follows is recognised afresh. */
  private endBlock(): void {
    this.flush();
    this.mode = 'auto';
    this.modeFresh = false;
    this.fileOutput = false;
  }

  private elision(lineNo: number): void {
    if (this.mode === 'dmesg') this.dmesg.elision(lineNo);
    else if (this.mode === 'iomem') this.iomem!.elision(lineNo);
    else if (this.mode === 'memmap') this.memmap!.elision(lineNo);
    else if (this.mode === 'lsmem') this.lsmem!.elision(lineNo);
  }

  /** A table row: a line before it that fit no row was not wrapping but a broken row. */
  private tableLine(result: string | undefined, lineNo: number): void {
    if (result === undefined) {
      if (this.pending) throw new ArtifactError(this.pending.line, this.pending.message);
      return;
    }
    this.pending ??= { line: lineNo, message: result };
  }

  private dispatch(text: string, lineNo: number): void {
    switch (this.mode) {
      case 'dmesg': {
        this.dmesg.line(text, lineNo);
        if (this.dmesg.recognised && !this.dmesgNoted) {
          this.dmesgNoted = true;
          this.noteKind('dmesg');
        }
        return;
      }
      case 'iomem':
        return this.tableLine(this.iomem!.line(text, lineNo), lineNo);
      case 'memmap':
        return this.tableLine(this.memmap!.line(text, lineNo), lineNo);
      case 'lsmem':
        return this.tableLine(this.lsmem!.line(text, lineNo), lineNo);
      case 'numactl':
        return this.numactl.line(text);
      case 'report-section':
        if (!reportLine(this.section, text.trim(), this.facts, lineNo)) this.mode = 'ignore';
        return;
      default:
        return;
    }
  }

  finish(): ArtifactFacts {
    if (this.mode === 'json' && this.json && !this.json.closed) this.parseJson();
    this.flush();
    this.dmesg.finish();
    return this.facts;
  }
}

/** Parses a whole text (for small inputs and tests; files are streamed by main/import). */
export function parseArtifactText(source: string, text: string, opts: ParserOptions = {}): ArtifactFacts {
  const p = new ArtifactParser(source, opts);
  const lines = text.split(/\r?\n/);
  lines.forEach((l, i) => p.line(l, i + 1));
  return p.finish();
}
