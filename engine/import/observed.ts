/**
 * What a real boot printed, kept in a recorded/imported host under the
 * top-level `observed` key (parseHost ignores it), so `tdx-lab check` can
 * compare the emulator with the real kernel later.
 */
import type { KernelVariant } from '../host/types.js';
import { hex } from '../format/hex.js';
import { profileForBoot } from '../kernel/profiles.js';
import type { TdxBoot } from './facts.js';

export interface ObservedBoot {
  /** "file:line" of the boot's first line. */
  source: string;
  kernel?: string;
  /** The kernel profile this boot ran (engine/kernel/profiles.ts). */
  variant: KernelVariant;
  variant_reason: string;
  /** false: the profile is a guess (variant_reason says why). */
  variant_known?: boolean;
  /** `Enable Dynamic PAMT` was printed. */
  dpamt?: boolean;
  /** Init at boot stopped at this precondition (its line is in `failure`). */
  precondition?: NonNullable<TdxBoot['preconditionFailed']>;
  cmdline?: string;
  keyid_range?: [number, number];
  module_version?: string;
  module_build?: string;
  cmrs: { base: string; size: string }[];
  cmrs_partial?: boolean;
  pamt_kb?: number;
  outcome: TdxBoot['outcome'];
  failure?: string;
  failed_tdmr?: { base: string; size: string };
  errno?: number;
  /** Cut lines: the outcome is known but not why. */
  truncated?: string[];
  seamcall_failures?: { leaf: string; status: string; rdx?: string }[];
  /** `Disable ACPI S3` was printed (TDX is on, so the kernel turned S3 off). */
  acpi_s3?: boolean;
  /** The boot's TDX lines as printed ("file:line: text"), at most MAX_PRINTED_LINES. */
  printed?: string[];
  /** How many TDX lines past those were left out. */
  printed_omitted?: number;
}

export function observedBoot(b: TdxBoot, source: string, fallbackKernel: string | undefined): ObservedBoot {
  const kernel = b.kernel ?? fallbackKernel;
  // The release decides where it is known; the boot's own lines where it is not, or where they contradict it.
  const v = profileForBoot(kernel, {
    dpamtLine: b.dpamtEnabled,
    initWording: b.initWording,
    preconditionLine: b.preconditionFailed !== undefined,
    moduleVersionLine: b.moduleVersionLine,
  });
  const o: ObservedBoot = {
    source: `${source}:${b.firstLine}`,
    variant: v.profile,
    variant_reason: v.reason,
    variant_known: v.known,
    cmrs: b.cmrs.map((c) => ({ base: hex(c.start), size: hex(c.end - c.start) })),
    outcome: b.outcome,
  };
  if (kernel !== undefined) o.kernel = kernel;
  if (b.cmdline !== undefined) o.cmdline = b.cmdline;
  if (b.keyidRange) o.keyid_range = b.keyidRange;
  if (b.moduleVersion) o.module_version = b.moduleVersion;
  if (b.moduleBuild) o.module_build = b.moduleBuild;
  if (b.cmrsPartial) o.cmrs_partial = true;
  if (b.pamtKb !== undefined) o.pamt_kb = b.pamtKb;
  if (b.dpamtEnabled) o.dpamt = true;
  if (b.preconditionFailed) o.precondition = b.preconditionFailed;
  if (b.failure) o.failure = b.failure;
  if (b.failedTdmr) o.failed_tdmr = { base: hex(b.failedTdmr.start), size: hex(b.failedTdmr.end - b.failedTdmr.start) };
  if (b.errno !== undefined) o.errno = b.errno;
  if (b.truncated.length) o.truncated = b.truncated.map((t) => `${source}:${t.line}: ${t.text}`);
  if (b.acpiS3Disabled) o.acpi_s3 = true;
  if (b.printed?.length) o.printed = b.printed.map((p) => `${source}:${p.line}: ${p.text}`);
  if (b.printedOmitted) o.printed_omitted = b.printedOmitted;
  if (b.seamcallFailures.length)
    o.seamcall_failures = b.seamcallFailures.map((s) =>
      s.rdx ? { leaf: hex(s.leaf), status: s.status, rdx: s.rdx } : { leaf: hex(s.leaf), status: s.status },
    );
  return o;
}
