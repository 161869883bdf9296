/**
 * What a recorded boot's failure lines mean, from the engine's own tables:
 * the module status by name and meaning (module/statuses.ts,
 * status-meaning.ts), the TDH.SYS.RD field a register dump names
 * (module/leaves.ts), the stage a kernel line belongs to (verdict.ts) and
 * the kernel releases that do not fail this way (the profile table). Works
 * without a memory layout: it reads only what was printed.
 */
import { hex, hex64, humanSize, parseHex } from '../../format/hex.js';
import { errnoOf } from '../../flow/kernel-tdx.js';
import type { ObservedBoot } from '../../import/observed.js';
import { kernelProfile, kernelProfiles } from '../../kernel/profiles.js';
import { LEAF, MD_FIELD_MEANING, leafDisplayName, leafName, mdFieldName } from '../../module/leaves.js';
import { STATUS, decodeStatus } from '../../module/statuses.js';
import { BIOS_ENABLE_TDX, BIOS_TDX, KERNEL_CMDLINE, MODULE_UPDATE } from '../advice.js';
import { statusMeaning } from '../status-meaning.js';
import type { DecodedFailure, DecodedField, DecodedStatus } from '../types.js';
import { STAGE_TEXT } from '../verdict.js';

/** The stage a SEAMCALL belongs to in the init flow. */
const LEAF_STAGE: Record<number, string> = {
  [LEAF.TDH_SYS_INIT]: 'cpu-enable',
  [LEAF.TDH_SYS_LP_INIT]: 'cpu-enable',
  [LEAF.TDH_SYS_RD]: 'metadata',
  [LEAF.TDH_SYS_INFO]: 'metadata',
  [LEAF.TDH_SYS_CONFIG]: 'config',
  [LEAF.TDH_SYS_KEY_CONFIG]: 'key-config',
  [LEAF.TDH_SYS_TDMR_INIT]: 'tdmr-init',
};

/** Kernel failure lines (after "initialization failed: ") and the stage each stops in. */
const FAILURE_STAGE: { re: RegExp; stage: string }[] = [
  { re: /reserved areas exhausted/, stage: 'reserved' },
  { re: /^TDMRs exhausted/, stage: 'tdmrs' },
  { re: /^unable to find local NUMA node/, stage: 'pamt' },
  { re: /^too few private KeyIDs/, stage: 'boot' },
  { re: /^Hibernation support is enabled/, stage: 'boot' },
  { re: /^register_memory_notifier/, stage: 'boot' },
];

function status(leaf: string, st: string): DecodedStatus {
  const n = parseHex(leaf);
  const name = n === undefined ? undefined : leafName(n);
  let decoded: { name: string; detail?: string } = { name: 'unknown status' };
  try {
    decoded = decodeStatus(BigInt(st));
  } catch {
    // A status that is not hex stays "unknown status".
  }
  return {
    leaf,
    leafName: name ? leafDisplayName(name) : `leaf ${n ?? leaf}`,
    status: st,
    name: `${decoded.name}${decoded.detail ? ` (${decoded.detail})` : ''}`,
    meaning: statusMeaning(decoded.name),
  };
}

/** A TDH.SYS.RD field id taken apart: class 61:56, element size 33:32, field code 31:0 (md_field_id). */
export function decodeField(id: string): DecodedField | null {
  let v: bigint;
  try {
    v = BigInt(id);
  } catch {
    return null;
  }
  const name = mdFieldName(v) ?? null;
  return {
    id,
    name,
    meaning: name ? MD_FIELD_MEANING[name] : 'a global metadata field the lab does not know',
    classCode: Number((v >> 56n) & 0x3fn),
    elementBytes: 1 << Number((v >> 32n) & 3n),
    fieldCode: Number(v & 0xffffffffn),
  };
}

function releasesWithCmrHoles(b: ObservedBoot): DecodedFailure['fixedBy'] {
  if (kernelProfile(b.variant).holes === 'cmrs') return [];
  return kernelProfiles()
    .filter((p) => p.holes === 'cmrs')
    .map((p) => ({
      profile: p.id as ObservedBoot['variant'],
      releases: p.releases,
      install: p.install,
      why: 'takes the hole reserved areas from the CMRs, which span the small firmware gaps between memblock regions, so a TDMR needs far fewer of them',
    }));
}

function reservedMeaning(b: ObservedBoot): string {
  const t = b.failed_tdmr;
  const where = t
    ? `TDMR [${t.base}, ${hex(Number(t.base) + Number(t.size))}) (${humanSize(Number(t.size))})`
    : 'One TDMR';
  const p = kernelProfile(b.variant);
  return (
    `${where} needed more reserved areas than the module allows (MAX_RESERVED_PER_TDMR: 16 on the TDX 1.5 modules seen so far; ` +
    'the kernel does not print it). The kernel needs one reserved area for every hole in a TDMR (a range that is not TDX memory: ' +
    'firmware-reserved memory, gaps) and one for every PAMT placed inside it; past the limit tdmr_add_rsvd_area() fails with -ENOSPC (-28) ' +
    `and init stops. This boot's kernel (${b.kernel ?? 'release not in the log'}, profile ${b.variant}) takes its holes from ` +
    (p.holes === 'memblock'
      ? 'the gaps between memblock regions, so every small firmware gap below 4 GiB costs one.'
      : 'the CMRs, and still ran out: the CMRs themselves leave too many holes in that TDMR.')
  );
}

/** What a failed, refused or never initialized boot's lines mean; null for a boot that initialized. */
export function decodeBoot(b: ObservedBoot): DecodedFailure | null {
  if (b.outcome === 'initialized') return null;
  const statuses = (b.seamcall_failures ?? []).map((s) => status(s.leaf, s.status));
  const errno = b.errno !== undefined ? { value: b.errno, name: errnoOf(b.errno) ?? `errno ${b.errno}` } : null;
  const rd = (b.seamcall_failures ?? []).find((s) => parseHex(s.leaf) === LEAF.TDH_SYS_RD && s.rdx);
  const field = rd ? decodeField(rd.rdx!) : null;
  const out = (x: Omit<DecodedFailure, 'errno' | 'statuses' | 'field' | 'stageText'>): DecodedFailure => ({
    ...x,
    stageText: x.stage ? (STAGE_TEXT[x.stage] ?? null) : null,
    errno,
    statuses,
    field,
  });

  if (b.outcome === 'not-enabled-by-bios')
    return out({
      printed: b.failure ?? 'TDX is not enabled by BIOS',
      stage: 'cpu-enable',
      meaning: `The kernel prints this when a SEAMCALL faults with #GP (its TDX_SEAMCALL_GP, ${hex64(STATUS.TDX_SEAMCALL_GP)}): the CPU has no SEAM mode to enter${b.keyid_range ? `, although the BIOS set aside TDX KeyIDs [${b.keyid_range[0]}, ${b.keyid_range[1]})` : ''}. The BIOS did not enable TDX (or the SEAM Loader that loads the TDX module), so no SEAMCALL can run and init fails with -ENODEV (-19).`,
      fixedBy: [],
      fixes: [
        `${BIOS_TDX} > Trust Domain Extension (TDX) = Enabled and TDX Secure Arbitration Mode Loader (SEAM Loader) = Enabled`,
        `${BIOS_TDX} > SW Guard Extensions (SGX) = Enabled (canonical/tdx's setup lists it with the TDX settings)`,
      ],
    });
  if (b.outcome === 'no-init')
    return out({
      printed: b.keyid_range
        ? `BIOS enabled: private KeyID range [${b.keyid_range[0]}, ${b.keyid_range[1]}), then nothing about the module`
        : 'no module initialization lines',
      stage: null,
      meaning: `The BIOS enabled TDX (the kernel found TDX KeyIDs at boot) but the module was never initialized in this log. ${kernelProfile(b.variant).initAt === 'kvm-load' ? 'This kernel initializes it when KVM loads with kvm_intel.tdx=1: KVM was not loaded with it, or the log was saved before.' : 'This kernel initializes it at boot, so the lines are missing from the log.'}`,
      fixedBy: [],
      fixes: [KERNEL_CMDLINE, 'load kvm_intel (modprobe kvm_intel) and save the log after it: sudo dmesg > dmesg.txt'],
    });

  if (b.precondition) {
    const pre = kernelProfile(b.variant).preconditions.find((p) => p.check === b.precondition);
    return out({
      printed: b.failure ?? pre?.message ?? b.precondition,
      stage: 'preconditions',
      meaning: `Init at boot (tdx_enable) checks the CPU before anything else and refused: ${b.failure ?? pre?.message}. ${b.precondition === 'platform' ? 'The kernel found no TDX host platform (the BIOS did not enable TDX).' : 'The CPU (or the hypervisor the host runs under) does not offer the feature.'}`,
      fixedBy: [],
      fixes:
        b.precondition === 'platform'
          ? [BIOS_ENABLE_TDX]
          : ['run on a CPU that has it (bare metal, or a VM that passes it through)'],
    });
  }
  if (b.failure === 'module not loaded')
    return out({
      printed: 'module not loaded',
      stage: 'cpu-enable',
      meaning:
        'The first SEAMCALL returned VMFailInvalid: no TDX module is loaded in the SEAM range, so the BIOS did not load one (SEAM Loader off, or a BIOS without a TDX module).',
      fixedBy: [],
      fixes: [BIOS_ENABLE_TDX, 'update the BIOS to one that carries a TDX module'],
    });

  if (b.failure && /reserved areas exhausted/.test(b.failure)) {
    const fixedBy = releasesWithCmrHoles(b);
    return out({
      printed: `initialization failed: ${b.failure}`,
      stage: 'reserved',
      meaning: reservedMeaning(b),
      fixedBy,
      fixes: [
        ...fixedBy.map((f) => `boot ${f.install}`),
        'or give up the small memory ranges between the holes with memmap= (the lab computes which from the memory layout: add /proc/iomem or the boot-time e820 lines)',
      ],
    });
  }

  if (rd && field?.name) {
    const v = b.module_version ? `module ${b.module_version}` : 'a module whose version the log does not print';
    return out({
      printed: `SEAMCALL (${rd.leaf}) failed: ${rd.status}`,
      stage: 'metadata',
      meaning: `TDH.SYS.RD (leaf 34) reads one global metadata field per call; the read of field ${rd.rdx} (${field.name}: ${field.meaning}${kernelProfile(b.variant).metadata.fields[0] === field.name ? `; the first field a ${b.variant} kernel reads` : ''}) failed with ${statuses[0]?.name ?? rd.status}. TDX 1.0 modules do not implement TDH.SYS.RD and answer TDX_SYS_NOT_READY (the lab's module model; canonical/tdx #83 and #331 printed this status), so a kernel that reads its limits with TDH.SYS.RD cannot use ${v}: init fails with -EIO (-5).`,
      fixedBy: [],
      fixes: [MODULE_UPDATE],
    });
  }
  if (statuses.length) {
    const s = statuses[0];
    const leafN = parseHex(s.leaf);
    const stage = leafN !== undefined ? (LEAF_STAGE[leafN] ?? null) : null;
    return out({
      printed: `SEAMCALL (${s.leaf}) failed: ${s.status}`,
      stage,
      meaning: `${s.leafName} returned ${s.status} (${s.name}). ${s.meaning || 'The lab has no explanation for this status.'}`,
      fixedBy: [],
      fixes: [],
    });
  }
  if (b.failure) {
    const stage = FAILURE_STAGE.find((f) => f.re.test(b.failure!))?.stage ?? null;
    const meanings: { re: RegExp; meaning: string; fixes: string[] }[] = [
      {
        re: /^TDMRs exhausted/,
        meaning:
          'The TDX memory needs more TDMRs (1 GiB-aligned regions) than the module allows (MAX_TDMRS: 64 on the modules seen so far).',
        fixes: ['fewer, larger memory ranges (fewer gaps above 4 GiB)', MODULE_UPDATE],
      },
      {
        re: /^too few private KeyIDs/,
        meaning: 'The BIOS gave TDX fewer than 2 private KeyIDs; the kernel needs one for the module and one per TD.',
        fixes: [`${BIOS_TDX}: TME-MT/TDX key split with more TDX KeyIDs`],
      },
      {
        re: /^Hibernation support is enabled/,
        meaning: 'TDX memory cannot survive hibernation, so the kernel refuses TDX while it can hibernate.',
        fixes: [KERNEL_CMDLINE],
      },
      {
        re: /^unable to find local NUMA node/,
        meaning: 'A TDMR has memory on no NUMA node the kernel knows, so its PAMT has no node to go on.',
        fixes: [],
      },
    ];
    const m = meanings.find((x) => x.re.test(b.failure!));
    return out({
      printed: `initialization failed: ${b.failure}`,
      stage,
      meaning: m?.meaning ?? 'The lab has no explanation for this line.',
      fixedBy: [],
      fixes: m?.fixes ?? [],
    });
  }
  if (b.truncated?.length)
    return out({
      printed: b.truncated[0].replace(/^.*?:\d+: /, ''),
      stage: null,
      meaning:
        'The failure line is cut in the log (a published excerpt or a truncated file): the kernel failed, but why is not in it.',
      fixedBy: [],
      fixes: ['attach the whole log: sudo dmesg | grep -i tdx'],
    });
  return out({
    printed: b.errno !== undefined ? `initialization failed (${b.errno})` : 'initialization failed',
    stage: null,
    meaning: 'The kernel printed only that init failed, not why.',
    fixedBy: [],
    fixes: ['attach the whole log: sudo dmesg | grep -i tdx'],
  });
}
