/**
 * The app's "Export report…" part of the API contract: the report that
 * `tdx-lab report` writes (main/report/), for the open host. Spread into
 * API_ARGS and ApiResults in api-contract.ts. Browser-safe: no node:* imports.
 */
import { z } from 'zod';

import { variantSchema } from './kernel-schema.js';

export const REPORT_FILE_FORMATS = ['html', 'svg', 'png', 'pdf', 'md', 'json'] as const;
export type ReportFileFormat = (typeof REPORT_FILE_FORMATS)[number];

export const REPORT_ARGS = {
  /**
   * Renders the report of what is open: a document given as text (a host,
   * scenario or recorded host, analysed with `variant`), or a stored run (its
   * recorded Outcome). HTML, SVG, Markdown and JSON come back as text, PNG and
   * PDF as base64 (they need headless Chromium on the Node side: ApiError
   * 'unavailable' without it). `source` names the input in the provenance and
   * the file name, as the CLI's input basename does.
   */
  renderReport: z.strictObject({
    text: z
      .string()
      .min(1, 'must not be empty')
      .max(512 * 1024 * 1024, 'is larger than 512 MiB')
      .optional(),
    variant: variantSchema.optional(),
    runId: z.string().min(1).max(40).optional(),
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
  /** HTML, SVG, Markdown and JSON. */
  text?: string;
  /** PNG and PDF. */
  base64?: string;
}

export interface ReportResults {
  renderReport: ReportFile;
}
