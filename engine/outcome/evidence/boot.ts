/**
 * One observed boot as evidence: each thing the kernel printed (outcome,
 * PAMT KB, the TDMR count the figure implies, the failure with its stage,
 * failed TDMR and errno, SEAMCALL statuses and the metadata field, module
 * version, KeyIDs, the ACPI S3 line) beside what the emulator predicts for
 * the layout that could be built, each agree / disagree / cannot check with
 * the reason. Built on `check` (engine/import/compare.ts): its emulator run
 * is the prediction; nothing here re-runs the kernel side.
 */
import { hex, humanSize } from '../../format/hex.js';
import type { Host } from '../../host/types.js';
import { decomposePamtKb, type BootCheck, type BootPrediction } from '../../import/compare.js';
import type { ObservedBoot } from '../../import/observed.js';
import { kernelProfile } from '../../kernel/profiles.js';
import { leafDisplayName, leafName } from '../../module/leaves.js';
import { factText } from '../text.js';
import type { BootEvidence, CheckVerdict, EvidenceItem, HostFact } from '../types.js';
import { STAGE_TEXT } from '../verdict.js';
import { decodeBoot, decodeField } from './decode.js';

export interface BootEvidenceInput {
  boot: ObservedBoot;
  check: BootCheck | null;
  /** Why there is no check (no memory layout). */
  why?: string;
  host: Host | null;
  facts: readonly HostFact[];
  /** The whole init flow on this boot's kernel, for the SEAMCALL items, when the check ran the kernel side only. */
  flow?: BootPrediction | null;
  /** Why there is no flow run. */
  flowWhy?: string;
}

const FAILED_TDMR_RE = /^TDMR \[(0x[0-9a-f]+), (0x[0-9a-f]+)\)/;

function errnoText(n: number): string {
  const names: Record<number, string> = {
    [-5]: '-EIO',
    [-12]: '-ENOMEM',
    [-19]: '-ENODEV',
    [-22]: '-EINVAL',
    [-28]: '-ENOSPC',
  };
  return names[n] ? `${n} (${names[n]})` : String(n);
}

function leafText(leaf: string): string {
  const n = parseInt(leaf, 16);
  const name = Number.isSafeInteger(n) ? leafName(n) : undefined;
  return name ? `${leafDisplayName(name)} (${leaf})` : `leaf ${leaf}`;
}

function rangeOf(r: { base: string; size: string }): string {
  const base = Number(r.base);
  const size = Number(r.size);
  return `[${hex(base)}, ${hex(base + size)}) ${humanSize(size)}`;
}

/** The boot's outcome as printed, in words. */
export function printedOutcome(b: ObservedBoot): string {
  switch (b.outcome) {
    case 'initialized':
      return 'the module initialized';
    case 'failed':
      return `init failed${b.errno !== undefined ? ` (${b.errno})` : ''}`;
    case 'not-enabled-by-bios':
      return 'TDX is not enabled by BIOS';
    case 'no-init':
      return 'the module was never initialized (only the boot-time lines)';
  }
}

function predictedOutcome(p: BootPrediction): string {
  if (p.ok) return 'initializes';
  const stage = p.stage ? (STAGE_TEXT[p.stage] ?? p.stage) : 'init';
  return `fails ${p.stage ? `while ${stage}` : ''}${p.errno !== null ? ` (${p.errno})` : ''}`.replace(
    'fails  (',
    'fails (',
  );
}

/** The assumed facts a prediction of the kernel side rests on, as faces print them. */
function assumedBehind(facts: readonly HostFact[], ids: readonly HostFact['id'][], b: ObservedBoot): string[] {
  const out = facts.filter((f) => f.basis === 'assumed' && ids.includes(f.id)).map(factText);
  if (b.variant_known === false) out.push(`kernel profile: ${b.variant} (assumed: ${b.variant_reason})`);
  return out;
}

const LAYOUT: readonly HostFact['id'][] = ['memory', 'numa', 'cmrs', 'module-limits'];
const MODULE: readonly HostFact['id'][] = ['cmrs', 'module-limits', 'module-version'];

export function bootEvidence(x: BootEvidenceInput): BootEvidence {
  const { boot: b, check, host, facts } = x;
  const p = check?.prediction ?? null;
  // Without a layout every item has the same short reason; the boot's verdict carries the whole of it.
  const none = host
    ? (check?.notes[0] ?? 'nothing was emulated for this boot')
    : 'nothing to emulate: the artifacts hold no memory layout';
  const items: EvidenceItem[] = [];
  const item = (i: Omit<EvidenceItem, 'assumed'>, uses: readonly HostFact['id'][] = []): void => {
    items.push({ ...i, assumed: p || x.flow ? assumedBehind(facts, uses, b) : [] });
  };
  const cannot = (reason = none): { verdict: CheckVerdict; reason: string } => ({ verdict: 'cannot-check', reason });
  const predictedNone = host ? `nothing (${none})` : 'nothing: no memory layout to emulate';
  const decoded = decodeBoot(b);

  // The outcome.
  if (!p) item({ id: 'outcome', label: 'outcome', printed: printedOutcome(b), predicted: predictedNone, ...cannot() });
  else {
    const same = (b.outcome === 'initialized') === p.ok;
    item(
      {
        id: 'outcome',
        label: 'outcome',
        printed: printedOutcome(b),
        predicted: predictedOutcome(p),
        verdict: same ? 'agree' : 'disagree',
        reason: same
          ? p.ok
            ? 'both initialize'
            : 'both fail'
          : p.ok
            ? 'the real kernel failed; the emulator initializes with this layout (the layout lacks what made the real kernel fail)'
            : 'the real kernel initialized the module; the emulator fails with this layout',
      },
      LAYOUT,
    );
  }

  // PAMT KB, and the TDMR count the figure implies.
  if (b.pamt_kb !== undefined || p?.pamtKb != null) {
    const printed =
      b.pamt_kb !== undefined
        ? `${b.pamt_kb} KB allocated for PAMT`
        : b.outcome === 'initialized'
          ? 'not in the log'
          : 'nothing (the kernel prints the figure only when init succeeds)';
    const predicted =
      p?.pamtKb != null ? `${p.pamtKb} KB` : p ? 'no PAMT kept (the emulated init fails)' : predictedNone;
    let v: { verdict: CheckVerdict; reason: string };
    if (b.pamt_kb === undefined)
      v = cannot(b.outcome === 'initialized' ? 'the log has no PAMT line' : 'the real boot printed no PAMT figure');
    else if (p?.pamtKb == null)
      v = p ? { verdict: 'disagree', reason: 'the emulator keeps no PAMT: its init fails' } : cannot();
    else if (p.pamtKb === b.pamt_kb) v = { verdict: 'agree', reason: 'the same figure' };
    else {
      const d = p.pamtKb - b.pamt_kb;
      v = {
        verdict: 'disagree',
        reason: `emulated ${Math.abs(d)} KB ${d < 0 ? 'less' : 'more'} than printed, from ${p.gib} GiB in ${p.tdmrs} TDMRs`,
      };
    }
    item({ id: 'pamt', label: 'PAMT', printed, predicted, ...v }, LAYOUT);

    const max = host?.module.max_tdmrs ?? 64;
    const fits = b.pamt_kb !== undefined ? decomposePamtKb(b.pamt_kb, max) : [];
    const printedCount =
      b.pamt_kb === undefined
        ? 'not printed'
        : fits.length === 1
          ? `not printed; ${b.pamt_kb} KB implies ${fits[0].tdmrs} (${fits[0].gib} GiB at 4104 KB per GiB + 4 KB per TDMR)`
          : fits.length
            ? `not printed; ${b.pamt_kb} KB fits ${fits.map((f) => `${f.gib} GiB in ${f.tdmrs}`).join(' or ')}`
            : `not printed; ${b.pamt_kb} KB does not decompose as 4104 KB per GiB + 4 KB per TDMR (a TDMR above 256 GiB, or other entry sizes)`;
    const predictedCount = p
      ? `${p.tdmrs} TDMR${p.tdmrs === 1 ? '' : 's'}${p.gib ? ` (${p.gib} GiB)` : ''}`
      : predictedNone;
    let c: { verdict: CheckVerdict; reason: string };
    if (!p) c = cannot();
    else if (fits.length !== 1)
      c = cannot(
        b.pamt_kb === undefined
          ? 'the kernel does not print the TDMR count, and there is no PAMT figure to imply it'
          : `the kernel does not print the TDMR count, and the figure fits ${fits.length || 'no'} split${fits.length === 1 ? '' : 's'}`,
      );
    else if (!p.tdmrsSmall) c = cannot('an emulated TDMR is above 256 GiB, where the figure no longer decomposes');
    else if (fits[0].tdmrs === p.tdmrs)
      c = { verdict: 'agree', reason: `${p.tdmrs} TDMRs, as the printed figure implies` };
    else {
      const numa = facts.find((f) => f.id === 'numa');
      const same = fits[0].gib === p.gib;
      c = {
        verdict: 'disagree',
        reason: same
          ? `same memory (${p.gib} GiB), ${fits[0].tdmrs > p.tdmrs ? 'more' : 'fewer'} TDMRs printed: the real memblock splits where the imported layout does not — like intel/tdx-linux #5, which needs a NUMA node boundary inside a CMR that the log does not show${numa?.basis === 'assumed' ? ` (${factText(numa)})` : ''}`
          : `the printed figure is ${fits[0].gib} GiB in ${fits[0].tdmrs} TDMRs; the imported layout gives ${p.gib} GiB in ${p.tdmrs}`,
      };
    }
    item({ id: 'tdmr-count', label: 'TDMR count', printed: printedCount, predicted: predictedCount, ...c }, LAYOUT);
  }

  // The failure: its line and stage, the failed TDMR, the errno.
  const cut = b.truncated?.[0]?.replace(/^.*?:\d+: /, '');
  if (b.failure || cut || (p && p.failure)) {
    const stage = decoded?.stageText ? ` (stage: ${decoded.stageText})` : '';
    const bare = b.precondition || b.outcome === 'not-enabled-by-bios' || b.failure === 'module not loaded';
    const printed = b.failure
      ? `${bare ? b.failure : `initialization failed: ${b.failure}`}${stage}`
      : cut
        ? `cut: "${cut}" (the reason is not in the log)`
        : b.outcome === 'initialized'
          ? 'none (the module initialized)'
          : 'no failure line';
    const predicted = p
      ? p.failure
        ? `initialization failed: ${p.failure}${p.stage ? ` (stage: ${STAGE_TEXT[p.stage] ?? p.stage})` : ''}`
        : p.ok
          ? 'none (initializes)'
          : p.seamcall
            ? `SEAMCALL ${p.seamcall.leaf} failed: ${p.seamcall.status}`
            : `fails at ${p.stage}`
      : predictedNone;
    let v: { verdict: CheckVerdict; reason: string };
    if (!p) v = cannot();
    else if (b.failure && p.failure) {
      const same = b.failure.replace(/\.$/, '') === p.failure;
      v = same
        ? { verdict: 'agree', reason: 'the same line' }
        : { verdict: 'disagree', reason: `the emulator prints "${p.failure}" instead` };
    } else if (cut)
      v = cannot(
        `the printed line is cut after "${cut.replace(/^initialization failed: /, '')}": only the outcome is compared`,
      );
    else if (b.failure)
      v = { verdict: 'disagree', reason: p.ok ? 'the emulator initializes' : 'the emulator prints no such line' };
    else v = { verdict: 'disagree', reason: 'the real kernel printed no failure; the emulator fails' };
    item({ id: 'failure', label: 'failure', printed, predicted, ...v }, LAYOUT);
  }
  if (b.failed_tdmr || p?.failedTdmr) {
    const printed = b.failed_tdmr ? `TDMR ${rangeOf(b.failed_tdmr)}` : 'no TDMR named';
    const pf = p?.failedTdmr;
    const predicted = pf
      ? `TDMR [${hex(pf.base)}, ${hex(pf.end)}) ${humanSize(pf.end - pf.base)}`
      : p
        ? 'no TDMR named'
        : predictedNone;
    let v: { verdict: CheckVerdict; reason: string };
    if (!p) v = cannot();
    else if (b.failed_tdmr && pf) {
      const same =
        Number(b.failed_tdmr.base) === pf.base && Number(b.failed_tdmr.base) + Number(b.failed_tdmr.size) === pf.end;
      v = same ? { verdict: 'agree', reason: 'the same TDMR' } : { verdict: 'disagree', reason: 'a different TDMR' };
    } else if (!b.failed_tdmr && cut) v = cannot('the printed line is cut before it names a TDMR');
    else
      v = {
        verdict: 'disagree',
        reason: b.failed_tdmr ? 'the emulator fails in no TDMR' : 'the real kernel named no TDMR',
      };
    item({ id: 'failed-tdmr', label: 'failed TDMR', printed, predicted, ...v }, LAYOUT);
  }
  if (b.errno !== undefined || (p && !p.ok)) {
    const printed = b.errno !== undefined ? errnoText(b.errno) : 'not printed';
    const predicted = p ? (p.errno !== null ? errnoText(p.errno) : 'none (initializes)') : predictedNone;
    let v: { verdict: CheckVerdict; reason: string };
    if (!p) v = cannot();
    else if (b.errno === undefined) v = cannot('the log has no "initialization failed (N)" line');
    else if (p.errno === b.errno) v = { verdict: 'agree', reason: 'the same errno' };
    else v = { verdict: 'disagree', reason: p.errno === null ? 'the emulator initializes' : 'a different errno' };
    item({ id: 'errno', label: 'errno', printed, predicted, ...v }, LAYOUT);
  }

  // SEAMCALL statuses, and the metadata field a TDH.SYS.RD failure names.
  const fails = b.seamcall_failures ?? [];
  const sp = p?.by === 'flow' ? p : (x.flow ?? null);
  {
    const printed = fails.length
      ? fails.map((f) => `${leafText(f.leaf)} failed: ${f.status}`).join('; ')
      : 'no SEAMCALL failure printed';
    const predicted = sp
      ? sp.seamcall
        ? `${leafText(sp.seamcall.leaf)} failed: ${sp.seamcall.status} ${sp.seamcall.statusName}`
        : `no SEAMCALL fails${sp.seamcallCount !== null ? ` (${sp.seamcallCount} made)` : ''}${sp.ok ? '' : `; the kernel stops while ${STAGE_TEXT[sp.stage ?? ''] ?? sp.stage}`}`
      : host
        ? `nothing (${x.flowWhy ?? 'the module was not emulated for this boot'})`
        : predictedNone;
    let v: { verdict: CheckVerdict; reason: string };
    if (!sp) v = cannot(host ? (x.flowWhy ?? 'the module was not emulated for this boot') : none);
    else if (!fails.length && !sp.seamcall) v = { verdict: 'agree', reason: 'no SEAMCALL fails on either side' };
    else if (fails.length && sp.seamcall) {
      const same =
        parseInt(fails[0].leaf, 16) === parseInt(sp.seamcall.leaf, 16) && fails[0].status === sp.seamcall.status;
      v = same
        ? { verdict: 'agree', reason: 'the same leaf and status' }
        : { verdict: 'disagree', reason: 'a different leaf or status' };
    } else
      v = {
        verdict: 'disagree',
        reason: fails.length ? 'the emulated module answers every SEAMCALL' : 'the real module answered every SEAMCALL',
      };
    item({ id: 'seamcall', label: 'SEAMCALL statuses', printed, predicted, ...v }, MODULE);
  }
  const rd = fails.find((f) => parseInt(f.leaf, 16) === 0x22 && f.rdx);
  if (rd || sp?.seamcall?.rdx) {
    const pf = rd ? decodeField(rd.rdx!) : null;
    const ef = sp?.seamcall?.rdx ? decodeField(sp.seamcall.rdx) : null;
    const printed = rd ? `RDX ${rd.rdx}${pf?.name ? ` (${pf.name})` : ''}` : 'no register dump';
    const predicted = ef
      ? `RDX ${sp!.seamcall!.rdx}${ef.name ? ` (${ef.name})` : ''}`
      : sp
        ? 'no TDH.SYS.RD failure'
        : predictedNone;
    const first = kernelProfile(b.variant).metadata.fields[0];
    let v: { verdict: CheckVerdict; reason: string };
    if (!rd || !ef) v = !sp ? cannot() : { verdict: 'disagree', reason: 'only one side fails in TDH.SYS.RD' };
    else if (rd.rdx === sp!.seamcall!.rdx) v = { verdict: 'agree', reason: 'the same field' };
    else if (b.variant_known === false)
      v = cannot(
        `which field fails first depends on the order the kernel reads them in, and the log does not name the kernel (assumed ${b.variant}, which reads ${first} first; Ubuntu 6.8 -intel kernels read MAX_TDMRS first)`,
      );
    else
      v = {
        verdict: 'disagree',
        reason: `the real kernel read ${pf?.name ?? rd.rdx} first; profile ${b.variant} reads ${first} first (kernels read the global metadata fields in different orders)`,
      };
    item({ id: 'metadata-field', label: 'TDH.SYS.RD field', printed, predicted, ...v }, MODULE);
  }

  // What the emulated host takes from these very lines: nothing independent to compare.
  const fact = (id: HostFact['id']) => facts.find((f) => f.id === id);
  if (b.module_version || host) {
    const f = fact('module-version');
    const printed = b.module_version
      ? `${b.module_version}${b.module_build ? ` (${b.module_build})` : ''}`
      : 'not printed';
    const predicted = host ? `module ${p?.moduleVersion ?? host.module.version ?? '1.5'}` : predictedNone;
    const reason = !host
      ? none
      : !b.module_version
        ? `not printed in this boot: the emulated module is ${host.module.version ?? '1.5'}${f ? ` (${factText(f)})` : ''}`
        : f?.basis === 'observed' && f.source && !f.source.startsWith(b.source.replace(/:\d+$/, ''))
          ? `the emulated module's version comes from ${f.source}, the running module (a runtime update since boot changes it)`
          : "the emulated module's version is taken from the printed line: nothing independent to compare";
    item({ id: 'module-version', label: 'module version', printed, predicted, verdict: 'cannot-check', reason });
  }
  if (b.keyid_range) {
    const pl = host?.platform;
    const predicted = host
      ? `[${(pl?.mktme_keyids ?? 63) + 1}, ${(pl?.mktme_keyids ?? 63) + 1 + (pl?.tdx_keyids ?? 64)})`
      : predictedNone;
    item({
      id: 'keyids',
      label: 'private KeyIDs',
      printed: `[${b.keyid_range[0]}, ${b.keyid_range[1]}): ${b.keyid_range[1] - b.keyid_range[0]} TDX KeyIDs`,
      predicted,
      verdict: 'cannot-check',
      reason: host
        ? 'the emulated platform takes its KeyIDs from the printed line (the MSR is not in the artifacts): nothing independent to compare'
        : none,
    });
  }
  if (b.acpi_s3)
    item({
      id: 'acpi-s3',
      label: 'ACPI S3',
      printed: 'Disable ACPI S3. Turn off TDX in the BIOS to use ACPI S3.',
      predicted: host ? (host.platform?.acpi_s3 ? 'the same line' : 'no such line') : predictedNone,
      verdict: 'cannot-check',
      reason: host
        ? 'the emulator prints it when the host says ACPI S3 is on, which only this line tells: nothing independent to compare'
        : none,
    });

  // The boot's verdict is check's, and never milder than an item's.
  const base: CheckVerdict = !check
    ? 'cannot-check'
    : check.verdict === 'not-checkable'
      ? 'cannot-check'
      : check.verdict;
  const disagreeing = items.filter((i) => i.verdict === 'disagree');
  const verdict: CheckVerdict = disagreeing.length ? 'disagree' : base;
  const compared = items.filter((i) => i.verdict !== 'cannot-check').length;
  const reason =
    verdict === 'disagree'
      ? disagreeing.length
        ? disagreeing.map((i) => `${i.label}: ${i.reason}`).join('; ')
        : (check?.notes.at(-1) ?? 'the emulator disagrees')
      : verdict === 'agree'
        ? `every item that could be compared agrees (${compared} of ${items.length})`
        : (x.why ?? none);
  return {
    source: b.source,
    kernel: b.kernel ?? null,
    variant: b.variant,
    variantReason: b.variant_reason,
    variantBasis: b.variant_known === false ? 'assumed' : 'observed',
    printedOutcome: printedOutcome(b),
    printedLines: [
      ...(b.printed ?? []),
      ...(b.printed_omitted ? [`… ${b.printed_omitted} more TDX lines left out`] : []),
    ],
    assumed: [...new Set(items.flatMap((i) => i.assumed))],
    verdict,
    reason,
    items,
    decoded,
  };
}

/** The range a printed failure names, for faces that point at it. */
export function printedFailedRange(b: ObservedBoot): { start: number; end: number } | null {
  const m = b.failure ? FAILED_TDMR_RE.exec(b.failure) : null;
  return m ? { start: Number(m[1]), end: Number(m[2]) } : null;
}
