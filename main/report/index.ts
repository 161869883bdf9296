/**
 * `tdx-lab report` in library form: load the subject(s), build the HTML
 * document, and turn it into the requested format.
 *
 *   .html  self-contained page (inline SVG + CSS, no scripts, works offline)
 *   .svg   the full map alone, standalone SVG
 *   .png   the HTML page, screenshotted by headless Chromium
 *   .pdf   the HTML page printed to A4 by headless Chromium (vector maps, outline)
 *   .md    Markdown for a GitHub issue (verdict, findings, tables, logs in <details>)
 *   .json  the Outcome document (engine/outcome/document.ts)
 */
import { extname } from 'node:path';
import type { KernelVariant } from '../../engine/host/types.js';
import { InputError } from '../node/input-file.js';
import { findChromium, renderPdf, renderPng } from './chromium.js';
import { reportHtml, type HtmlOptions, type ReportDocument, type ReportSections } from './html.js';
import { mapSvg, PRINT_MAP_WIDTH, subjectModel, svgDocument } from './map-svg.js';
import { loadSubject, type ReportSubject } from './subject.js';
import { reportMarkdown } from './markdown.js';
import { outcomeDocument } from '../../engine/outcome/document.js';

export type { ReportSections } from './html.js';

export const REPORT_FORMATS = ['html', 'svg', 'png', 'pdf', 'md', 'json'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export function formatOf(out: string): ReportFormat {
  const ext = extname(out).slice(1).toLowerCase();
  if ((REPORT_FORMATS as readonly string[]).includes(ext)) return ext as ReportFormat;
  throw new InputError(
    `--out ${out}: unknown report format "${extname(out) || '(none)'}" (use .html, .svg, .png, .pdf, .md or .json)`,
  );
}

export interface ReportRequest {
  /** A host file, a scenario file or a recorded host. */
  input: string;
  /** A second input to compare with. */
  compare?: string;
  kernel: KernelVariant;
  /** The kernel was given on the command line (a recorded host otherwise takes its boot's kernel). */
  kernelGiven?: boolean;
  format: ReportFormat;
  chromium?: string;
  /** Print the generation time (breaks byte-identical output, so off by default). */
  timestamp?: boolean;
  command?: string;
}

/**
 * Subjects from input files. Other sources yield ReportSubjects themselves and
 * call renderReport: a stored run (stored-run.ts), the app (main/api/report-api.ts).
 */
export function loadSubjects(
  req: Pick<ReportRequest, 'input' | 'compare' | 'kernel' | 'kernelGiven' | 'command'>,
): ReportSubject[] {
  const o = { kernel: req.kernel, kernelGiven: req.kernelGiven, command: req.command };
  const subjects = [loadSubject(req.input, o)];
  const alongside = { file: req.input, regions: subjects[0].outcome.host.memblock.length };
  if (req.compare) subjects.push(loadSubject(req.compare, { ...o, alongside }));
  return subjects;
}

/** The page the PDF prints: the HTML report with its maps drawn at the printed width, so no map text is under 7 pt. */
export function printDocument(
  subjects: readonly ReportSubject[],
  o: Omit<HtmlOptions, 'mapWidth'> = {},
): ReportDocument {
  return reportHtml(subjects, { ...o, mapWidth: PRINT_MAP_WIDTH });
}

export async function renderReport(
  subjects: ReportSubject[],
  format: ReportFormat,
  o: { chromium?: string; timestamp?: string; sections?: ReportSections } = {},
): Promise<Buffer> {
  if (format === 'svg') {
    if (subjects.length > 1)
      throw new InputError('--compare writes two maps: use .html, .pdf, .png, .md or .json, not .svg');
    return Buffer.from(svgDocument(mapSvg(subjectModel(subjects[0]), { idPrefix: 'map', height: 420 })), 'utf8');
  }
  if (format === 'json') {
    const docs = subjects.map((s) =>
      outcomeDocument(s.outcome, { ...s.provenance, ...(o.timestamp && { generated: o.timestamp }) }),
    );
    return Buffer.from(JSON.stringify(docs.length === 1 ? docs[0] : { compare: docs }, null, 1) + '\n', 'utf8');
  }
  if (format === 'md') return Buffer.from(reportMarkdown(subjects, { timestamp: o.timestamp }), 'utf8');
  // Find Chromium before the (possibly long) layout work, so a missing browser fails fast.
  const chromium = format === 'png' || format === 'pdf' ? findChromium(o.chromium) : undefined;
  const html = { timestamp: o.timestamp, sections: o.sections };
  const doc = format === 'pdf' ? printDocument(subjects, html) : reportHtml(subjects, html);
  if (format === 'html') return Buffer.from(doc.html, 'utf8');
  if (format === 'png') return renderPng(chromium!, doc.html);
  return renderPdf(chromium!, doc.html, { title: doc.title });
}

export async function generateReport(req: ReportRequest): Promise<Buffer> {
  const subjects = loadSubjects(req);
  return renderReport(subjects, req.format, {
    chromium: req.chromium,
    timestamp: req.timestamp ? new Date().toISOString() : undefined,
  });
}
