/**
 * canonical/tdx `system-report.sh` output: "### Section" headers, each with a
 * fenced block. The TDX kernel log section goes to the dmesg parser; the
 * others that matter are read here: the kernel release (`uname -rvpio`),
 * the CPU model, /proc/cpuinfo's TDX flag, and the MSR section the script
 * prints from `rdmsr` (values in hex without 0x, as rdmsr prints them).
 */
import { type ArtifactFacts, noteIdentity } from './facts.js';

export type ReportSection = 'kernel-logs' | 'kernel-version' | 'cpu-details' | 'cpu-support' | 'msrs' | 'other';

export function reportSection(header: string): ReportSection {
  if (/kernel logs/i.test(header)) return 'kernel-logs';
  if (/^Kernel version/i.test(header)) return 'kernel-version';
  if (/^CPU details/i.test(header)) return 'cpu-details';
  if (/CPU instruction support/i.test(header)) return 'cpu-support';
  if (/Model specific registers|MSRs?\b/i.test(header)) return 'msrs';
  return 'other';
}

function rdmsrHex(s: string): number | undefined {
  return /^[0-9a-fA-F]+$/.test(s) ? parseInt(s, 16) : undefined;
}

/** One line of a section read here; returns false when the section is done with. */
export function reportLine(section: ReportSection, s: string, facts: ArtifactFacts, lineNo: number): boolean {
  const r = (facts.reported ??= {});
  switch (section) {
    case 'kernel-version': {
      const k = /^(\d+\.\d+\.\d+\S*)/.exec(s);
      if (k) noteIdentity(facts, 'kernel', k[1], lineNo);
      return false;
    }
    case 'cpu-details':
      facts.cpuModel ??= s;
      return false;
    case 'cpu-support':
      if (/CPU supports TDX/i.test(s)) r.cpuTdx = true;
      else if (/No TDX support/i.test(s)) r.cpuTdx = false;
      return false;
    case 'msrs': {
      let m: RegExpExecArray | null;
      if ((m = /^HW_ENCRYPT_ENABLE bit:\s*(\S+)/.exec(s))) r.tmeEnable = rdmsrHex(m[1]);
      else if ((m = /^SEAM_RR bit:\s*(\S+)/.exec(s))) r.seamrrEnabled ??= rdmsrHex(m[1]);
      else if ((m = /^MSR_EXTRA3 \(0x1401, bit 11\):\s*(\S+)/.exec(s))) r.seamrrEnabled ??= rdmsrHex(m[1]);
      else if ((m = /^NUM_TDX_PRIV_KEYS:\s*(\S+)/.exec(s))) r.tdxKeyids = rdmsrHex(m[1]);
      else if ((m = /^MSR_EXTRA1 \(0xa0\):\s*(\S+)/.exec(s))) r.mcheckStatus = rdmsrHex(m[1]);
      return true;
    }
    default:
      return true;
  }
}
