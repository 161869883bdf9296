/**
 * Recognises what a text artifact is by its content and feeds each line to
 * the parser of that kind. A file may be one artifact (a dmesg, an iomem
 * dump) or a pasted shell transcript ("$ lsmem", "$ numactl -H"...) or a
 * canonical/tdx system-report.sh output ("### Section" + fenced blocks):
 * prompts and section headers switch the parser.
 */
import { ArtifactError, type ArtifactFacts, type ArtifactKind, emptyFacts } from './facts.js';
import { DmesgParser } from './dmesg.js';
import { IOMEM_LINE, IomemParser } from './iomem.js';
import { MemmapParser, parseE820Line } from './e820.js';
import { LsmemParser, lsmemJson } from './lsmem.js';
import { NumactlParser } from './numactl.js';
import { cxlListJson } from './cxl-list.js';
import { type ReportSection, reportLine, reportSection } from './system-report.js';

type Mode = 'auto' | 'dmesg' | 'iomem' | 'memmap' | 'lsmem' | 'numactl' | 'json' | 'ignore' | 'report-section';

const MODE_KIND: Partial<Record<Mode, ArtifactKind>> = {
  dmesg: 'dmesg',
  iomem: 'iomem',
  memmap: 'e820',
  lsmem: 'lsmem',
  numactl: 'numactl',
};

/** JSON artifacts are small; anything bigger is not one of ours. */
const MAX_JSON_CHARS = 32 * 1024 * 1024;

const PROMPTS = [
  /^(?:>\s*)?\$\s+(.+)$/,
  /^(?:>\s*)?\/?([\w.-]+)@([\w.-]*):[^$#\s]*[$#]\s*(.*)$/,
  /^(?:>\s*)?\[([\w.-]*)@([^\]]*)\][$#]\s*(.*)$/,
];

/** The shell command of a prompt line, and the hostname it shows (if any). */
export function promptCommand(line: string): { cmd: string; host?: string } | undefined {
  const a = PROMPTS[0].exec(line);
  if (a) return { cmd: a[1].trim() };
  const b = PROMPTS[1].exec(line);
  if (b) return { cmd: b[3].trim(), host: b[2] || undefined };
  const c = PROMPTS[2].exec(line);
  if (c) return { cmd: c[3].trim() };
  return undefined;
}

/** The parser a command's output needs. */
function modeForCommand(cmd: string): { mode: Mode; json?: 'lsmem' | 'cxl' } {
  const c = cmd.replace(/^sudo\s+/, '');
  if (/^(dmesg|journalctl|uname)\b/.test(c) || /\bdmesg\b/.test(c)) return { mode: 'dmesg' };
  if (/\/proc\/iomem/.test(c)) return { mode: 'iomem' };
  if (/\/sys\/firmware\/memmap/.test(c)) return { mode: 'memmap' };
  if (/^lsmem\b.*(-J|--json)/.test(c)) return { mode: 'json', json: 'lsmem' };
  if (/^lsmem\b/.test(c)) return { mode: 'lsmem' };
  if (/^numactl\b/.test(c)) return { mode: 'numactl' };
  if (/^(cxl|daxctl) list\b/.test(c)) return { mode: 'json', json: 'cxl' };
  return { mode: 'ignore' };
}

/** Guesses the kind of an artifact from its first meaningful line. */
export function recogniseLine(line: string): { mode: Mode; kind: ArtifactKind } {
  const s = line.trim();
  if (/^[[{]/.test(s) && !/^\[\s*\d+\.\d+\]/.test(s)) return { mode: 'json', kind: 'host-json' };
  if (IOMEM_LINE.test(line)) return { mode: 'iomem', kind: 'iomem' };
  if (/^0x[0-9a-fA-F]+\s+0x[0-9a-fA-F]+\s+\S/.test(s) || /memmap\/\d+\/(start|end|type):/.test(s))
    return { mode: 'memmap', kind: 'e820' };
  if (parseE820Line(s) && !/^\[/.test(s)) return { mode: 'memmap', kind: 'e820' };
  if (/^RANGE\s+SIZE\b/.test(s)) return { mode: 'lsmem', kind: 'lsmem' };
  if (/^available: \d+ nodes?/.test(s)) return { mode: 'numactl', kind: 'numactl' };
  return { mode: 'dmesg', kind: 'dmesg' };
}

export class ArtifactParser {
  readonly facts: ArtifactFacts = emptyFacts('dmesg');
  private mode: Mode = 'auto';
  private recognised = false;
  private section: ReportSection = 'other';
  private json: string[] = [];
  private jsonChars = 0;
  private jsonStart = 0;
  private jsonKind: 'lsmem' | 'cxl' | 'any' = 'any';
  private readonly dmesg = new DmesgParser(this.facts);
  private iomem: IomemParser | undefined;
  private memmap: MemmapParser | undefined;
  private lsmem: LsmemParser | undefined;
  private readonly numactl = new NumactlParser(this.facts);

  constructor(readonly source: string) {}

  private noteKind(kind: ArtifactKind): void {
    if (!this.recognised) {
      this.facts.kind = kind;
      this.facts.kinds = [kind];
      this.recognised = true;
    } else if (!this.facts.kinds.includes(kind)) this.facts.kinds.push(kind);
  }

  private switchTo(mode: Mode, lineNo: number, json?: 'lsmem' | 'cxl'): void {
    this.flush();
    this.mode = mode;
    if (mode === 'json') {
      this.json = [];
      this.jsonChars = 0;
      this.jsonStart = lineNo + 1;
      this.jsonKind = json ?? 'any';
    }
    if (mode === 'iomem') this.iomem = new IomemParser(this.facts);
    if (mode === 'memmap') this.memmap = new MemmapParser(this.facts);
    if (mode === 'lsmem') this.lsmem = new LsmemParser(this.facts);
    // A JSON section of unknown kind is named once it is parsed.
    const kind =
      mode === 'json' ? (json === 'lsmem' ? 'lsmem-json' : json === 'cxl' ? 'cxl-list' : undefined) : MODE_KIND[mode];
    if (kind) this.noteKind(kind);
  }

  /** Ends the current section (parses buffered JSON, checks the finished table). */
  private flush(): void {
    if (this.mode === 'iomem' && this.iomem) this.iomem.finish();
    if (this.mode === 'memmap' && this.memmap) this.memmap.finish();
    if (this.mode === 'json') this.parseJson();
  }

  private parseJson(): void {
    const text = this.json.join('\n').trim();
    this.json = [];
    if (text === '') return;
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch (e) {
      throw new ArtifactError(this.jsonStart, `malformed JSON: ${(e as Error).message.replace(/^JSON\.parse: /, '')}`);
    }
    if (
      this.jsonKind === 'lsmem' ||
      (this.jsonKind === 'any' && typeof doc === 'object' && doc !== null && 'memory' in doc)
    ) {
      this.noteKind('lsmem-json');
      lsmemJson(doc, this.facts);
    } else if (
      this.jsonKind === 'any' &&
      typeof doc === 'object' &&
      doc !== null &&
      !Array.isArray(doc) &&
      (('memblock' in doc && 'module' in doc) || 'observed' in doc || 'provenance' in doc)
    ) {
      this.noteKind('host-json');
      this.facts.hostJson = doc;
    } else {
      this.noteKind('cxl-list');
      cxlListJson(doc, this.facts);
    }
  }

  line(raw: string, lineNo: number): void {
    if (raw.includes('\u0000')) throw new ArtifactError(lineNo, 'binary data (NUL bytes): not a text log');
    const s = raw.trim();
    if (this.mode === 'json' && !promptCommand(raw)) {
      this.jsonChars += raw.length + 1;
      if (this.jsonChars > MAX_JSON_CHARS)
        throw new ArtifactError(lineNo, 'JSON section larger than 32 MiB: not an artifact this tool reads');
      this.json.push(raw);
      return;
    }
    if (s === '' || /^```/.test(s) || /^<=+ COPY (BELOW|ABOVE) HERE/.test(s)) return;

    const header = /^###\s+(.*)$/.exec(s);
    if (header) {
      // A system-report.sh output starts with prose the auto-detection took for a log.
      if (this.facts.kind === 'dmesg') this.facts.kind = 'system-report';
      this.noteKind('system-report');
      this.section = reportSection(header[1].trim());
      this.switchTo(
        this.section === 'kernel-logs' ? 'dmesg' : this.section === 'other' ? 'ignore' : 'report-section',
        lineNo,
      );
      return;
    }
    const prompt = promptCommand(raw);
    if (prompt) {
      if (prompt.host) this.dmesg.addHost(prompt.host, lineNo);
      this.dmesg.command(prompt.cmd);
      const next = modeForCommand(prompt.cmd);
      this.switchTo(next.mode, lineNo, next.json);
      return;
    }
    if (/^(?:>\s*)?#/.test(s)) return; // comments ("# source: ...")

    if (this.mode === 'auto') {
      const r = recogniseLine(raw);
      this.switchTo(r.mode, lineNo - 1);
      if (r.mode === 'json') {
        this.json.push(raw);
        this.jsonChars += raw.length;
        return;
      }
    }
    switch (this.mode) {
      case 'dmesg':
        return this.dmesg.line(raw, lineNo);
      case 'iomem':
        return this.iomem!.line(raw, lineNo);
      case 'memmap':
        return this.memmap!.line(raw, lineNo);
      case 'lsmem':
        return this.lsmem!.line(raw, lineNo);
      case 'numactl':
        return this.numactl.line(raw);
      case 'report-section':
        if (!reportLine(this.section, s, this.facts, lineNo)) this.mode = 'ignore';
        return;
      default:
        return;
    }
  }

  finish(): ArtifactFacts {
    this.flush();
    this.dmesg.finish();
    return this.facts;
  }
}

/** Parses a whole text (for small inputs and tests; files are streamed by main/import). */
export function parseArtifactText(source: string, text: string): ArtifactFacts {
  const p = new ArtifactParser(source);
  const lines = text.split(/\r?\n/);
  lines.forEach((l, i) => p.line(l, i + 1));
  return p.finish();
}
