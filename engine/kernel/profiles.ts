/**
 * The kernel profiles: one table, consulted by every step, of how each
 * kernel the lab emulates differs (docs/kernels.md). A profile says where
 * reserved-area holes come from, when the TDX module is initialized (KVM
 * load or boot), the order in which module metadata is read, the messages
 * and precondition checks, how PAMTs are sized, and which kernel releases it
 * stands for. Nothing else in the engine branches on a profile's id.
 *
 * Sources: ../shared/spec/kernel-flow.md (upstream, cmr-holes),
 * dynamic-pamt.md §6-§7 (boot-init, dpamt), golden README "Kernel variants".
 */
import type { Errno } from '../flow/seamcall.js';
import type { MdFieldName } from '../module/leaves.js';

/** A CPU or platform capability tdx_enable() checks before anything else (mainline tdx.c). */
export type PreconditionCheck = 'platform' | 'xsave' | 'movdir64b' | 'self_snoop';

export interface Precondition {
  check: PreconditionCheck;
  /** The line printed (after `virt/tdx: `) when the check fails. */
  message: string;
  errno: Errno;
}

/** A release-string rule: the first matching known rule decides, else the first matching guess. */
interface ReleaseRule {
  pattern: RegExp;
  /** Extra condition on the match (e.g. an Ubuntu ABI number), default true. */
  when?: (m: RegExpExecArray) => boolean;
  /** false: the lab is guessing (the release is not known to carry this behaviour). */
  known: boolean;
  why: string;
}

export interface KernelProfile {
  id: string;
  /** Short label for selectors: what the kernel is. */
  title: string;
  /** What the profile emulates, one paragraph (docs/kernels.md, --help, the app). */
  description: string;
  /** Kernel releases it stands for, as people name them. */
  releases: string;
  /** What to install to get it, short: the name a fix gives it ("Ubuntu 6.8.0-1006-intel or later"). */
  install: string;
  sources: readonly string[];
  /** Where tdmr_populate_rsvd_holes takes its ranges from. */
  holes: 'memblock' | 'cmrs';
  /** When tdx_enable() runs: when KVM loads with kvm_intel.tdx=1, or at boot from a subsys_initcall. */
  initAt: 'kvm-load' | 'boot';
  metadata: {
    /** TDH.SYS.RD fields read in init_tdx_module step 1, in order. */
    fields: readonly MdFieldName[];
    /** Prints `Module version: %u.%u.%02u` once the version fields are read (even if a read failed). */
    printsVersion: boolean;
    /** Prints each CMR the module reports before reading metadata. */
    printsCmrs: boolean;
  };
  messages: {
    /** Printed after a successful init_tdx_module. */
    initialized: string;
    /** Printed after a failed one; `%d` is the errno. */
    initFailed: string;
  };
  /** Checked in order by tdx_enable() before CPUs are brought up; empty: none (KVM checks its own). */
  preconditions: readonly Precondition[];
  /**
   * PAMT sizing: 'static' (4K entries for every page) or 'dynamic' (a page
   * bitmap in place of the 4K level when the module reports TDX_FEATURES0
   * bit 36, with 4K PAMT added at run time; dynamic-pamt.md §3-§5).
   */
  pamt: 'static' | 'dynamic';
  /** TDH.SYS.SHUTDOWN / TDH.SYS.UPDATE through the tdx_host device (module update). */
  runtimeUpdate: boolean;
  /** Release strings this profile stands for (consulted by profileForRelease, in table order). */
  releaseRules: readonly ReleaseRule[];
}

const KVM_LOAD_MESSAGES = { initialized: 'module initialized', initFailed: 'module initialization failed (%d)' };
// Mainline renamed the lines when init moved to boot (dynamic-pamt.md §7).
const BOOT_MESSAGES = { initialized: 'TDX-Module initialized', initFailed: 'TDX-Module initialization failed (%d)' };

const TDMR_FIELDS = [
  'MAX_TDMRS',
  'MAX_RESERVED_PER_TDMR',
  'PAMT_4K_ENTRY_SIZE',
  'PAMT_2M_ENTRY_SIZE',
  'PAMT_1G_ENTRY_SIZE',
] as const satisfies readonly MdFieldName[];
// get_tdx_sys_info since the version group: minor, major, update, then features and TDMR limits.
// (The TD_CTRL/TD_CONF groups that follow are for KVM and change nothing here; not modelled.)
const VERSION_FIELDS = ['MINOR_VERSION', 'MAJOR_VERSION', 'UPDATE_VERSION'] as const satisfies readonly MdFieldName[];

// tdx_enable() in mainline tdx.c, in its order, with its errnos.
const BOOT_PRECONDITIONS: readonly Precondition[] = [
  { check: 'platform', message: 'TDX not supported by the host platform', errno: '-ENODEV' },
  { check: 'xsave', message: 'XSAVE is required for TDX', errno: '-EINVAL' },
  { check: 'movdir64b', message: 'MOVDIR64B is required for TDX', errno: '-EINVAL' },
  { check: 'self_snoop', message: 'Self-snoop is required for TDX', errno: '-ENODEV' },
];

const TABLE = {
  upstream: {
    id: 'upstream',
    title: 'upstream (init at KVM load)',
    description:
      'torvalds/linux as TDX host support landed: the TDX module is initialized when KVM loads with kvm_intel.tdx=1, reserved-area holes come from the gaps in memblock, PAMTs are sized statically (16 bytes per 4 KiB page).',
    releases:
      'mainline 6.x through 6.19 (a 6.19 host still initializes at KVM load); Ubuntu 6.8.0-1001 to -1005-intel; Ubuntu 6.14 -intel (no CMR-hole change: canonical/tdx #415)',
    install: 'mainline Linux 6.x, or Ubuntu 6.14.0-1009-intel (profile upstream)',
    sources: [
      'torvalds/linux arch/x86/virt/vmx/tdx/tdx.c (golden cases/)',
      '../shared/spec/kernel-flow.md',
      '../shared/real-hosts/kernel-6.19-host.txt, canonical-tdx-415-gnr-reserved-exhausted.txt',
    ],
    holes: 'memblock',
    initAt: 'kvm-load',
    metadata: { fields: ['TDX_FEATURES0', ...TDMR_FIELDS], printsVersion: false, printsCmrs: false },
    messages: KVM_LOAD_MESSAGES,
    preconditions: [],
    pamt: 'static',
    runtimeUpdate: false,
    releaseRules: [
      {
        pattern: /^6\.8\.0-(\d+)-intel/,
        when: (m) => Number(m[1]) < 1006,
        known: true,
        why: 'Ubuntu 6.8 -intel kernels before 6.8.0-1006 do not carry the CMR-holes change',
      },
      {
        pattern: /^6\.14\.0-\d+-intel/,
        known: true,
        why: 'Ubuntu 6.14 -intel kernels lack the CMR-holes change (canonical/tdx #415) and initialize at KVM load',
      },
      {
        pattern: /^6\.(\d+)(\.\d+)?(-\d+(-generic)?)?$/,
        when: (m) => Number(m[1]) >= 8,
        known: true,
        why: 'mainline 6.x initializes the module at KVM load and takes holes from memblock (a 6.19 host prints "module initialized" after boot)',
      },
      {
        pattern: /^6\.(\d+)/,
        known: false,
        why: 'a 6.x vendor kernel: assumed to behave like mainline 6.x (it may carry backports the lab cannot see)',
      },
    ],
  },
  'cmr-holes': {
    id: 'cmr-holes',
    title: 'cmr-holes (Ubuntu 6.8 -intel)',
    description:
      "Ubuntu's 6.8 -intel kernels: like upstream, but with \"Reduce TDMR's reserved areas by using CMRs\" (Kai Huang, 2024): hole reserved areas come from the CMR list, which needs far fewer of them; these kernels also print the module's attributes and each CMR.",
    releases: 'Ubuntu 6.8.0-1006-intel and later 6.8 -intel kernels',
    install: 'Ubuntu 6.8.0-1006-intel or later (profile cmr-holes)',
    sources: [
      'golden cases-cmr-holes/ and README "Kernel variants"',
      '../shared/real-hosts/canonical-tdx-135, -275, -285 (CMR lines, init at KVM load)',
    ],
    holes: 'cmrs',
    initAt: 'kvm-load',
    // Ubuntu 6.8 starts at MAX_TDMRS and reads features last (real logs).
    metadata: { fields: [...TDMR_FIELDS, 'TDX_FEATURES0'], printsVersion: false, printsCmrs: true },
    messages: KVM_LOAD_MESSAGES,
    preconditions: [],
    pamt: 'static',
    runtimeUpdate: false,
    releaseRules: [
      {
        pattern: /^6\.8\.0-(\d+)-intel/,
        when: (m) => Number(m[1]) >= 1006,
        known: true,
        why: 'Ubuntu 6.8 -intel kernels from 6.8.0-1006 on find holes from the CMRs',
      },
    ],
  },
  'boot-init': {
    id: 'boot-init',
    title: 'boot-init (mainline, init at boot)',
    description:
      'Mainline after the VMXON rework: the core TDX code initializes the module at boot from a subsys_initcall (KVM no longer does), after checking XSAVE, MOVDIR64B and self-snoop; it prints "Module version", "TDX-Module initialized" or "TDX-Module initialization failed (%d)", and supports runtime module update (TDH.SYS.SHUTDOWN, TDH.SYS.UPDATE) through the tdx_host device. Holes come from memblock, PAMTs are static. Memory hot-added after boot can no longer break init: the notifier refuses it.',
    releases:
      'mainline 7.x before Dynamic PAMT (the first release with boot-time init is not determined: dynamic-pamt.md §8)',
    install: 'mainline 7.x with TDX init at boot (profile boot-init)',
    sources: [
      'torvalds/linux arch/x86/virt/vmx/tdx/tdx.c @0eaed89c (tdx_enable as subsys_initcall, tdx_module_shutdown, tdx_module_run_update)',
      'torvalds/linux arch/x86/virt/vmx/tdx/seamldr.c, tdx_global_metadata.c @01f492e1',
      'torvalds/linux drivers/virt/coco/tdx-host/tdx-host.c (tdx_host faux device)',
      '../shared/spec/dynamic-pamt.md §6-§7',
    ],
    holes: 'memblock',
    initAt: 'boot',
    metadata: { fields: [...VERSION_FIELDS, 'TDX_FEATURES0', ...TDMR_FIELDS], printsVersion: true, printsCmrs: false },
    messages: BOOT_MESSAGES,
    preconditions: BOOT_PRECONDITIONS,
    pamt: 'static',
    runtimeUpdate: true,
    releaseRules: [
      {
        pattern: /^7\.([0-3])(\.|-|$)/,
        known: false,
        why: 'mainline moved TDX init to boot after 6.19, but which 7.x release first has it is not determined (dynamic-pamt.md §8)',
      },
    ],
  },
  dpamt: {
    id: 'dpamt',
    title: 'dpamt (tip x86/tdx, Dynamic PAMT)',
    description:
      'boot-init plus Dynamic PAMT as applied to tip x86/tdx (2026-09-04): when the module reports TDX_FEATURES0 bit 36 (1.5.20 and later), each TDMR\'s 4K PAMT becomes a bitmap of 1 bit per page (the printed figure drops about 100x), a refcount array of 4 bytes per 2 MiB is allocated (not printed), the kernel prints "Enable Dynamic PAMT" and sets bit 16 of R8 in TDH.SYS.CONFIG, and 4K PAMT is added on demand (8 KiB per 2 MiB range in use by TDs).',
    releases: 'tip x86/tdx and linux-next since next-20260907; expected in mainline 7.4 (not in a release yet)',
    install: 'a Dynamic PAMT kernel: tip x86/tdx or linux-next today, expected in 7.4 (profile dpamt)',
    sources: [
      '../shared/spec/dynamic-pamt.md (all of it)',
      'golden cases-dpamt/ (tip x86/tdx TDMR/PAMT code in the harness)',
      'analogdevicesinc/linux arch/x86/virt/vmx/tdx/tdx.c @2c8ca2ba, tdx_global_metadata.c @276a591e',
      'intel/tdx-module src/vmm_dispatcher/api_calls/tdh_sys_config.c @a56a9173',
    ],
    holes: 'memblock',
    initAt: 'boot',
    metadata: { fields: [...VERSION_FIELDS, 'TDX_FEATURES0', ...TDMR_FIELDS], printsVersion: true, printsCmrs: false },
    messages: BOOT_MESSAGES,
    preconditions: BOOT_PRECONDITIONS,
    pamt: 'dynamic',
    runtimeUpdate: true,
    releaseRules: [
      {
        pattern: /^(7\.(\d+)|([89]|\d\d+)\.\d+)/,
        when: (m) => m[2] === undefined || Number(m[2]) >= 4,
        known: false,
        why: 'Dynamic PAMT is queued in tip x86/tdx for 7.4; no mainline release is known to carry it yet',
      },
    ],
  },
} as const satisfies Record<string, KernelProfile>;

/** A kernel profile id: `upstream`, `cmr-holes`, `boot-init`, `dpamt`. */
export type KernelProfileId = keyof typeof TABLE;

/** Every profile id, in table order (the order selectors list them). */
export const KERNEL_PROFILE_IDS = Object.keys(TABLE) as KernelProfileId[];
/** The same ids as a non-empty tuple, for schema enums (zod's z.enum). */
export const KERNEL_PROFILE_ID_TUPLE = KERNEL_PROFILE_IDS as unknown as readonly [
  KernelProfileId,
  ...KernelProfileId[],
];

export function isKernelProfileId(s: unknown): s is KernelProfileId {
  return typeof s === 'string' && Object.prototype.hasOwnProperty.call(TABLE, s);
}

/** The profile of an id (every step looks its behaviour up here). */
export function kernelProfile(id: KernelProfileId): KernelProfile {
  return TABLE[id];
}

/** Every profile, in table order. */
export function kernelProfiles(): KernelProfile[] {
  return KERNEL_PROFILE_IDS.map((id) => TABLE[id]);
}

/** The profiles for --help and errors: `upstream = upstream (init at KVM load), ...`. */
export function profileChoicesText(): string {
  return KERNEL_PROFILE_IDS.map((id) => TABLE[id].title).join(', ');
}

export interface ProfileGuess {
  profile: KernelProfileId;
  /** false: the lab is guessing and says why. */
  known: boolean;
  reason: string;
}

/**
 * The profile a kernel release string stands for (`6.8.0-1028-intel`,
 * `6.14.0-1009-intel`, `7.2.0`), from the table's release rules in order;
 * `known: false` when the lab is guessing.
 */
export function profileForRelease(release: string | undefined): ProfileGuess {
  if (release === undefined)
    return { profile: 'upstream', known: false, reason: 'kernel release not in the artifacts: assumed upstream' };
  // Rules that are known come before guesses, whichever profile they belong to.
  for (const known of [true, false]) {
    for (const id of KERNEL_PROFILE_IDS) {
      for (const rule of TABLE[id].releaseRules as readonly ReleaseRule[]) {
        if (rule.known !== known) continue;
        const m = rule.pattern.exec(release);
        if (m && (rule.when?.(m) ?? true))
          return { profile: id, known, reason: `${release}: ${rule.why}${known ? '' : ' (a guess)'}` };
      }
    }
  }
  return {
    profile: 'upstream',
    known: false,
    reason: `${release}: no profile is known for this release; assumed upstream (a guess)`,
  };
}

/** What a boot's own lines say about the kernel that printed them (importers fill it). */
export interface ProfileEvidence {
  /** `Enable Dynamic PAMT` was printed. */
  dpamtLine?: boolean;
  /** The init lines' wording: `TDX-Module initialized/initialization failed` (boot) or `module ...` (KVM load). */
  initWording?: 'boot' | 'kvm-load';
  /** A boot-init precondition line (XSAVE, MOVDIR64B, self-snoop, platform) was printed. */
  preconditionLine?: boolean;
  /** `Module version: x.y.zz` was printed. */
  moduleVersionLine?: boolean;
}

/** The profile the lines alone decide, if they do. */
function profileFromLines(e: ProfileEvidence): { profile: KernelProfileId; why: string } | undefined {
  if (e.dpamtLine) return { profile: 'dpamt', why: 'the boot printed "Enable Dynamic PAMT"' };
  if (e.initWording === 'boot' || e.preconditionLine)
    return {
      profile: 'boot-init',
      why:
        e.initWording === 'boot'
          ? 'the boot printed "TDX-Module initialized/initialization failed", the wording of init at boot'
          : 'the boot printed a precondition check of init at boot',
    };
  // CMR lines decide nothing: the CMR-holes kernels print them, and so did the older TDH.SYS.INFO series.
  return undefined;
}

/**
 * The profile for a recorded boot: the release string decides when it is
 * known; the lines decide when the release is unknown or ambiguous, or when
 * they contradict it (they are what the kernel really did).
 */
export function profileForBoot(release: string | undefined, e: ProfileEvidence): ProfileGuess {
  const byRelease = profileForRelease(release);
  const byLines = profileFromLines(e);
  if (byLines) {
    if (byLines.profile === byRelease.profile)
      return { ...byRelease, known: true, reason: `${byRelease.reason}; ${byLines.why}` };
    return {
      profile: byLines.profile,
      known: true,
      reason: `${byLines.why}${release !== undefined ? ` (the release ${release} alone suggested ${byRelease.profile})` : ''}`,
    };
  }
  // "module initialized" wording: init at KVM load, so not a boot-init kernel whatever the release guess says.
  if (e.initWording === 'kvm-load' && TABLE[byRelease.profile].initAt === 'boot') {
    return {
      profile: 'upstream',
      known: false,
      reason: `the boot printed "module initialized", the wording of init at KVM load, although ${release ?? 'the release'} suggested ${byRelease.profile}; assumed upstream`,
    };
  }
  return byRelease;
}

/** The init-failed line of a profile for an errno number. */
export function initFailedMessage(p: KernelProfile, errno: number): string {
  return p.messages.initFailed.replace('%d', String(errno));
}
