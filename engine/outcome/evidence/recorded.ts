/**
 * A recorded host's evidence, computed once: each observed boot checked
 * against the emulator (engine/import/compare.ts checkBoot) and laid out
 * item by item (boot.ts), the host's facts with their basis, the verdict
 * over every boot, the readiness checklist from the facts there are, and
 * the artifacts that would let the lab check more.
 */
import type { Host } from '../../host/types.js';
import { humanSize } from '../../format/hex.js';
import { initTdx } from '../../flow/init.js';
import { checkBoot, flowPrediction, type BootPrediction } from '../../import/compare.js';
import type { HostFact } from '../../import/host-facts.js';
import type { ObservedBoot } from '../../import/observed.js';
import { planTdmrsCalls } from '../../kernel/construct.js';
import { readinessOfRecorded, type RecordedPlatform } from '../../readiness/recorded.js';
import type { ArtifactNeed, CheckVerdict, EmulatorRunInfo, RecordedEvidence } from '../types.js';
import { bootEvidence } from './boot.js';

/** What analyzeRecordedHost is given (main/node/recorded-file.ts reads it from a recorded host document). */
export interface RecordedInput {
  name: string;
  host: Host | null;
  observed: ObservedBoot[];
  assumptions: string[];
  layoutMissing?: string;
  /** The importer's facts with their basis; absent in recorded hosts written before it kept them. */
  facts?: HostFact[];
  /** The readiness inputs besides the boots (MSRs, CPUID, system-report bits). */
  platform?: RecordedPlatform;
}

/** Facts of a recorded host that does not say where they came from (written before facts were kept). */
function factsOfHost(host: Host | null): HostFact[] {
  if (!host)
    return [
      {
        id: 'memory',
        label: 'memblock memory',
        value: 'unknown',
        basis: 'assumed',
        why: 'the recorded host has no memory layout',
      },
    ];
  const mem = host.memblock.reduce((n, m) => n + m.end - m.start, 0);
  const f = (id: HostFact['id'], label: string, value: string): HostFact => ({ id, label, value, basis: 'recorded' });
  return [
    f('memory', 'memblock memory', `${humanSize(mem)} in ${host.memblock.length} ranges`),
    f('numa', 'NUMA nodes', String(new Set(host.memblock.map((m) => m.nid)).size)),
    f('cmrs', 'CMRs', String(host.cmrs.length)),
    f(
      'module-limits',
      'module limits',
      `${host.module.max_tdmrs} TDMRs, ${host.module.max_reserved_per_tdmr} reserved areas per TDMR`,
    ),
    f('module-version', 'module version', host.module.version ?? '1.5'),
  ];
}

function needsOf(r: RecordedInput, facts: readonly HostFact[], verdicts: CheckVerdict[]): ArtifactNeed[] {
  const out: ArtifactNeed[] = [];
  const fact = (id: HostFact['id']) => facts.find((f) => f.id === id);
  if (!r.host) {
    out.push(
      {
        artifact: '/proc/iomem',
        command: 'sudo cat /proc/iomem > iomem.txt',
        why: 'its System RAM ranges are the memory layout the kernel saw (as root: without it every address reads as zero)',
      },
      {
        artifact: 'the boot-time e820 lines of dmesg',
        command: 'sudo dmesg | grep -i e820 > e820.txt',
        why: 'the firmware memory map (BIOS-e820 lines at 0.000000) memblock is built from, holes included: only in a log that starts at boot',
      },
      {
        artifact: 'lsmem',
        command: 'lsmem -o RANGE,SIZE,STATE,NODE,ZONES > lsmem.txt',
        why: 'the online memory per memory block and its NUMA node (memory-block granular: small firmware holes are not visible)',
      },
    );
    return out;
  }
  if (fact('memory')?.basis === 'assumed')
    out.push({
      artifact: '/proc/iomem or the boot-time e820 lines of dmesg',
      command: 'sudo cat /proc/iomem; sudo dmesg | grep -i e820',
      why: 'memblock was assumed to be the CMRs: the firmware holes inside them decide the reserved areas on kernels that take holes from memblock',
    });
  if (fact('numa')?.basis === 'assumed')
    out.push({
      artifact: 'lsmem with the NODE column, or the SRAT lines of dmesg',
      command: 'lsmem -o RANGE,SIZE,STATE,NODE; sudo dmesg | grep SRAT',
      why: `all memory was assumed on node 0: a node boundary inside a CMR splits memblock and adds a TDMR${verdicts.includes('disagree') ? ' (the kind of split a disagreeing TDMR count points at)' : ''}`,
    });
  if (r.observed.some((b) => b.cmrs_partial))
    out.push({
      artifact: 'the whole CMR list',
      command: 'sudo dmesg | grep -i "virt/tdx: CMR"',
      why: 'the log is cut inside the CMR list: the memory above the cut and the outcome are unknown',
    });
  if (r.observed.some((b) => b.truncated?.length))
    out.push({
      artifact: 'the whole failure line',
      command: 'sudo dmesg | grep -i tdx',
      why: 'a failure line is cut in the log: the kernel failed, but why is not in it',
    });
  return out;
}

function overall(boots: RecordedEvidence['boots']): { verdict: CheckVerdict; reason: string } {
  const n = boots.length;
  if (!n) return { verdict: 'cannot-check', reason: 'no boot printed anything about TDX' };
  const dis = boots.filter((b) => b.evidence.verdict === 'disagree');
  if (dis.length)
    return {
      verdict: 'disagree',
      reason: `${dis.length} of ${n} boot${n === 1 ? '' : 's'} disagree${dis.length === 1 ? 's' : ''}: ${dis[0].evidence.source}: ${dis[0].evidence.reason}`,
    };
  const agree = boots.filter((b) => b.evidence.verdict === 'agree').length;
  if (agree)
    return { verdict: 'agree', reason: `${agree} of ${n} boot${n === 1 ? '' : 's'} agree${agree === 1 ? 's' : ''}` };
  return { verdict: 'cannot-check', reason: boots[0].evidence.reason };
}

/** Checks every boot and lays the evidence out; every emulator run it makes is added to `runs`. */
export function recordedEvidence(r: RecordedInput, runs: EmulatorRunInfo[]): RecordedEvidence {
  const facts = r.facts?.length ? r.facts : factsOfHost(r.host);
  const why = r.host ? undefined : `no memory layout: ${r.layoutMissing ?? 'the artifacts hold none'}`;
  const boots = r.observed.map((b) => {
    if (!r.host) {
      const evidence = bootEvidence({ boot: b, check: null, why, host: null, facts });
      return { observed: b, check: null, why, evidence };
    }
    let before = planTdmrsCalls();
    const check = checkBoot(r.host, b);
    let plans = planTdmrsCalls() - before;
    if (plans) runs.push({ purpose: `check of ${b.source}`, kernel: b.variant, plans });
    let flow: BootPrediction | null = null;
    let flowWhy: string | undefined;
    if (check.prediction?.by === 'plan') {
      if (!r.host.cmrs.length)
        flowWhy = "the log prints no CMRs, so the emulated module's CMR checks cannot be modelled";
      else {
        before = planTdmrsCalls();
        try {
          flow = flowPrediction(r.host, initTdx(r.host, b.variant, { includePlan: false }));
        } catch (e) {
          flowWhy = `the init flow emulation stopped: ${(e as Error).message}`;
        }
        plans = planTdmrsCalls() - before;
        runs.push({ purpose: `SEAMCALLs of ${b.source}`, kernel: b.variant, plans });
      }
    }
    const evidence = bootEvidence({ boot: b, check, host: r.host, facts, flow, flowWhy });
    return { observed: b, check, evidence };
  });
  const v = overall(boots);
  const out: RecordedEvidence = {
    boots,
    assumptions: r.assumptions,
    facts,
    verdict: v.verdict,
    reason: v.reason,
    readiness: readinessOfRecorded(r.observed, r.platform),
    needs: needsOf(
      r,
      facts,
      boots.map((b) => b.evidence.verdict),
    ),
  };
  if (r.layoutMissing) out.layoutMissing = r.layoutMissing;
  return out;
}
