/**
 * The `observed` section of a recorded host, checked before `tdx-lab check`
 * compares anything with it: a hand-edited or damaged record must not reach
 * the comparison as "printed: lots KB". The shape is ObservedBoot's
 * (observed.ts); unknown fields are tolerated, as in host files.
 */
import { z } from 'zod';
import { KERNEL_VARIANTS } from '../host/types.js';
import { zodProblems, type HostProblem } from '../host/validate.js';
import type { ObservedBoot } from './observed.js';

const hexString = z.string().regex(/^0x[0-9a-fA-F]+$/, 'must be a hex string like "0x100000"');
const range = z.looseObject({ base: hexString, size: hexString });

export const observedBootSchema = z.looseObject({
  source: z.string(),
  kernel: z.string().optional(),
  variant: z.enum(KERNEL_VARIANTS as unknown as [string, ...string[]]),
  variant_reason: z.string(),
  cmdline: z.string().optional(),
  keyid_range: z.tuple([z.number().int().min(0), z.number().int().min(0)]).optional(),
  module_version: z.string().optional(),
  module_build: z.string().optional(),
  cmrs: z.array(range),
  cmrs_partial: z.boolean().optional(),
  pamt_kb: z.number().int().min(0).optional(),
  outcome: z.enum(['initialized', 'failed', 'not-enabled-by-bios', 'no-init']),
  failure: z.string().optional(),
  failed_tdmr: range.optional(),
  errno: z.number().int().optional(),
  truncated: z.array(z.string()).optional(),
  seamcall_failures: z
    .array(z.looseObject({ leaf: z.string(), status: z.string(), rdx: z.string().optional() }))
    .optional(),
  acpi_s3: z.boolean().optional(),
  printed: z.array(z.string()).optional(),
  printed_omitted: z.number().int().min(0).optional(),
});

/** Validates `observed` (an array of boots); problems carry paths like $.observed[0].pamt_kb. */
export function parseObserved(
  value: unknown,
): { ok: true; value: ObservedBoot[] } | { ok: false; problems: HostProblem[] } {
  const r = z.array(observedBootSchema).safeParse(value, { reportInput: true });
  if (!r.success)
    return {
      ok: false,
      problems: zodProblems(r.error).map((p) => ({ ...p, path: p.path.replace(/^\$/, '$.observed') })),
    };
  return { ok: true, value: r.data as ObservedBoot[] };
}
