/**
 * The host editor's part of the API contract: /proc/iomem lines pasted into
 * the raw table, read by the engine's importer in the engine pool (never a
 * second parser in the renderer). Spread into API_ARGS and ApiResults in
 * api-contract.ts. Browser-safe: no node:* imports.
 */
import { z } from 'zod';
import type { IomemRows } from '../../engine/import/iomem-paste.js';

export type { IomemRows } from '../../engine/import/iomem-paste.js';

export const EDITOR_ARGS = {
  /** Reads pasted /proc/iomem lines into memblock, reserved and device rows (with what the importer assumed). */
  pasteIomem: z.strictObject({
    text: z
      .string()
      .min(1, 'must not be empty')
      .max(4 * 1024 * 1024, 'is larger than 4 MiB'),
  }),
} as const;

export interface EditorResults {
  pasteIomem: IomemRows;
}
