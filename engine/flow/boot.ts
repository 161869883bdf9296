/**
 * tdx_init() at boot (kernel-flow.md §1): KeyID partitioning from MSR 0x87,
 * the KeyID range line, the too-few-KeyIDs and hibernation refusals, the
 * memory notifier, the ACPI S3 notice. Decides whether TDX is usable at all.
 */
import type { Host } from '../host/types.js';
import type { KernelLog } from '../kernel/log.js';
import { tdxLine } from '../kernel/log.js';

export interface BootOutcome {
  /** X86_FEATURE_TDX_HOST_PLATFORM: later tdx_cpu_enable/tdx_enable work only with it. */
  platformEnabled: boolean;
  /** Why not, when it is not. */
  reason?: 'no-tdx-keyids' | 'too-few-keyids' | 'hibernation';
  /** The first TDX KeyID: the module's global KeyID. */
  globalKeyid: number;
  /** Guest KeyIDs: [guestKeyidStart, guestKeyidStart + nrGuestKeyids). */
  guestKeyidStart: number;
  nrGuestKeyids: number;
}

export function tdxInit(host: Host, log: KernelLog): BootOutcome {
  const p = host.platform ?? {};
  const nrMktme = p.mktme_keyids ?? 63;
  const nrTdx = p.tdx_keyids ?? 64;
  const none: BootOutcome = { platformEnabled: false, globalKeyid: 0, guestKeyidStart: 0, nrGuestKeyids: 0 };
  // No TDX KeyIDs: TDX is absent, and the kernel says nothing.
  if (nrTdx === 0) return { ...none, reason: 'no-tdx-keyids' };
  const start = nrMktme + 1;
  log.push(tdxLine('info', `BIOS enabled: private KeyID range [${start}, ${start + nrTdx})`));
  if (nrTdx < 2) {
    log.push(tdxLine('err', 'initialization failed: too few private KeyIDs available.'));
    return { ...none, reason: 'too-few-keyids' };
  }
  if (p.nohibernate === false) {
    log.push(tdxLine('err', 'initialization failed: Hibernation support is enabled'));
    return { ...none, reason: 'hibernation' };
  }
  if (p.acpi_s3) log.push(tdxLine('info', 'Disable ACPI S3. Turn off TDX in the BIOS to use ACPI S3.'));
  return { platformEnabled: true, globalKeyid: start, guestKeyidStart: start + 1, nrGuestKeyids: nrTdx - 1 };
}
