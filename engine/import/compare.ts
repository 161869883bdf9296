/**
 * `tdx-lab check`: runs the emulator on an imported host with each observed
 * boot's kernel variant and compares with what that boot printed (PAMT KiB,
 * TDMR count implied by it, success or the failure line).
 */
import type { Host } from '../host/types.js';
import { hex, hex64, humanSize, SZ_1G } from '../format/hex.js';
import { planTdmrs, type Plan } from '../kernel/construct.js';
import { initTdx, type InitResult } from '../flow/init.js';
import type { ObservedBoot } from './observed.js';

export type Verdict = 'agree' | 'disagree' | 'not-checkable';

export interface BootCheck {
  source: string;
  variant: ObservedBoot['variant'];
  verdict: Verdict;
  printed: string;
  emulated?: string;
  /** Where they differ, or why nothing could be compared. */
  notes: string[];
  /** What the emulator run behind `emulated` gave, item by item (the evidence compares these). */
  prediction?: BootPrediction;
}

/** The figures of the emulator run a check compared with, as plain data. */
export interface BootPrediction {
  /** plan: the kernel side alone (planTdmrs); flow: the whole init flow with the module (initTdx). */
  by: 'plan' | 'flow';
  ok: boolean;
  pamtKb: number | null;
  tdmrs: number;
  /** Every TDMR is at most 256 GiB, so a printed figure decomposes as 4104·GiB + 4·TDMRs. */
  tdmrsSmall: boolean;
  /** GiB the TDMRs cover. */
  gib: number;
  stage: string | null;
  errno: number | null;
  /** The failure line the emulated kernel prints, without its prefix ("TDMR [...): reserved areas exhausted"). */
  failure: string | null;
  failedTdmr: { base: number; end: number } | null;
  /** The failing SEAMCALL (flow runs only). */
  seamcall: { leaf: string; status: string; statusName: string; rdx?: string } | null;
  seamcallCount: number | null;
  /** The module version the emulated host has. */
  moduleVersion: string;
}

function planPrediction(host: Host, plan: Plan): BootPrediction {
  const failure = plan.ok
    ? null
    : ([...plan.log].reverse().find((l) => /initialization failed: /.test(l.text))?.text ?? null);
  const failed = !plan.ok && plan.failedTdmr !== undefined ? plan.tdmrs[plan.failedTdmr] : undefined;
  return {
    by: 'plan',
    ok: plan.ok,
    pamtKb: plan.ok ? plan.pamtKb : null,
    tdmrs: plan.tdmrs.length,
    tdmrsSmall: plan.tdmrs.every((t) => t.size <= 256 * SZ_1G),
    gib: plan.tdmrs.reduce((n, t) => n + t.size, 0) / SZ_1G,
    stage: plan.ok ? null : plan.stage,
    errno: plan.ok ? null : plan.errno === '-ENOSPC' ? -28 : -12,
    failure: failure ? failure.replace(/^.*?initialization failed: /, '').replace(/\.$/, '') : null,
    failedTdmr: failed ? { base: failed.base, end: failed.base + failed.size } : null,
    seamcall: null,
    seamcallCount: null,
    moduleVersion: host.module.version ?? '1.5',
  };
}

export function flowPrediction(host: Host, res: InitResult): BootPrediction {
  const fail = [...res.seamcalls]
    .reverse()
    .find((c) => c.statusName !== 'TDX_SUCCESS' && /^0x[89abcdef]/.test(c.status));
  const failure = res.log.find((l) => /initialization failed: /.test(l));
  const at = res.log.findIndex((l) => /SEAMCALL \(0x[0-9a-f]+\) failed/.test(l));
  const rdx = at >= 0 ? /RDX (0x[0-9a-f]+)/.exec(res.log[at + 1] ?? '')?.[1] : undefined;
  return {
    by: 'flow',
    ok: res.ok,
    pamtKb: res.ok ? res.pamtKb : null,
    tdmrs: res.tdmrCount ?? 0,
    tdmrsSmall: true,
    gib: 0,
    stage: res.ok ? null : res.stage,
    errno: res.ok ? null : res.errnoValue,
    failure: failure ? failure.replace(/^.*?initialization failed: /, '').replace(/\.$/, '') : null,
    failedTdmr: null,
    seamcall: fail
      ? {
          leaf: hex(fail.leaf),
          status: fail.status,
          statusName: fail.statusName,
          ...(rdx !== undefined && { rdx }),
        }
      : null,
    seamcallCount: res.seamcalls.length,
    moduleVersion: host.module.version ?? '1.5',
  };
}

/**
 * With 16-byte entries, a TDMR of G GiB (G ≤ 256) needs 4104·G + 4 KiB of PAMT,
 * so a printed figure is 4104·GiB + 4·TDMRs. Returns the (GiB, TDMRs) pairs
 * with at most maxTdmrs TDMRs that give it.
 */
export function decomposePamtKb(kb: number, maxTdmrs = 64): { gib: number; tdmrs: number }[] {
  const out: { gib: number; tdmrs: number }[] = [];
  for (let t = 1; t <= maxTdmrs; t++) {
    const rest = kb - 4 * t;
    if (rest > 0 && rest % 4104 === 0 && rest / 4104 >= t) out.push({ gib: rest / 4104, tdmrs: t });
  }
  return out;
}

function emulatedText(plan: Plan): string {
  if (plan.ok)
    return `${plan.pamtKb} KB allocated for PAMT, ${plan.tdmrs.length} TDMR${plan.tdmrs.length === 1 ? '' : 's'}`;
  const last = plan.log[plan.log.length - 1];
  return `fails at stage ${plan.stage} (${plan.errno})${last ? `: ${last.text}` : ''}`;
}

function printedText(b: ObservedBoot): string {
  const parts: string[] = [];
  if (b.seamcall_failures?.length)
    parts.push(`SEAMCALL ${b.seamcall_failures[0].leaf} failed: ${b.seamcall_failures[0].status}`);
  if (b.dpamt) parts.push('Enable Dynamic PAMT');
  if (b.pamt_kb !== undefined) parts.push(`${b.pamt_kb} KB allocated for PAMT`);
  if (b.outcome === 'initialized') parts.push('module initialized');
  if (b.failure) parts.push(b.precondition ? b.failure : `initialization failed: ${b.failure}`);
  if (b.truncated?.length) parts.push(`cut line "${b.truncated[0].replace(/^.*?: /, '')}"`);
  if (b.errno !== undefined) parts.push(`module initialization failed (${b.errno})`);
  if (!parts.length) parts.push(b.outcome === 'no-init' ? 'no module initialization lines' : b.outcome);
  return parts.join(', ');
}

export function checkBoot(host: Host, b: ObservedBoot): BootCheck {
  const base = { source: b.source, variant: b.variant, printed: printedText(b) };
  const notes: string[] = [];
  if (b.cmrs_partial)
    return {
      ...base,
      verdict: 'not-checkable',
      notes: ['the log is cut inside the CMR list: the memory layout and the outcome are incomplete'],
    };
  if (b.outcome === 'no-init')
    return {
      ...base,
      verdict: 'not-checkable',
      notes: ['this boot never initialized the module (only the boot-time lines)'],
    };
  if (b.outcome === 'not-enabled-by-bios')
    return { ...base, verdict: 'not-checkable', notes: ['TDX was not enabled by the BIOS: no TDMRs were built'] };
  if (b.seamcall_failures?.length && b.pamt_kb === undefined && !b.failure) return checkSeamcallFailure(host, b, base);
  if (b.precondition) return checkPrecondition(host, b, base);
  if (b.failure === 'module not loaded')
    return { ...base, verdict: 'not-checkable', notes: ['the module was not loaded: no TDMRs were built'] };

  const plan = planTdmrs(host, b.variant);
  const emulated = emulatedText(plan);
  const prediction = planPrediction(host, plan);
  notes.push(`kernel variant ${b.variant} (${b.variant_reason})`);

  if (b.outcome === 'initialized') {
    if (b.pamt_kb === undefined)
      return {
        ...base,
        prediction,
        emulated,
        verdict: 'not-checkable',
        notes: [...notes, 'the PAMT line is not in the log'],
      };
    if (!plan.ok)
      return {
        ...base,
        prediction,
        emulated,
        verdict: 'disagree',
        notes: [...notes, 'the real kernel initialized the module; the emulator fails'],
      };
    if (plan.pamtKb === b.pamt_kb) {
      const fits = decomposePamtKb(b.pamt_kb, host.module.max_tdmrs);
      if (fits.length === 1 && fits[0].tdmrs === plan.tdmrs.length && plan.tdmrs.every((t) => t.size <= 256 * SZ_1G)) {
        notes.push(
          `TDMR count ${plan.tdmrs.length} agrees too (the printed figure is ${fits[0].gib} GiB in ${fits[0].tdmrs} TDMRs)`,
        );
      }
      return { ...base, prediction, emulated, verdict: 'agree', notes };
    }
    const gib = plan.tdmrs.reduce((s, t) => s + t.size, 0) / SZ_1G;
    const diff = plan.pamtKb - b.pamt_kb;
    notes.push(
      `PAMT: emulated ${Math.abs(diff)} KB ${diff < 0 ? 'less' : 'more'} than printed, from ${gib} GiB in ${plan.tdmrs.length} TDMRs`,
    );
    const fits = decomposePamtKb(b.pamt_kb, host.module.max_tdmrs);
    if (fits.length) {
      notes.push(
        `the printed figure is ${fits.map((f) => `${f.gib} GiB in ${f.tdmrs} TDMRs`).join(' or ')} (4104 KB per GiB + 4 KB per TDMR, TDMRs ≤ 256 GiB)`,
      );
      const same = fits.find((f) => f.gib === gib);
      if (same && same.tdmrs !== plan.tdmrs.length) {
        notes.push(
          `same memory, ${same.tdmrs - plan.tdmrs.length > 0 ? 'more' : 'fewer'} TDMRs: the real memblock splits differently (e.g. a NUMA node boundary inside a CMR) than the imported layout`,
        );
      }
    }
    return { ...base, prediction, emulated, verdict: 'disagree', notes };
  }

  // The real boot failed.
  if (b.failed_tdmr) {
    const base = Number(b.failed_tdmr.base);
    const size = Number(b.failed_tdmr.size);
    notes.push(`the real kernel failed in TDMR [${hex(base)}, ${hex(base + size)}) ${humanSize(size)}`);
  }
  if (plan.ok)
    return {
      ...base,
      prediction,
      emulated,
      verdict: 'disagree',
      notes: [...notes, 'the real kernel failed; the emulator succeeds with this layout'],
    };
  if (b.failure) {
    const expected = `virt/tdx: initialization failed: ${b.failure}.`;
    const got = plan.log.map((l) => l.text);
    if (!got.includes(expected) && !got.includes(expected.slice(0, -1))) {
      return {
        ...base,
        prediction,
        emulated,
        verdict: 'disagree',
        notes: [...notes, `the emulator does not print "${expected}"`],
      };
    }
  } else {
    notes.push("the log's failure reason is cut: only the outcome is compared");
  }
  if (b.errno !== undefined) {
    const n = plan.errno === '-ENOSPC' ? -28 : -12;
    if (n !== b.errno)
      return {
        ...base,
        prediction,
        emulated,
        verdict: 'disagree',
        notes: [...notes, `errno ${n} emulated, ${b.errno} printed`],
      };
  }
  return { ...base, prediction, emulated, verdict: 'agree', notes };
}

/**
 * A SEAMCALL failed before any TDMR was built (e.g. TDH.SYS.RD on a TDX 1.0
 * module): beyond planTdmrs, so the whole init flow (engine/flow) is run and
 * the failing leaf, status and errno compared.
 */
function checkSeamcallFailure(
  host: Host,
  b: ObservedBoot,
  base: Pick<BootCheck, 'source' | 'variant' | 'printed'>,
): BootCheck {
  const notes = [
    `kernel variant ${b.variant} (${b.variant_reason})`,
    'failure before TDMR construction: compared with the full init flow (engine/flow)',
  ];
  let res: InitResult;
  try {
    res = initTdx(host, b.variant, { includePlan: false });
  } catch (e) {
    return {
      ...base,
      verdict: 'not-checkable',
      notes: [...notes, `the init flow emulation stopped: ${(e as Error).message}`],
    };
  }
  const want = b.seamcall_failures![0];
  const line = `virt/tdx: SEAMCALL (${hex64(parseInt(want.leaf, 16))}) failed: ${want.status}`;
  const at = res.log.indexOf(line);
  const failing = res.log.find((l) => /SEAMCALL \(/.test(l));
  const emulated = flowEmulated(
    res,
    `${failing ?? res.log[res.log.length - 1] ?? 'failed'}, module initialization failed (${res.errnoValue})`,
  );
  const prediction = flowPrediction(host, res);
  if (res.ok || at < 0) return notPrinted(base, prediction, emulated, notes, line);
  if (b.errno !== undefined && b.errno !== res.errnoValue) {
    return {
      ...base,
      emulated,
      verdict: 'disagree',
      notes: [...notes, `errno ${res.errnoValue} emulated, ${b.errno} printed`],
    };
  }
  const regs = /RDX (0x[0-9a-f]+)/.exec(res.log[at + 1] ?? '');
  if (want.rdx && regs && regs[1] !== want.rdx) {
    notes.push(
      `differs: the real kernel's failing read was metadata field RDX ${want.rdx}, the emulator's ${regs[1]} (kernels read the global metadata fields in different orders)`,
    );
  }
  return { ...base, prediction, emulated, verdict: 'agree', notes };
}

/** Init at boot stopped at a precondition (XSAVE, MOVDIR64B, self-snoop, platform): the whole flow must print the same line. */
function checkPrecondition(
  host: Host,
  b: ObservedBoot,
  base: Pick<BootCheck, 'source' | 'variant' | 'printed'>,
): BootCheck {
  const notes = [`kernel variant ${b.variant} (${b.variant_reason})`];
  const res = initTdx(host, b.variant, { includePlan: false });
  const line = `virt/tdx: ${b.failure}`;
  const emulated = flowEmulated(res, res.log[res.log.length - 1] ?? 'failed');
  const prediction = flowPrediction(host, res);
  if (res.ok || !res.log.includes(line)) return notPrinted(base, prediction, emulated, notes, line);
  return { ...base, prediction, emulated, verdict: 'agree', notes };
}

/** What the whole init flow gave, in the kernel's words: its PAMT line on success, else `failed`. */
function flowEmulated(res: InitResult, failed: string): string {
  return res.ok ? `module initialized, ${res.pamtKb} KB allocated for PAMT` : failed;
}

/** The boot printed a line the emulated flow does not: they disagree. */
function notPrinted(
  base: Pick<BootCheck, 'source' | 'variant' | 'printed'>,
  prediction: BootCheck['prediction'],
  emulated: string,
  notes: string[],
  line: string,
): BootCheck {
  return {
    ...base,
    prediction,
    emulated,
    verdict: 'disagree',
    notes: [...notes, `the emulator does not print "${line}"`],
  };
}

/** Human lines for one boot's result. */
export function renderBootCheck(c: BootCheck): string {
  const lines = [`${c.source} [${c.variant}]: ${c.verdict.toUpperCase()}`, `  printed:  ${c.printed}`];
  if (c.emulated) lines.push(`  emulated: ${c.emulated}`);
  for (const n of c.notes) lines.push(`  - ${n}`);
  return lines.join('\n');
}

/** A short description of the host layout with hex and human sizes. */
export function describeLayout(host: Host): string {
  const total = host.memblock.reduce((s, m) => s + m.end - m.start, 0);
  return `${host.memblock.length} memblock regions, ${humanSize(total)} from ${hex(host.memblock[0].start)} to ${hex(host.memblock[host.memblock.length - 1].end)}; ${host.cmrs.length} CMRs`;
}
