/**
 * The readiness checklist of a recorded host, from what it carries: the
 * probe's MSR values, CPUID and sysfs reads (`record`), the MSR bits a
 * system-report.sh printed (`import`), and each boot's printed lines. One
 * function, so `import`, `record` and every face of the analysis tell the
 * same checklist.
 */
import type { ReportedPlatform } from '../import/facts.js';
import type { ObservedBoot } from '../import/observed.js';
import { readinessChecklist, type CpuidSummary, type Readiness } from './checklist.js';
import type { MsrRead } from './msr.js';

/** The readiness inputs a recorded host keeps besides its boots (plain JSON). */
export interface RecordedPlatform {
  /** MSRs as `record` read them: the value, or why it could not be read. */
  msrs?: { index: string; value?: string; why?: string }[];
  cpuid?: CpuidSummary;
  cpuidWhy?: string;
  cpuFlags?: string[];
  /** /proc/cmdline as read (a boot's own command line is in its observed lines). */
  cmdline?: string;
  kvmTdxParam?: string;
  reported?: ReportedPlatform;
}

function msrMap(list: RecordedPlatform['msrs']): Map<number, MsrRead> {
  const m = new Map<number, MsrRead>();
  for (const r of list ?? []) {
    const i = /^0x[0-9a-f]+$/i.test(r.index) ? parseInt(r.index, 16) : NaN;
    if (!Number.isSafeInteger(i)) continue;
    if (r.value !== undefined && /^0x[0-9a-f]+$/i.test(r.value)) m.set(i, { ok: true, value: BigInt(r.value) });
    else m.set(i, { ok: false, why: r.why ?? 'not read' });
  }
  return m;
}

export function readinessOfRecorded(
  observed: readonly ObservedBoot[],
  platform: RecordedPlatform = {},
  kernel?: string,
): Readiness {
  const boot = observed[observed.length - 1];
  const cmdline = platform.cmdline ?? [...observed].reverse().find((b) => b.cmdline !== undefined)?.cmdline;
  const probed = platform.msrs !== undefined;
  return readinessChecklist({
    msrs: msrMap(platform.msrs),
    cpuid: platform.cpuid,
    cpuidWhy: platform.cpuidWhy ?? (probed ? 'CPUID was not read' : 'CPUID is not in the artifacts'),
    cpuFlags: platform.cpuFlags,
    cmdline,
    kvmTdxParam: platform.kvmTdxParam,
    boot,
    boots: observed,
    kmsgWhy: 'no TDX kernel messages in the artifacts',
    kernel: kernel ?? boot?.kernel,
    reported: platform.reported,
    unknownHint: probed
      ? 'run tdx-lab record as root (sudo, modprobe msr)'
      : 'the artifacts do not show them: attach system-report.sh output or run tdx-lab record as root on the host',
  });
}
