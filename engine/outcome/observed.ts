/**
 * The Outcome of a recorded host with no memory layout (a dmesg alone, as
 * most bug reports carry): nothing can be emulated, so the verdict is what
 * the kernel printed, marked observed, and the findings are the printed
 * failure decoded (evidence/decode.ts), each fix saying why it could not be
 * tried. The evidence says every item is "cannot check" and which artifact
 * would let the lab check it.
 */
import { ASSUMED_MODULE } from '../import/build-host.js';
import type { ObservedBoot } from '../import/observed.js';
import { errnoOf } from '../flow/kernel-tdx.js';
import { ENGINE_VERSION } from '../version.js';
import { BIOS_ENABLE_TDX, MODULE_UPDATE } from './advice.js';
import type { Evidence, Finding, FindingId, Fix, Outcome, RecordedEvidence, Subject, Verdict } from './types.js';
import { OUTCOME_SCHEMA } from './types.js';

const PRINTED_FAILURE = /failed|exhausted|not enabled|required|not loaded|not supported|too few|Hibernation/i;

/** The printed lines of a boot without their "file:line: " prefix. */
function lines(b: ObservedBoot): string[] {
  return (b.printed ?? []).map((l) => l.replace(/^.*?:\d+: /, ''));
}

function observedVerdict(b: ObservedBoot | undefined, evidence: RecordedEvidence, kernel: string): Verdict {
  const base = {
    stage: null,
    stageText: null,
    errno: null,
    errnoValue: null,
    seamcall: null,
    status: null,
    statusName: null,
    statusDetail: null,
    kernelMessages: [] as string[],
    failedTdmr: null,
    noInit: false,
    basis: 'observed' as const,
  };
  const why = `the lab cannot check it: ${evidence.layoutMissing ?? 'no memory layout'}`;
  if (!b)
    return {
      ...base,
      ok: false,
      level: 'warning',
      noInit: true,
      headline: `Recorded: the artifacts print nothing about TDX and hold no memory layout; ${why}`,
    };
  const on = b.kernel ?? kernel;
  if (b.outcome === 'initialized')
    return {
      ...base,
      ok: true,
      level: 'ok',
      headline: `Recorded: TDX initialized on ${on}${b.pamt_kb !== undefined ? `, ${b.pamt_kb} KB allocated for PAMT` : ''} (printed; ${why})`,
    };
  if (b.outcome === 'no-init')
    return {
      ...base,
      ok: false,
      level: 'warning',
      noInit: true,
      headline: `Recorded: the BIOS enabled TDX${b.keyid_range ? ` (private KeyIDs [${b.keyid_range[0]}, ${b.keyid_range[1]}))` : ''} but the module was never initialized on ${on}`,
    };
  const d = evidence.boots.find((x) => x.observed === b)?.evidence.decoded ?? null;
  const first = b.seamcall_failures?.[0];
  const printed = d?.printed ?? (b.failure ? `initialization failed: ${b.failure}` : 'initialization failed');
  return {
    ...base,
    ok: false,
    level: 'error',
    headline: `Recorded: TDX does not initialize on ${on}: ${printed}${b.errno !== undefined ? ` (${b.errno})` : ''}`,
    stage: d?.stage ?? null,
    stageText: d?.stageText ?? null,
    errno: b.errno !== undefined ? (errnoOf(b.errno) ?? String(b.errno)) : null,
    errnoValue: b.errno ?? null,
    seamcall: d?.statuses[0]?.leafName ?? null,
    status: first?.status ?? null,
    statusName: d?.statuses[0]?.name ?? null,
    statusDetail: null,
    kernelMessages: lines(b).filter((l) => PRINTED_FAILURE.test(l)),
  };
}

const NOT_TRIED =
  'no memory layout: the lab cannot emulate this host (add /proc/iomem, the boot-time e820 lines or lsmem)';

function observedFindings(b: ObservedBoot | undefined, evidence: RecordedEvidence): Finding[] {
  if (!b) return [];
  const d = evidence.boots.find((x) => x.observed === b)?.evidence.decoded;
  if (!d) return [];
  const printed: Evidence[] = lines(b)
    .filter((l) => PRINTED_FAILURE.test(l) || /SEAMCALL|RDX/.test(l))
    .map((l) => ({ kind: 'fact', label: 'printed', value: l }));
  if (d.field)
    printed.push({
      kind: 'fact',
      label: `field ${d.field.id}`,
      value: `${d.field.name ?? 'unknown field'}: ${d.field.meaning} (class ${d.field.classCode}, ${d.field.elementBytes}-byte element, field code ${d.field.fieldCode})`,
    });
  for (const s of d.statuses)
    printed.push({ kind: 'fact', label: `status ${s.status}`, value: `${s.name}${s.meaning ? `: ${s.meaning}` : ''}` });
  const fix = (kind: Fix['kind'], name: string, how: string): Fix => ({ kind, name, how, notTried: NOT_TRIED });
  let id: FindingId;
  let title: string;
  let fixes: Fix[];
  if (b.outcome === 'not-enabled-by-bios') {
    id = 'tdx-not-enabled';
    title = 'TDX is not enabled by the BIOS (printed)';
    fixes = d.fixes.map((f) => fix('bios', f, 'Change it in the BIOS setup and reboot.'));
  } else if (d.stage === 'reserved') {
    id = 'reserved-areas-exhausted';
    title = `${b.failed_tdmr ? `TDMR [${b.failed_tdmr.base}, 0x${(Number(b.failed_tdmr.base) + Number(b.failed_tdmr.size)).toString(16)})` : 'A TDMR'}: reserved areas exhausted (printed)`;
    fixes = [
      ...d.fixedBy.map((k) => fix('kernel', k.install, `Boot it: it ${k.why}.`)),
      fix(
        'boot-parameter',
        'memmap= for the smallest memory ranges between the holes',
        'Give up those ranges on the kernel command line so the holes around them merge; which ranges needs the memory layout.',
      ),
    ];
  } else if (d.stage === 'metadata' && d.field) {
    id = 'module-too-old';
    title = `TDH.SYS.RD failed on field ${d.field.id}${d.field.name ? ` (${d.field.name})` : ''}: the module cannot answer it (printed)`;
    fixes = [fix('module', 'a TDX 1.5 (or later) module', MODULE_UPDATE)];
  } else if (b.precondition) {
    id = 'precondition-failed';
    title = `Init at boot refused: ${b.failure} (printed)`;
    fixes = d.fixes.map((f) => fix('platform', f, f));
  } else if (b.failure === 'module not loaded') {
    id = 'module-not-loaded';
    title = 'No TDX module is loaded (printed)';
    fixes = [fix('bios', BIOS_ENABLE_TDX, 'The BIOS loads the TDX module at boot through the SEAM Loader.')];
  } else if (d.stage === 'tdmrs') {
    id = 'too-many-tdmrs';
    title = 'TDMRs exhausted (printed)';
    fixes = d.fixes.map((f) => fix('platform', f, f));
  } else if (d.stage === 'boot') {
    id = 'tdx-not-enabled';
    title = `TDX is off: ${b.failure} (printed)`;
    fixes = d.fixes.map((f) => fix('bios', f, f));
  } else if (d.statuses.length) {
    id = 'seamcall-failed';
    title = `${d.statuses[0].leafName} failed with ${d.statuses[0].name} (printed)`;
    fixes = [];
  } else return [];
  return [{ id, severity: 'error', title, cause: d.meaning, evidence: printed, fixes }];
}

/** The boot a recorded host's analysis is about: the last one that reached module init, else the last one. */
export function chosenBoot(observed: readonly ObservedBoot[]): ObservedBoot | undefined {
  return [...observed].reverse().find((b) => b.outcome !== 'no-init') ?? observed[observed.length - 1];
}

/** A recorded host without a memory layout: the Outcome of what it printed. */
export function observedOutcome(name: string, subject: Subject, recorded: RecordedEvidence): Outcome {
  const boot = chosenBoot(recorded.boots.map((b) => b.observed));
  const verdict = observedVerdict(boot, recorded, subject.kernel);
  const printedKb = boot?.pamt_kb ?? null;
  return {
    schema: OUTCOME_SCHEMA,
    engineVersion: ENGINE_VERSION,
    subject,
    host: {
      name,
      memblock: [],
      reserved: [],
      cmrs: [],
      module: { ...ASSUMED_MODULE, pamt_entry_size: { ...ASSUMED_MODULE.pamt_entry_size } },
    },
    plan: null,
    init: null,
    log: [],
    seamcalls: [],
    scenario: null,
    verdict,
    memoryBlocks: [],
    reservedNeed: null,
    pamt: {
      printedKb,
      bytes: (printedKb ?? 0) * 1024,
      kb: printedKb ?? 0,
      percent: 0,
      tdxBytes: 0,
      kept: verdict.ok,
      nodes: [],
    },
    findings: observedFindings(boot, recorded),
    runs: [],
    recorded,
  };
}
