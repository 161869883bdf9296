/**
 * Reserved areas: a TDMR needs one per hole in its TDX memory and one per
 * PAMT inside it, and the module allows MAX_RESERVED_PER_TDMR of them
 * (tdmr_add_rsvd_area fails with -ENOSPC past it; golden README).
 */
import { humanSize } from '../../format/hex.js';
import { holesFromCmrs, kernelNamed } from '../kernel-facts.js';
import { ref } from '../refs.js';
import type { Change } from '../trials.js';
import type { Evidence, Finding, Fix } from '../types.js';
import { capped, logEvidence, plural, present, triedFix, type RuleContext } from './context.js';

/**
 * The smallest memory ranges inside the TDMR: removing one that sits between
 * two holes merges them into one reserved area.
 */
function smallestIslands(c: RuleContext, base: number, end: number, k: number): Array<[number, number]> {
  const inside = (c.plan?.memlist ?? []).filter(
    (m) => m.start >= base && m.end <= end && (m.start > base || m.end < end),
  );
  return inside
    .map((m) => [m.start, m.end] as [number, number])
    .sort((a, b) => a[1] - a[0] - (b[1] - b[0]) || a[0] - b[0])
    .slice(0, k)
    .sort((a, b) => a[0] - b[0]);
}

function memmapFix(c: RuleContext, tdmr: number, base: number, end: number, over: number): Fix | null {
  // Try the fewest removals first; a few more when a removal at an edge merges nothing.
  let last: Fix | null = null;
  for (let k = over; k <= over + 3; k++) {
    const ranges = smallestIslands(c, base, end, k);
    if (ranges.length < k) break;
    const bytes = ranges.reduce((n, [a, b]) => n + b - a, 0);
    const param = ranges.map(([a, b]) => `memmap=0x${(b - a).toString(16)}$0x${a.toString(16)}`).join(' ');
    const changes: Change[] = [{ kind: 'remove-memory', ranges }];
    last = triedFix(
      c,
      'boot-parameter',
      `memmap= for the ${plural(k, 'smallest memory range')} in TDMR ${tdmr} (${humanSize(bytes)} in all)`,
      `Give up that memory on the kernel command line so the holes around each range merge: ${param}`,
      `${plural(k, 'memory range')} removed with memmap=`,
      changes,
    );
    if (!last.trial || last.trial.ok || last.trial.stage !== 'reserved') return last;
  }
  return last;
}

export function reservedAreasExhausted(c: RuleContext): Finding[] {
  const plan = c.plan;
  if (!plan || plan.ok || plan.stage !== 'reserved' || plan.failedTdmr === undefined) return [];
  const i = plan.failedTdmr;
  const t = plan.tdmrs[i];
  const need = c.reservedNeed;
  const limit = c.host.module.max_reserved_per_tdmr;
  const holes = need?.areas.filter((a) => a.kind === 'hole').length ?? 0;
  const pamts = need?.areas.filter((a) => a.kind === 'pamt').length ?? 0;
  const source = holesFromCmrs(c.kernel)
    ? 'gaps between CMRs'
    : 'gaps between memblock regions (firmware-reserved ranges)';
  const over = need ? need.areas.slice(limit) : [];
  const { shown, more } = capped(over, 8);
  const fixes: Fix[] = [];
  const other = c.otherKernels.find((k) => holesFromCmrs(k) !== holesFromCmrs(c.kernel));
  if (other && !holesFromCmrs(c.kernel))
    fixes.push(
      triedFix(
        c,
        'kernel',
        kernelNamed(other),
        'These kernels take the holes from the CMRs, which span the small firmware gaps, so the TDMR needs far fewer reserved areas.',
        `kernel ${other}`,
        [{ kind: 'kernel', kernel: other }],
      ),
    );
  if (need && need.areas.length > limit) {
    const f = memmapFix(c, i, t.base, t.base + t.size, need.areas.length - limit);
    if (f) fixes.push(f);
  }
  return [
    {
      id: 'reserved-areas-exhausted',
      severity: 'error',
      title: need
        ? `TDMR ${i} needs ${need.areas.length} reserved areas; the module allows ${limit}`
        : `Reserved areas exhausted in TDMR ${i}`,
      cause:
        `TDMR ${i} spans ${plural(holes, 'hole')} in TDX memory (${source}) and ${plural(pamts, 'PAMT')}; each takes one reserved area, and the module allows ${limit} per TDMR (MAX_RESERVED_PER_TDMR${limit === 16 ? ', which TDX 1.5 modules report as 16' : ''}). ` +
        'construct_tdmrs gives up with -ENOSPC and init fails.',
      evidence: present<Evidence>([
        { kind: 'range', label: `TDMR ${i}`, start: t.base, end: t.base + t.size, ref: ref.tdmr(i) },
        logEvidence(c, (l) => l.includes('reserved areas exhausted'), ref.tdmr(i)),
        need
          ? {
              kind: 'fact',
              label: 'reserved areas',
              value: `${need.areas.length} needed (${holes} holes, ${pamts} PAMTs), ${limit} allowed`,
            }
          : null,
        ...shown.map((a, k): Evidence => ({
          kind: 'range',
          label: `needed area ${limit + k + 1} (past the limit, ${a.kind === 'pamt' ? `PAMT of TDMR ${a.pamtOf}` : 'hole'})`,
          start: t.base + a.offset,
          end: t.base + a.offset + a.size,
          ref: ref.needed(i, limit + k),
        })),
        more ? { kind: 'fact', label: 'more areas past the limit', value: String(more) } : null,
      ]),
      fixes,
    },
  ];
}

export function reservedAreasNearLimit(c: RuleContext): Finding[] {
  const plan = c.plan;
  if (!plan?.ok) return [];
  const limit = c.host.module.max_reserved_per_tdmr;
  const near = plan.tdmrs
    .map((t, i) => ({ t, i, n: t.reserved.length }))
    .filter((x) => x.n > 0 && x.n >= Math.ceil(limit * 0.75))
    .sort((a, b) => b.n - a.n || a.i - b.i);
  if (!near.length) return [];
  const w = near[0];
  return [
    {
      id: 'reserved-areas-near-limit',
      severity: w.n >= limit - 1 ? 'warning' : 'info',
      title: `TDMR ${w.i} uses ${w.n} of ${limit} reserved areas`,
      cause: `${plural(near.length, 'TDMR uses', 'TDMRs use')} at least 75% of the reserved areas the module allows. One more hole in that range (a firmware-reserved page, a memory range hot-added before init) or a PAMT placed inside it exhausts them, and init fails with -ENOSPC.`,
      evidence: near.slice(0, 4).map((x): Evidence => ({
        kind: 'range',
        label: `TDMR ${x.i} (${x.n} of ${limit})`,
        start: x.t.base,
        end: x.t.base + x.t.size,
        ref: ref.tdmr(x.i),
      })),
      fixes: [],
    },
  ];
}
