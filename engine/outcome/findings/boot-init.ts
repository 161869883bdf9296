/**
 * What only kernels that initialize TDX at boot, and Dynamic PAMT kernels,
 * can fail on (dynamic-pamt.md §1, §4, §6): a CPU feature tdx_enable checks
 * first, the refcount array, and the module refusing Dynamic PAMT on a
 * platform with more than 48 non-KeyID address bits.
 */
import { kernelNamed } from '../kernel-facts.js';
import { kernelProfile, KERNEL_PROFILE_IDS } from '../../kernel/profiles.js';
import type { Evidence, Finding } from '../types.js';
import { failingSeamcallEvidence, logEvidence, present, triedFix, type RuleContext } from './context.js';

const FEATURES = { xsave: 'XSAVE', movdir64b: 'MOVDIR64B', self_snoop: 'self-snoop' } as const;

export function preconditionFailed(c: RuleContext): Finding[] {
  if (c.pre.stage !== 'preconditions') return [];
  const p = c.host.platform ?? {};
  const missing = (Object.keys(FEATURES) as (keyof typeof FEATURES)[]).filter((k) => p[k] === false);
  if (!missing.length) return []; // the platform check: tdx-not-enabled says why
  const names = missing.map((k) => FEATURES[k]).join(', ');
  const line = logEvidence(c, (l) => l.includes('is required for TDX'));
  return [
    {
      id: 'precondition-failed',
      severity: 'error',
      title: `The CPU lacks ${names}, which TDX needs`,
      cause: `This kernel initializes TDX at boot and first checks the CPU: without ${names} it refuses TDX (${c.pre.errno ?? 'an error'}) before any SEAMCALL. A hypervisor that hides these features, or a CPU without them, cannot host TDX.`,
      evidence: present<Evidence>([line, { kind: 'fact', label: 'missing', value: names }]),
      fixes: [
        triedFix(
          c,
          'platform',
          `a CPU (or a hypervisor configuration) that exposes ${names}`,
          'Run on a TDX-capable CPU with these features visible to the kernel.',
          `${names} present`,
          [{ kind: 'platform', patch: Object.fromEntries(missing.map((k) => [k, true])) }],
        ),
      ],
    },
  ];
}

export function refcountAllocFailed(c: RuleContext): Finding[] {
  if (c.pre.stage !== 'refcount') return [];
  const staticKernel = KERNEL_PROFILE_IDS.find(
    (k) => k !== c.kernel && kernelProfile(k).initAt === 'boot' && kernelProfile(k).pamt === 'static',
  );
  return [
    {
      id: 'refcount-alloc-failed',
      severity: 'error',
      title: 'No memory for the Dynamic PAMT refcount array',
      cause:
        'Under Dynamic PAMT the kernel first allocates a refcount array of 4 bytes per 2 MiB of physical address space, up to the highest page frame (dynamic-pamt.md §4), and there is not enough free memory for it: init fails with -ENOMEM.',
      evidence: present<Evidence>([
        { kind: 'fact', label: 'kernel error', value: `${c.pre.errno} (${c.pre.errnoValue})` },
      ]),
      fixes: staticKernel
        ? [
            triedFix(
              c,
              'kernel',
              kernelNamed(staticKernel),
              'A kernel with static PAMT needs no refcount array.',
              `kernel ${staticKernel}`,
              [{ kind: 'kernel', kernel: staticKernel }],
            ),
          ]
        : [],
    },
  ];
}

export function dpamtRejected(c: RuleContext): Finding[] {
  if (
    c.pre.statusName !== 'TDX_OPERAND_INVALID' ||
    c.pre.statusDetail !== 'operand R8' ||
    kernelProfile(c.kernel).pamt !== 'dynamic'
  )
    return [];
  const p = c.host.platform ?? {};
  const bits = (p.phys_addr_bits ?? 52) - (p.keyid_bits ?? 6);
  if (bits <= 48) return [];
  const staticKernel = KERNEL_PROFILE_IDS.find(
    (k) => k !== c.kernel && kernelProfile(k).initAt === 'boot' && kernelProfile(k).pamt === 'static',
  );
  return [
    {
      id: 'dpamt-rejected',
      severity: 'error',
      title: `The module refuses Dynamic PAMT: ${bits} non-KeyID address bits, more than 48`,
      cause: `The kernel asks for Dynamic PAMT (bit 16 of R8 in TDH.SYS.CONFIG), and the module's Dynamic PAMT tree covers at most 48 physical address bits below the KeyID bits; this platform has ${bits}, so TDH.SYS.CONFIG fails with TDX_OPERAND_INVALID (operand R8, dynamic-pamt.md §1).`,
      evidence: present<Evidence>([
        failingSeamcallEvidence(c),
        {
          kind: 'fact',
          label: 'address bits',
          value: `${p.phys_addr_bits ?? 52} physical, ${p.keyid_bits ?? 6} KeyID`,
        },
        logEvidence(c, (l) => l.includes('Enable Dynamic PAMT')),
      ]),
      fixes: [
        ...(staticKernel
          ? [
              triedFix(
                c,
                'kernel',
                kernelNamed(staticKernel),
                'A kernel with static PAMT does not ask for Dynamic PAMT.',
                `kernel ${staticKernel}`,
                [{ kind: 'kernel', kernel: staticKernel }],
              ),
            ]
          : []),
        triedFix(
          c,
          'bios',
          'BIOS: more TME-MT/TDX KeyID bits (fewer address bits left below them)',
          'With more KeyID bits the non-KeyID part of the address fits in 48 bits.',
          'KeyID bits raised so 48 address bits remain',
          [{ kind: 'platform', patch: { keyid_bits: (p.phys_addr_bits ?? 52) - 48 } }],
        ),
      ],
    },
  ];
}
