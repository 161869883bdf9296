/**
 * renderReport for the app: the open host's report through main/report, so
 * the app's saved file has the same bytes as `tdx-lab report` on that host.
 * Runs in-process: report layout is string work, and PNG/PDF go to Chromium.
 */
import { basename, extname } from 'node:path';
import type { KernelVariant } from '../../engine/host/types.js';
import { ApiError } from '../common/api-contract.js';
import type { ReportFile, ReportFileFormat } from '../common/report-contract.js';
import { hostFromJson } from '../node/host-file.js';
import { InputError, parseJsonText } from '../node/input-file.js';
import { renderReport, type ReportSections } from '../report/index.js';
import { hostSubject } from '../report/subject.js';

const MIME: Record<ReportFileFormat, string> = {
  html: 'text/html;charset=utf-8',
  svg: 'image/svg+xml',
  png: 'image/png',
  pdf: 'application/pdf',
};

export interface RenderReportArgs {
  hostJson: string;
  variant: KernelVariant;
  source?: string;
  format: ReportFileFormat;
  options?: ReportSections;
}

/** A file-name stem from the source name: letters, digits, dot, dash, underscore. */
function stem(source: string): string {
  const s = basename(source, extname(source))
    .replace(/[^\w.-]+/g, '-')
    .replace(/^[-.]+|-+$/g, '');
  return s || 'host';
}

export async function renderReportFile(a: RenderReportArgs, o: { chromium?: string } = {}): Promise<ReportFile> {
  const file = a.source ?? 'host.json';
  let subject;
  try {
    subject = hostSubject(file, hostFromJson(file, parseJsonText(file, a.hostJson)), a.variant);
  } catch (e) {
    if (e instanceof InputError) throw new ApiError('bad-input', e.message);
    throw e;
  }
  let bytes: Buffer;
  try {
    bytes = await renderReport([subject], a.format, { chromium: o.chromium, sections: a.options });
  } catch (e) {
    // findChromium's InputError: no browser on this machine for PNG/PDF.
    if (e instanceof InputError) throw new ApiError('unavailable', e.message);
    throw e;
  }
  const fileName = `${stem(file)}-report.${a.format}`;
  const text = a.format === 'html' || a.format === 'svg';
  return text
    ? { mime: MIME[a.format], fileName, text: bytes.toString('utf8') }
    : { mime: MIME[a.format], fileName, base64: bytes.toString('base64') };
}
