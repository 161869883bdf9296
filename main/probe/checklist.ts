/**
 * The TDX readiness checklist: each check says what it found, why it
 * matters and where to change it (BIOS menu or boot configuration), and the
 * verdict is the first thing to fix. BIOS menu names vary by vendor; the
 * ones given are those of Intel reference BIOSes (Socket Configuration >
 * Processor Configuration).
 */
import type { CpuidFacts } from '../../native/cpuid.js';
import { BIOS_ENABLE_TDX, BIOS_TDX, KERNEL_CMDLINE, MODULE_UPDATE } from '../../engine/outcome/advice.js';
import type { ReportedPlatform, TdxBoot } from '../../engine/import/facts.js';
import { bits, MSR, type MsrRead } from './msr.js';

export type CheckStatus = 'ok' | 'problem' | 'unknown';

export interface ReadinessCheck {
  id: string;
  title: string;
  status: CheckStatus;
  found: string;
  why: string;
  fix: string;
}

export interface Readiness {
  verdict: 'ready' | 'not-ready' | 'unknown';
  summary: string;
  checks: ReadinessCheck[];
}

export interface ReadinessInput {
  msrs: Map<number, MsrRead>;
  cpuid?: CpuidFacts;
  cpuidWhy?: string;
  /** TDX-related /proc/cpuinfo flags, the fallback when CPUID cannot be executed. */
  cpuFlags?: string[];
  cmdline?: string;
  kvmTdxParam?: string;
  /** The last boot's TDX messages, if any were read. */
  boot?: TdxBoot;
  kmsgWhy?: string;
  /** The kernel messages were read and hold no TDX line at all. */
  kmsgNoTdx?: boolean;
  kernel?: string;
  /** MSR bits as a system-report.sh printed them: used where no MSR value was read. */
  reported?: ReportedPlatform;
}

const REPORTED = '(as system-report.sh printed it)';

function msrFound(r: MsrRead | undefined, index: number): { v?: bigint; why?: string } {
  if (!r) return { why: `MSR 0x${index.toString(16)} not read` };
  return r.ok ? { v: r.value } : { why: r.why };
}

function unknown(id: string, title: string, why: string, whyNot: string, fix: string): ReadinessCheck {
  return { id, title, status: 'unknown', found: `could not read: ${whyNot}`, why, fix };
}

export function readinessChecklist(inp: ReadinessInput): Readiness {
  const checks: ReadinessCheck[] = [];
  const msr = (i: number) => msrFound(inp.msrs.get(i), i);

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
    });
  } else if (!inp.cpuFlags && inp.reported?.cpuTdx !== undefined) {
    checks.push({
      id: 'cpu',
      title: 'CPU supports TDX (/proc/cpuinfo)',
      status: inp.reported.cpuTdx ? 'ok' : 'problem',
      found: `${inp.reported.cpuTdx ? 'CPU supports TDX' : 'no TDX support'} according to /proc/cpuinfo ${REPORTED}`,
      why: 'TDX needs an Intel Xeon with TME-MT and a BIOS that enables it',
      fix: `${BIOS_TDX}: enable TME, TME-MT and TDX`,
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
  checks.push(
    tme.v === undefined && rep.tmeEnable !== undefined
      ? {
          id: 'tme',
          title: 'TME / TME-MT enabled (MSR 0x982)',
          status: rep.tmeEnable === 1 ? 'ok' : 'problem',
          found: `IA32_TME_ACTIVATE enable bit = ${rep.tmeEnable} ${REPORTED}`,
          why: 'TDX keys private memory with TME-MT KeyIDs; the BIOS must enable TME',
          fix: tmeFix,
        }
      : tme.v === undefined
        ? unknown(
            'tme',
            'TME / TME-MT enabled (MSR 0x982)',
            'memory encryption keys are what TDX private memory is encrypted with',
            tme.why!,
            'run as root with the msr driver loaded (modprobe msr)',
          )
        : {
            id: 'tme',
            title: 'TME / TME-MT enabled (MSR 0x982)',
            status: bits(tme.v, 1, 1) === 1 && bits(tme.v, 0, 0) === 1 ? 'ok' : 'problem',
            found: `IA32_TME_ACTIVATE = 0x${tme.v.toString(16)}: lock ${bits(tme.v, 0, 0)}, enable ${bits(tme.v, 1, 1)}`,
            why: 'TDX keys private memory with TME-MT KeyIDs; the BIOS must enable and lock TME',
            fix: tmeFix,
          },
  );

  const cap = msr(MSR.MTRRCAP);
  const mask = msr(MSR.SEAMRR_PHYS_MASK);
  const seamFix = `${BIOS_TDX} > Trust Domain Extension (TDX) = Enabled and TDX Secure Arbitration Mode Loader (SEAM Loader) = Enabled`;
  if (mask.v === undefined && rep.seamrrEnabled !== undefined) {
    checks.push({
      id: 'seamrr',
      title: 'SEAM range registers enabled (MSR 0x1401 bit 11)',
      status: rep.seamrrEnabled === 1 ? 'ok' : 'problem',
      found: `IA32_SEAMRR_PHYS_MASK bit 11 = ${rep.seamrrEnabled} ${REPORTED}`,
      why: 'the TDX module lives in the SEAM range; without it no SEAMCALL works ("module not loaded")',
      fix: seamFix,
    });
  } else if (mask.v === undefined) {
    checks.push(
      unknown(
        'seamrr',
        'SEAM range registers enabled (MSR 0x1401 bit 11)',
        'the TDX module runs in the SEAM range the BIOS reserves',
        mask.why!,
        'run as root with the msr driver loaded',
      ),
    );
  } else {
    const supported = cap.v === undefined ? undefined : bits(cap.v, 15, 15) === 1;
    const enabled = bits(mask.v, 11, 11) === 1;
    checks.push({
      id: 'seamrr',
      title: 'SEAM range registers enabled (MSR 0x1401 bit 11)',
      status: enabled ? 'ok' : 'problem',
      found: `IA32_SEAMRR_PHYS_MASK = 0x${mask.v.toString(16)} (bit 11 ${enabled ? 'set' : 'clear'})${supported === undefined ? '' : `, MTRRCAP SEAMRR ${supported ? 'supported' : 'not supported'}`}`,
      why: 'the TDX module lives in the SEAM range; without it no SEAMCALL works ("module not loaded")',
      fix: seamFix,
    });
  }

  const part = msr(MSR.KEYID_PARTITIONING);
  const keyFix = `${BIOS_TDX} > TME-MT/TDX key split = a non-zero value (gives KeyIDs to TDX)`;
  const keyWhy =
    'the kernel reserves the first TDX KeyID for the module and needs at least one more for guests; with none TDX is off';
  if (part.v === undefined && rep.tdxKeyids !== undefined) {
    checks.push({
      id: 'keyids',
      title: 'TDX private KeyIDs (MSR 0x87 bits 63:32 ≥ 2)',
      status: rep.tdxKeyids >= 2 ? 'ok' : 'problem',
      found: `${rep.tdxKeyids} TDX KeyIDs ${REPORTED}`,
      why: keyWhy,
      fix: keyFix,
    });
  } else if (part.v === undefined) {
    checks.push(
      unknown(
        'keyids',
        'TDX private KeyIDs (MSR 0x87 bits 63:32 ≥ 2)',
        'each TD needs its own KeyID; the kernel needs at least 2',
        part.why!,
        'run as root with the msr driver loaded',
      ),
    );
  } else {
    const tdx = bits(part.v, 63, 32);
    const mktme = bits(part.v, 31, 0);
    checks.push({
      id: 'keyids',
      title: 'TDX private KeyIDs (MSR 0x87 bits 63:32 ≥ 2)',
      status: tdx >= 2 ? 'ok' : 'problem',
      found: `${tdx} TDX KeyIDs, ${mktme} MKTME KeyIDs (private range [${mktme + 1}, ${mktme + 1 + tdx}))`,
      why: keyWhy,
      fix: keyFix,
    });
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
        },
  );

  const cmd = inp.cmdline;
  const has = (w: RegExp) => cmd !== undefined && w.test(cmd);
  checks.push(
    cmd === undefined
      ? unknown(
          'cmdline',
          'Kernel command line has kvm_intel.tdx=1 and nohibernate',
          'KVM initializes TDX only when asked; hibernation must be off',
          '/proc/cmdline not read',
          'read /proc/cmdline',
        )
      : {
          id: 'cmdline',
          title: 'Kernel command line has kvm_intel.tdx=1 and nohibernate',
          status: has(/(^|\s)kvm_intel\.tdx=(1|y|Y)(\s|$)/) && has(/(^|\s)nohibernate(\s|$)/) ? 'ok' : 'problem',
          found: `kvm_intel.tdx=1 ${has(/(^|\s)kvm_intel\.tdx=(1|y|Y)(\s|$)/) ? 'present' : 'missing'}, nohibernate ${has(/(^|\s)nohibernate(\s|$)/) ? 'present' : 'missing'}`,
          why: 'without kvm_intel.tdx=1 KVM never initializes the module; with hibernation available the kernel refuses TDX ("Hibernation support is enabled")',
          fix: KERNEL_CMDLINE,
        },
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
    });
  }

  const b = inp.boot;
  if (!b && inp.kmsgNoTdx) {
    checks.push({
      id: 'module-init',
      title: 'TDX module initialized',
      status: 'problem',
      found: 'the kernel printed nothing about TDX (no "virt/tdx:" line)',
      why: 'the kernel prints the private KeyID range at boot whenever the BIOS enabled TDX; silence means TDX is off',
      fix: BIOS_ENABLE_TDX,
    });
  } else if (!b) {
    checks.push(
      unknown(
        'module-init',
        'TDX module initialized',
        'the kernel prints the outcome of TDX initialization',
        inp.kmsgWhy ?? 'no TDX kernel messages',
        'pass a saved log with --dmesg (sudo dmesg > dmesg.txt) or run as root',
      ),
    );
  } else {
    const fixes: Record<TdxBoot['outcome'], string> = {
      initialized: '',
      failed:
        'read the failure line; reserved-area or TDMR exhaustion is what `tdx-lab plan` explains; a SEAMCALL failure in TDH.SYS.RD means the module is too old for this kernel',
      'not-enabled-by-bios': `${BIOS_TDX}: enable TDX, SEAM Loader, TME-MT and a non-zero key split`,
      'no-init': has(/(^|\s)kvm_intel\.tdx=(1|y|Y)(\s|$)/)
        ? 'kvm_intel.tdx=1 is set but KVM never initialized the module: check that kvm_intel is loaded (lsmod | grep kvm), the kvm_intel lines of dmesg, and that the BIOS loads a TDX module (SEAM Loader = Enabled)'
        : 'boot with kvm_intel.tdx=1 and load kvm_intel; the module is initialized when KVM loads',
    };
    checks.push({
      id: 'module-init',
      title: 'TDX module initialized',
      status: b.outcome === 'initialized' ? 'ok' : 'problem',
      found:
        b.outcome === 'initialized'
          ? `initialized${b.pamtKb !== undefined ? `, ${b.pamtKb} KB allocated for PAMT` : ''}`
          : b.outcome === 'failed'
            ? `initialization failed${b.failure ? `: ${b.failure}` : ''}${b.errno !== undefined ? ` (${b.errno})` : ''}`
            : b.outcome === 'not-enabled-by-bios'
              ? 'TDX is not enabled by BIOS'
              : `only the boot-time lines${b.keyidRange ? ` (KeyIDs [${b.keyidRange[0]}, ${b.keyidRange[1]}))` : ''}: KVM never initialized the module`,
      why: 'only an initialized module can run TDs',
      fix: fixes[b.outcome],
    });
    const v = b.moduleVersion;
    const sysRdFailed = b.seamcallFailures.some((s) => s.leaf === 34);
    checks.push({
      id: 'module-version',
      title: 'TDX module version matches the kernel',
      status:
        v === undefined && !sysRdFailed
          ? 'unknown'
          : sysRdFailed || (v !== undefined && /^1\.0(\.|$)/.test(v))
            ? 'problem'
            : 'ok',
      found: `${v ? `module ${v}${b.moduleBuild ? ` (${b.moduleBuild})` : ''}` : 'module version not printed'}${sysRdFailed ? ', TDH.SYS.RD failed' : ''}${inp.kernel ? ` with kernel ${inp.kernel}` : ''}`,
      why: "current kernels read the module's metadata with TDH.SYS.RD, which TDX 1.0 modules lack (init fails with -5)",
      fix: MODULE_UPDATE,
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
      summary: `UNKNOWN: ${unknowns.length} check${unknowns.length > 1 ? 's' : ''} could not be read (${unknowns.map((u) => u.id).join(', ')}); run as root`,
      checks,
    };
  }
  return { verdict: 'ready', summary: 'READY: TDX is enabled and the module is initialized', checks };
}

export function renderReadiness(r: Readiness): string {
  const mark: Record<CheckStatus, string> = { ok: '[ok]     ', problem: '[PROBLEM]', unknown: '[unknown]' };
  const lines = [r.summary];
  for (const c of r.checks) {
    lines.push(`${mark[c.status]} ${c.title}`, `          found: ${c.found}`, `          why:   ${c.why}`);
    if (c.status !== 'ok' && c.fix) lines.push(`          fix:   ${c.fix}`);
  }
  return lines.join('\n');
}
