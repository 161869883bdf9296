/**
 * The TDX readiness checklist: each check says what it found, why it
 * matters and where to change it (BIOS menu or boot configuration), and the
 * verdict is the first thing to fix. Computed here, once, from whatever
 * facts there are: MSR values and CPUID (record), the MSR bits a
 * system-report.sh printed (import), and what the kernel printed (any log).
 * BIOS menu names vary by vendor; the ones given are those of Intel
 * reference BIOSes (Socket Configuration > Processor Configuration).
 */
import { BIOS_ENABLE_TDX, BIOS_TDX, KERNEL_CMDLINE, MODULE_UPDATE } from '../outcome/advice.js';
import type { ReportedPlatform } from '../import/facts.js';
import type { ObservedBoot } from '../import/observed.js';
import { kernelProfile } from '../kernel/profiles.js';
import { decodeBoot } from '../outcome/evidence/decode.js';
import { bits, MSR, type MsrRead } from './msr.js';

export type CheckStatus = 'ok' | 'problem' | 'unknown';

export interface ReadinessCheck {
  id: string;
  title: string;
  status: CheckStatus;
  found: string;
  why: string;
  fix: string;
  /** Where the setting is changed: the BIOS menu, the boot configuration, the module firmware. */
  where: string;
}

export interface Readiness {
  verdict: 'ready' | 'not-ready' | 'unknown';
  summary: string;
  checks: ReadinessCheck[];
}

/** The CPUID facts the checklist reads (native/cpuid.ts decodes them). */
export interface CpuidSummary {
  vendor: string;
  family: number;
  model: number;
  vmx: boolean;
  sgx?: boolean;
  tme?: boolean;
}

export interface ReadinessInput {
  msrs: Map<number, MsrRead>;
  cpuid?: CpuidSummary;
  cpuidWhy?: string;
  /** TDX-related /proc/cpuinfo flags, the fallback when CPUID cannot be executed. */
  cpuFlags?: string[];
  cmdline?: string;
  kvmTdxParam?: string;
  /** The last boot that printed TDX lines, if any were read. */
  boot?: ObservedBoot;
  /** Every boot that printed TDX lines (the KeyID line of any of them proves what the BIOS set up). */
  boots?: readonly ObservedBoot[];
  kmsgWhy?: string;
  /** The kernel messages were read and hold no TDX line at all. */
  kmsgNoTdx?: boolean;
  kernel?: string;
  /** MSR bits as a system-report.sh printed them: used where no MSR value was read. */
  reported?: ReportedPlatform;
  /** What an UNKNOWN verdict tells people to do (default: run as root). */
  unknownHint?: string;
}

const REPORTED = '(as system-report.sh printed it)';
const WHERE_BIOS = `${BIOS_TDX} (BIOS setup)`;
const WHERE_BOOT = 'boot configuration: /etc/default/grub (GRUB_CMDLINE_LINUX_DEFAULT), then update-grub and reboot';
const WHERE_MODULE = 'the BIOS (which carries the TDX module) or /lib/firmware/intel-seam/';
const WHERE_READ = 'nothing to change: read it as root (sudo, modprobe msr)';

function msrFound(r: MsrRead | undefined, index: number): { v?: bigint; why?: string } {
  if (!r) return { why: `MSR 0x${index.toString(16)} not read` };
  return r.ok ? { v: r.value } : { why: r.why };
}

function unknown(
  id: string,
  title: string,
  why: string,
  whyNot: string,
  fix: string,
  where = WHERE_READ,
): ReadinessCheck {
  return { id, title, status: 'unknown', found: `could not read: ${whyNot}`, why, fix, where };
}

/** What the kernel's own lines prove about the platform (the KeyID line, a module that answered). */
interface FromLines {
  /** The KeyID line: the BIOS enabled TME-MT and gave TDX these KeyIDs. */
  keyids?: [number, number];
  /** The module answered SEAMCALLs (it printed its version, a PAMT figure, a module status). */
  moduleAnswered?: string;
}

function fromLines(b: ObservedBoot | undefined, all: readonly ObservedBoot[]): FromLines {
  const out: FromLines = {};
  const k = [...all].reverse().find((x) => x.keyid_range)?.keyid_range ?? b?.keyid_range;
  if (k) out.keyids = k;
  if (!b) return out;
  if (b.outcome === 'initialized') out.moduleAnswered = 'the module initialized';
  else if (b.seamcall_failures?.some((s) => !/^0x8000ff/.test(s.status)))
    out.moduleAnswered = `the module answered ${b.seamcall_failures[0].status} (a module status, not a SEAMCALL fault)`;
  else if (b.module_version) out.moduleAnswered = `the kernel printed the module's version (${b.module_version})`;
  else if (b.pamt_kb !== undefined || (b.failure && /reserved areas|TDMRs exhausted/.test(b.failure)))
    out.moduleAnswered = "the kernel read the module's limits (it went on to build TDMRs)";
  return out;
}

const KVM_TDX = /(^|\s)kvm_intel\.tdx=(1|y|Y)(\s|$)/;
const NOHIBERNATE = /(^|\s)nohibernate(\s|$)/;

export function readinessChecklist(inp: ReadinessInput): Readiness {
  const checks: ReadinessCheck[] = [];
  const msr = (i: number) => msrFound(inp.msrs.get(i), i);
  const lines = fromLines(inp.boot, inp.boots ?? []);
  const keyLine = lines.keyids
    ? `the kernel printed "BIOS enabled: private KeyID range [${lines.keyids[0]}, ${lines.keyids[1]})"`
    : '';

  if (inp.cpuid) {
    const c = inp.cpuid;
    const intel = c.vendor === 'GenuineIntel';
    checks.push({
      id: 'cpu',
      title: 'CPU supports TME (CPUID.7.0:ECX[13])',
      status: intel && c.tme ? 'ok' : 'problem',
      found: `${c.vendor} family 0x${c.family.toString(16)} model 0x${c.model.toString(16)}, TME ${c.tme ? 'supported' : 'not reported'}, VMX ${c.vmx ? 'yes' : 'no'}`,
      why: 'TDX needs an Intel Xeon with TME-MT (4th gen Sapphire Rapids or later); CPUID reports TME support even before the BIOS enables it',
      fix: intel
        ? `${BIOS_TDX}: enable Memory Encryption (TME); if CPUID still lacks it the CPU has no TDX`
        : 'TDX is Intel-only',
      where: WHERE_BIOS,
    });
  } else if (!inp.cpuFlags && inp.reported?.cpuTdx !== undefined) {
    checks.push({
      id: 'cpu',
      title: 'CPU supports TDX (/proc/cpuinfo)',
      status: inp.reported.cpuTdx ? 'ok' : 'problem',
      found: `${inp.reported.cpuTdx ? 'CPU supports TDX' : 'no TDX support'} according to /proc/cpuinfo ${REPORTED}`,
      why: 'TDX needs an Intel Xeon with TME-MT and a BIOS that enables it',
      fix: `${BIOS_TDX}: enable TME, TME-MT and TDX`,
      where: WHERE_BIOS,
    });
  } else if (inp.cpuFlags) {
    const f = inp.cpuFlags;
    checks.push({
      id: 'cpu',
      title: 'CPU supports TME (/proc/cpuinfo flags)',
      status: f.includes('tme') ? 'ok' : 'problem',
      found: `flags: ${f.length ? f.join(' ') : 'none of tme, tdx_host_platform, sgx, vmx'} (CPUID not executed: ${inp.cpuidWhy ?? 'no addon'})`,
      why: 'TDX needs an Intel Xeon with TME-MT; the kernel shows "tme" only when the CPU has it and the BIOS enabled it',
      fix: `${BIOS_TDX}: enable Memory Encryption (TME); if the flag stays absent the CPU has no TDX`,
      where: WHERE_BIOS,
    });
  } else if (lines.keyids) {
    checks.push({
      id: 'cpu',
      title: 'CPU supports TDX',
      status: 'ok',
      found: `inferred: ${keyLine}, which only a CPU with TME-MT and TDX does`,
      why: 'TDX needs an Intel Xeon with TME-MT and a BIOS that enables it',
      fix: '',
      where: WHERE_BIOS,
    });
  } else {
    checks.push(
      unknown(
        'cpu',
        'CPU supports TME (CPUID)',
        'TDX needs an Intel Xeon with TME-MT',
        inp.cpuidWhy ?? 'CPUID not executed',
        'build the native addon (npx node-gyp rebuild --directory native) to read CPUID',
      ),
    );
  }

  const tme = msr(MSR.TME_ACTIVATE);
  const rep = inp.reported ?? {};
  const tmeFix = `${BIOS_TDX} > Total Memory Encryption (TME) = Enabled and Total Memory Encryption Multi-Tenant (TME-MT) = Enabled`;
  const tmeWhy = 'TDX keys private memory with TME-MT KeyIDs; the BIOS must enable and lock TME';
  if (tme.v !== undefined)
    checks.push({
      id: 'tme',
      title: 'TME / TME-MT enabled (MSR 0x982)',
      status: bits(tme.v, 1, 1) === 1 && bits(tme.v, 0, 0) === 1 ? 'ok' : 'problem',
      found: `IA32_TME_ACTIVATE = 0x${tme.v.toString(16)}: lock ${bits(tme.v, 0, 0)}, enable ${bits(tme.v, 1, 1)}`,
      why: tmeWhy,
      fix: tmeFix,
      where: WHERE_BIOS,
    });
  else if (rep.tmeEnable !== undefined)
    checks.push({
      id: 'tme',
      title: 'TME / TME-MT enabled (MSR 0x982)',
      status: rep.tmeEnable === 1 ? 'ok' : 'problem',
      found: `IA32_TME_ACTIVATE enable bit = ${rep.tmeEnable} ${REPORTED}`,
      why: 'TDX keys private memory with TME-MT KeyIDs; the BIOS must enable TME',
      fix: tmeFix,
      where: WHERE_BIOS,
    });
  else if (lines.keyids)
    checks.push({
      id: 'tme',
      title: 'TME / TME-MT enabled',
      status: 'ok',
      found: `inferred: ${keyLine}; TDX KeyIDs are a split of the TME-MT KeyIDs, so TME-MT is on`,
      why: tmeWhy,
      fix: '',
      where: WHERE_BIOS,
    });
  else
    checks.push(
      unknown(
        'tme',
        'TME / TME-MT enabled (MSR 0x982)',
        'memory encryption keys are what TDX private memory is encrypted with',
        tme.why!,
        'run as root with the msr driver loaded (modprobe msr)',
      ),
    );

  const cap = msr(MSR.MTRRCAP);
  const mask = msr(MSR.SEAMRR_PHYS_MASK);
  const seamFix = `${BIOS_TDX} > Trust Domain Extension (TDX) = Enabled and TDX Secure Arbitration Mode Loader (SEAM Loader) = Enabled`;
  const seamWhy = 'the TDX module lives in the SEAM range; without it no SEAMCALL works ("module not loaded")';
  if (mask.v !== undefined) {
    const supported = cap.v === undefined ? undefined : bits(cap.v, 15, 15) === 1;
    const enabled = bits(mask.v, 11, 11) === 1;
    checks.push({
      id: 'seamrr',
      title: 'SEAM range registers enabled (MSR 0x1401 bit 11)',
      status: enabled ? 'ok' : 'problem',
      found: `IA32_SEAMRR_PHYS_MASK = 0x${mask.v.toString(16)} (bit 11 ${enabled ? 'set' : 'clear'})${supported === undefined ? '' : `, MTRRCAP SEAMRR ${supported ? 'supported' : 'not supported'}`}`,
      why: seamWhy,
      fix: seamFix,
      where: WHERE_BIOS,
    });
  } else if (rep.seamrrEnabled !== undefined) {
    checks.push({
      id: 'seamrr',
      title: 'SEAM range registers enabled (MSR 0x1401 bit 11)',
      status: rep.seamrrEnabled === 1 ? 'ok' : 'problem',
      found: `IA32_SEAMRR_PHYS_MASK bit 11 = ${rep.seamrrEnabled} ${REPORTED}`,
      why: seamWhy,
      fix: seamFix,
      where: WHERE_BIOS,
    });
  } else if (inp.boot?.outcome === 'not-enabled-by-bios') {
    checks.push({
      id: 'seamrr',
      title: 'SEAM range enabled (TDX, SEAM Loader)',
      status: 'problem',
      found: 'inferred: the kernel printed "TDX is not enabled by BIOS": a SEAMCALL faulted, so SEAM is not set up',
      why: seamWhy,
      fix: seamFix,
      where: WHERE_BIOS,
    });
  } else if (lines.moduleAnswered) {
    checks.push({
      id: 'seamrr',
      title: 'SEAM range enabled (a TDX module answers SEAMCALLs)',
      status: 'ok',
      found: `inferred: ${lines.moduleAnswered}, which needs the SEAM range the BIOS sets up`,
      why: seamWhy,
      fix: '',
      where: WHERE_BIOS,
    });
  } else {
    checks.push(
      unknown(
        'seamrr',
        'SEAM range registers enabled (MSR 0x1401 bit 11)',
        'the TDX module runs in the SEAM range the BIOS reserves',
        mask.why!,
        'run as root with the msr driver loaded',
      ),
    );
  }

  const part = msr(MSR.KEYID_PARTITIONING);
  const keyFix = `${BIOS_TDX} > TME-MT/TDX key split = a non-zero value (gives KeyIDs to TDX)`;
  const keyWhy =
    'the kernel reserves the first TDX KeyID for the module and needs at least one more for guests; with none TDX is off';
  if (part.v !== undefined) {
    const tdx = bits(part.v, 63, 32);
    const mktme = bits(part.v, 31, 0);
    checks.push({
      id: 'keyids',
      title: 'TDX private KeyIDs (MSR 0x87 bits 63:32 ≥ 2)',
      status: tdx >= 2 ? 'ok' : 'problem',
      found: `${tdx} TDX KeyIDs, ${mktme} MKTME KeyIDs (private range [${mktme + 1}, ${mktme + 1 + tdx}))`,
      why: keyWhy,
      fix: keyFix,
      where: WHERE_BIOS,
    });
  } else if (rep.tdxKeyids !== undefined) {
    checks.push({
      id: 'keyids',
      title: 'TDX private KeyIDs (MSR 0x87 bits 63:32 ≥ 2)',
      status: rep.tdxKeyids >= 2 ? 'ok' : 'problem',
      found: `${rep.tdxKeyids} TDX KeyIDs ${REPORTED}`,
      why: keyWhy,
      fix: keyFix,
      where: WHERE_BIOS,
    });
  } else if (lines.keyids) {
    const n = lines.keyids[1] - lines.keyids[0];
    checks.push({
      id: 'keyids',
      title: 'TDX private KeyIDs (≥ 2)',
      status: n >= 2 ? 'ok' : 'problem',
      found: `${n} TDX KeyIDs: ${keyLine}`,
      why: keyWhy,
      fix: keyFix,
      where: WHERE_BIOS,
    });
  } else {
    checks.push(
      unknown(
        'keyids',
        'TDX private KeyIDs (MSR 0x87 bits 63:32 ≥ 2)',
        'each TD needs its own KeyID; the kernel needs at least 2',
        part.why!,
        'run as root with the msr driver loaded',
      ),
    );
  }

  const a0 = msr(MSR.MCHECK_STATUS);
  const sgx = inp.cpuid?.sgx;
  const a0Value = a0.v ?? (rep.mcheckStatus !== undefined ? BigInt(rep.mcheckStatus) : undefined);
  checks.push(
    a0Value === undefined
      ? unknown(
          'sgx-mcheck',
          'SGX and MCHECK status (MSR 0xA0 = 0)',
          'the microcode check (MCHECK) of the BIOS setup must pass; TDX attestation uses SGX',
          a0.why!,
          'run as root with the msr driver loaded',
        )
      : {
          id: 'sgx-mcheck',
          title: 'SGX and MCHECK status (MSR 0xA0 = 0)',
          status: a0Value === 0n && sgx !== false ? 'ok' : 'problem',
          found: `MSR 0xA0 = 0x${a0Value.toString(16)}${a0.v === undefined ? ` ${REPORTED}` : ''}${sgx === undefined ? '' : `, CPUID SGX ${sgx ? 'on' : 'off'}`}`,
          why: 'a non-zero value means the microcode check of the BIOS memory/security setup failed; TDX quotes need SGX',
          fix: `${BIOS_TDX} > SW Guard Extensions (SGX) = Enabled; update the BIOS if the value stays non-zero`,
          where: WHERE_BIOS,
        },
  );

  const cmd = inp.cmdline ?? inp.boot?.cmdline;
  const has = (w: RegExp) => cmd !== undefined && w.test(cmd);
  const cmdTitle = 'Kernel command line has kvm_intel.tdx=1 and nohibernate';
  const cmdWhy =
    'without kvm_intel.tdx=1 KVM never initializes the module; with hibernation available the kernel refuses TDX ("Hibernation support is enabled")';
  const b = inp.boot;
  const kvmLoad = b ? kernelProfile(b.variant).initAt === 'kvm-load' : true;
  // A boot that initialized got past both checks, whatever a (often cut) published command line shows.
  const initialized = b?.outcome === 'initialized' && inp.cmdline === undefined;
  if (cmd !== undefined)
    checks.push({
      id: 'cmdline',
      title: cmdTitle,
      status: (has(KVM_TDX) && has(NOHIBERNATE)) || initialized ? 'ok' : 'problem',
      found: `kvm_intel.tdx=1 ${has(KVM_TDX) ? 'present' : 'missing'}, nohibernate ${has(NOHIBERNATE) ? 'present' : 'missing'}${initialized && !(has(KVM_TDX) && has(NOHIBERNATE)) ? ' in the printed command line, but the module initialized: the line is cut or the kernel does not need them' : ''}`,
      why: cmdWhy,
      fix: KERNEL_CMDLINE,
      where: WHERE_BOOT,
    });
  else if (b && b.outcome !== 'no-init' && b.outcome !== 'not-enabled-by-bios' && lines.moduleAnswered)
    checks.push({
      id: 'cmdline',
      title: cmdTitle,
      status: 'ok',
      found: `inferred: the command line is not in the log, but ${kvmLoad ? 'KVM went on to initialize the module (so kvm_intel.tdx=1 was set)' : 'the kernel went on to initialize the module'} and it got past the hibernation check`,
      why: cmdWhy,
      fix: '',
      where: WHERE_BOOT,
    });
  else
    checks.push(
      unknown(
        'cmdline',
        cmdTitle,
        'KVM initializes TDX only when asked; hibernation must be off',
        b ? 'the log has no "Command line:" line' : '/proc/cmdline not read',
        b ? 'include the boot lines: sudo dmesg | grep -i -e tdx -e "command line"' : 'read /proc/cmdline',
        WHERE_BOOT,
      ),
    );

  if (inp.kvmTdxParam !== undefined) {
    const on = /^[Yy1]/.test(inp.kvmTdxParam.trim());
    checks.push({
      id: 'kvm-param',
      title: 'kvm_intel TDX parameter (/sys/module/kvm_intel/parameters/tdx)',
      status: on ? 'ok' : 'problem',
      found: `tdx = ${inp.kvmTdxParam.trim()}`,
      why: 'KVM turns the parameter off again when TDX initialization fails, so N after boot means it failed or was never asked',
      fix: on ? '' : 'see the module-init check and the kernel messages (dmesg | grep -i tdx)',
      where: WHERE_BOOT,
    });
  }

  if (!b && inp.kmsgNoTdx) {
    checks.push({
      id: 'module-init',
      title: 'TDX module initialized',
      status: 'problem',
      found: 'the kernel printed nothing about TDX (no "virt/tdx:" line)',
      why: 'the kernel prints the private KeyID range at boot whenever the BIOS enabled TDX; silence means TDX is off',
      fix: BIOS_ENABLE_TDX,
      where: WHERE_BIOS,
    });
  } else if (!b) {
    checks.push(
      unknown(
        'module-init',
        'TDX module initialized',
        'the kernel prints the outcome of TDX initialization',
        inp.kmsgWhy ?? 'no TDX kernel messages',
        'pass a saved log with --dmesg (sudo dmesg > dmesg.txt) or run as root',
        'nothing to change: save the kernel log (sudo dmesg > dmesg.txt)',
      ),
    );
  } else {
    const decoded = decodeBoot(b);
    const fix =
      b.outcome === 'initialized'
        ? ''
        : decoded?.fixes.length
          ? decoded.fixes.join('; ')
          : b.outcome === 'no-init' && has(KVM_TDX)
            ? 'kvm_intel.tdx=1 is set but KVM never initialized the module: check that kvm_intel is loaded (lsmod | grep kvm), the kvm_intel lines of dmesg, and that the BIOS loads a TDX module (SEAM Loader = Enabled)'
            : 'read the failure line and the decoded failure';
    checks.push({
      id: 'module-init',
      title: 'TDX module initialized',
      status: b.outcome === 'initialized' ? 'ok' : 'problem',
      found:
        b.outcome === 'initialized'
          ? `initialized${b.pamt_kb !== undefined ? `, ${b.pamt_kb} KB allocated for PAMT` : ''}`
          : b.outcome === 'failed'
            ? `initialization failed${b.failure ? `: ${b.failure}` : ''}${b.errno !== undefined ? ` (${b.errno})` : ''}`
            : b.outcome === 'not-enabled-by-bios'
              ? 'TDX is not enabled by BIOS'
              : `only the boot-time lines${b.keyid_range ? ` (KeyIDs [${b.keyid_range[0]}, ${b.keyid_range[1]}))` : ''}: the module was never initialized`,
      why: 'only an initialized module can run TDs',
      fix,
      where:
        b.outcome === 'not-enabled-by-bios'
          ? WHERE_BIOS
          : decoded?.stage === 'metadata'
            ? WHERE_MODULE
            : decoded?.fixedBy.length
              ? 'the kernel: install the release named in the fix'
              : b.outcome === 'no-init'
                ? WHERE_BOOT
                : 'see the decoded failure',
    });
    const v = b.module_version;
    const sysRdFailed = (b.seamcall_failures ?? []).some((s) => s.leaf === '0x22');
    checks.push({
      id: 'module-version',
      title: 'TDX module version matches the kernel',
      status:
        v === undefined && !sysRdFailed
          ? 'unknown'
          : sysRdFailed || (v !== undefined && /^1\.0(\.|$)/.test(v))
            ? 'problem'
            : 'ok',
      found: `${v ? `module ${v}${b.module_build ? ` (${b.module_build})` : ''}` : 'module version not printed'}${sysRdFailed ? ', TDH.SYS.RD failed' : ''}${(inp.kernel ?? b.kernel) ? ` with kernel ${inp.kernel ?? b.kernel}` : ''}`,
      why: "current kernels read the module's metadata with TDH.SYS.RD, which TDX 1.0 modules lack (init fails with -5)",
      fix: MODULE_UPDATE,
      where: WHERE_MODULE,
    });
  }

  const problems = checks.filter((c) => c.status === 'problem');
  const unknowns = checks.filter((c) => c.status === 'unknown');
  if (problems.length) {
    return { verdict: 'not-ready', summary: `NOT READY: fix "${problems[0].title}" first: ${problems[0].fix}`, checks };
  }
  if (unknowns.length) {
    return {
      verdict: 'unknown',
      summary: `UNKNOWN: ${unknowns.length} check${unknowns.length > 1 ? 's' : ''} could not be read (${unknowns.map((u) => u.id).join(', ')}); ${inp.unknownHint ?? 'run as root'}`,
      checks,
    };
  }
  return { verdict: 'ready', summary: 'READY: TDX is enabled and the module is initialized', checks };
}
