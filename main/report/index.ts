/**
 * `tdx-lab report` in library form: load the subject(s), build the HTML
 * document, and turn it into the requested format.
 *
 *   .html  self-contained page (inline SVG + CSS, no scripts, works offline)
 *   .svg   the full map alone, standalone SVG
 *   .png   the HTML page, screenshotted by headless Chromium
 *   .pdf   the HTML page printed to A4 by headless Chromium (vector maps, outline)
 */
import { extname } from 'node:path';
import type { KernelVariant } from '../../engine/host/types.js';
import { InputError } from '../node/input-file.js';
import { findChromium, renderPdf, renderPng } from './chromium.js';
import { reportHtml, type ReportSections } from './html.js';
import { mapSvg, subjectModel, svgDocument } from './map-svg.js';
import { loadSubject, type ReportSubject } from './subject.js';

export type { ReportSections } from './html.js';

export const REPORT_FORMATS = ['html', 'svg', 'png', 'pdf'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export function formatOf(out: string): ReportFormat {
  const ext = extname(out).slice(1).toLowerCase();
  if ((REPORT_FORMATS as readonly string[]).includes(ext)) return ext as ReportFormat;
  throw new InputError(
    `--out ${out}: unknown report format "${extname(out) || '(none)'}" (use .html, .svg, .png or .pdf)`,
  );
}

export interface ReportRequest {
  /** A host file or a scenario file. */
  input: string;
  /** A second host file to compare with. */
  compare?: string;
  kernel: KernelVariant;
  format: ReportFormat;
  chromium?: string;
  /** Print the generation time (breaks byte-identical output, so off by default). */
  timestamp?: boolean;
}

/**
 * Subjects from input files. Other sources yield ReportSubjects themselves and
 * call renderReport: a stored run (stored-run.ts), the app (main/api/report-api.ts).
 */
export function loadSubjects(req: Pick<ReportRequest, 'input' | 'compare' | 'kernel'>): ReportSubject[] {
  const subjects = [loadSubject(req.input, req.kernel)];
  if (req.compare) subjects.push(loadSubject(req.compare, req.kernel));
  return subjects;
}

export async function renderReport(
  subjects: ReportSubject[],
  format: ReportFormat,
  o: { chromium?: string; timestamp?: string; sections?: ReportSections } = {},
): Promise<Buffer> {
  if (format === 'svg') {
    return Buffer.from(svgDocument(mapSvg(subjectModel(subjects[0]), { idPrefix: 'map', height: 420 })), 'utf8');
  }
  // Find Chromium before the (possibly long) layout work, so a missing browser fails fast.
  const chromium = format === 'png' || format === 'pdf' ? findChromium(o.chromium) : undefined;
  const doc = reportHtml(subjects, { timestamp: o.timestamp, sections: o.sections });
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
