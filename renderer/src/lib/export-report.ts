/** The "Export report…" dialog's logic: what to ask the Node side for, and saving what it answers. */
import type { ReportFile, ReportFileFormat } from '../../../main/common/report-contract.js';

export interface ReportParts {
  findings: boolean;
  insets: boolean;
  tables: boolean;
  logs: boolean;
}

export const FORMATS: { value: ReportFileFormat; label: string; hint: string }[] = [
  { value: 'html', label: 'HTML page', hint: 'self-contained, works offline' },
  { value: 'svg', label: 'SVG map', hint: 'the full memory map alone' },
  { value: 'png', label: 'PNG image', hint: 'the page as one image' },
  { value: 'pdf', label: 'PDF document', hint: 'A4, with an outline' },
  { value: 'md', label: 'Markdown', hint: 'to paste into a GitHub issue' },
  { value: 'json', label: 'Outcome JSON', hint: 'verdict, findings, evidence, figures' },
];

export const PARTS: { key: keyof ReportParts; label: string }[] = [
  { key: 'findings', label: 'Findings' },
  { key: 'insets', label: 'Zoomed map insets' },
  { key: 'tables', label: 'TDMR and PAMT tables' },
  { key: 'logs', label: 'Kernel and SEAMCALL logs' },
];

/**
 * The source name the report shows as its input: the file name as the CLI
 * would see it (samples are named without their .json).
 */
export function reportSource(docName: string): string {
  return /\.json$/i.test(docName) ? docName : `${docName}.json`;
}

/** Saves a rendered report through the browser's download (Electron shows its save dialog). */
export function saveReportFile(f: ReportFile): void {
  const body = f.text !== undefined ? f.text : Uint8Array.from(atob(f.base64 ?? ''), (c) => c.charCodeAt(0));
  const url = URL.createObjectURL(new Blob([body], { type: f.mime }));
  const a = document.createElement('a');
  a.href = url;
  a.download = f.fileName;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
