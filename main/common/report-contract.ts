/**
 * The app's "Export report…" part of the API contract: the report that
 * `tdx-lab report` writes (main/report/), for the open host. Spread into
 * API_ARGS and ApiResults in api-contract.ts. Browser-safe: no node:* imports.
 */
import { z } from 'zod';
import { KERNEL_PROFILE_ID_TUPLE } from '../../engine/kernel/profiles.js';

export const REPORT_FILE_FORMATS = ['html', 'svg', 'png', 'pdf'] as const;
export type ReportFileFormat = (typeof REPORT_FILE_FORMATS)[number];

export const REPORT_ARGS = {
  /**
   * Renders the report of a host planned with `variant`. HTML and SVG come
   * back as text, PNG and PDF as base64 (they need headless Chromium on the
   * Node side: ApiError 'unavailable' without it). `source` names the input
   * in the provenance and the file name, as the CLI's input basename does.
   */
  renderReport: z.strictObject({
    hostJson: z
      .string()
      .min(1, 'must not be empty')
      .max(512 * 1024 * 1024, 'is larger than 512 MiB'),
    variant: z.enum(KERNEL_PROFILE_ID_TUPLE),
    source: z.string().max(500, 'is longer than 500 characters').optional(),
    format: z.enum(REPORT_FILE_FORMATS),
    /** Optional parts, all on by default (then the bytes equal `tdx-lab report`'s). */
    options: z
      .strictObject({
        findings: z.boolean().optional(),
        insets: z.boolean().optional(),
        tables: z.boolean().optional(),
        logs: z.boolean().optional(),
      })
      .optional(),
  }),
} as const;

export interface ReportFile {
  mime: string;
  /** A suggested name, e.g. "2s-server-512g-report.html". */
  fileName: string;
  /** HTML and SVG. */
  text?: string;
  /** PNG and PDF. */
  base64?: string;
}

export interface ReportResults {
  renderReport: ReportFile;
}
