/**
 * The platform before the module: TDX not enabled at boot (no or too few
 * KeyIDs, hibernation; kernel-flow.md §1), and CPUs offline when TDX
 * initialized (the module wants TDH.SYS.LP.INIT on every logical CPU).
 */
import { BIOS_ENABLE_TDX, BIOS_TDX } from '../advice.js';
import type { ScenarioEvent } from '../../scenario/types.js';
import type { Evidence, Finding, Fix } from '../types.js';
import { failingSeamcallEvidence, logEvidence, present, triedFix, type RuleContext } from './context.js';

export function tdxNotEnabled(c: RuleContext): Finding[] {
  // At boot (tdx_init), or on kernels that initialize at boot, their first precondition: the platform.
  const platformRefused =
    c.pre.stage === 'preconditions' && c.log.some((l) => l.includes('TDX not supported by the host platform'));
  if (c.pre.stage !== 'boot' && !platformRefused) return [];
  const p = c.host.platform ?? {};
  const hibernation = logEvidence(c, (l) => l.includes('Hibernation support is enabled'));
  const fewKeys = logEvidence(c, (l) => l.includes('too few private KeyIDs'));
  let title: string;
  let cause: string;
  let fix: Fix;
  if (hibernation) {
    title = 'TDX is off: hibernation is enabled';
    cause =
      'TDX memory cannot survive hibernation, so tdx_init refuses TDX while the kernel can hibernate (kernel-flow.md §1).';
    fix = triedFix(
      c,
      'boot-parameter',
      'nohibernate',
      'Boot with nohibernate on the kernel command line.',
      'booted with nohibernate',
      [{ kind: 'platform', patch: { nohibernate: true } }],
    );
  } else if (fewKeys) {
    title = 'TDX is off: too few TDX KeyIDs';
    cause = `The BIOS gave TDX ${p.tdx_keyids ?? '?'} private KeyID${p.tdx_keyids === 1 ? '' : 's'}; the kernel needs at least 2 (one global, one per TD).`;
    fix = triedFix(
      c,
      'bios',
      `${BIOS_TDX}: TME-MT/TDX key split with more TDX KeyIDs`,
      'Raise the number of KeyIDs set aside for TDX.',
      '64 TDX KeyIDs',
      [{ kind: 'platform', patch: { tdx_keyids: 64 } }],
    );
  } else {
    title = 'TDX is off: the BIOS set aside no TDX KeyIDs';
    cause =
      'MSR 0x87 reports no TDX private KeyIDs, so the kernel treats TDX as absent and prints nothing (kernel-flow.md §1).';
    fix = triedFix(c, 'bios', BIOS_ENABLE_TDX, 'Enable TDX in the BIOS with a non-zero key split.', '64 TDX KeyIDs', [
      { kind: 'platform', patch: { tdx_keyids: 64 } },
    ]);
  }
  return [
    {
      id: 'tdx-not-enabled',
      severity: 'error',
      title,
      cause,
      evidence: present<Evidence>([
        hibernation ?? fewKeys,
        { kind: 'fact', label: 'TDX KeyIDs', value: String(p.tdx_keyids ?? 64) },
      ]),
      fixes: [fix],
    },
  ];
}

export function cpusOfflineAtInit(c: RuleContext): Finding[] {
  if (c.pre.statusName !== 'TDX_SYS_CONFIG_NOT_PENDING' || c.run.kind !== 'scenario') return [];
  const events = c.run.scenario.events;
  const firstInit = events.findIndex((e) => e.kind === 'init');
  const offline: { cpu: number; i: number }[] = [];
  events.slice(0, firstInit < 0 ? events.length : firstInit).forEach((e: ScenarioEvent, i) => {
    if (e.kind === 'cpu-offline') offline.push({ cpu: e.cpu, i });
  });
  if (!offline.length) return [];
  return [
    {
      id: 'cpus-offline-at-init',
      severity: 'error',
      title: `CPU ${offline.map((x) => x.cpu).join(', ')} was offline when TDX initialized`,
      cause:
        "The module counts every logical CPU of the platform and accepts TDH.SYS.CONFIG only after each has run TDH.SYS.LP.INIT, which the kernel runs on online CPUs only. So TDH.SYS.CONFIG fails with TDX_SYS_CONFIG_NOT_PENDING, and the kernel's TDX status stays ERROR until reboot: onlining the CPU later does not help.",
      evidence: present<Evidence>([
        ...offline.map((x): Evidence => ({ kind: 'fact', label: `event ${x.i}`, value: `CPU ${x.cpu} offline` })),
        failingSeamcallEvidence(c),
      ]),
      fixes: [
        triedFix(
          c,
          'operation',
          'every CPU online when kvm_intel loads',
          'Boot without maxcpus=/nr_cpus= limits and keep every CPU online until TDX has initialized; after a failure, reboot.',
          'all CPUs online at init',
          [{ kind: 'cpus-online' }],
        ),
      ],
    },
  ];
}
