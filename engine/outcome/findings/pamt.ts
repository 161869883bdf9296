/**
 * PAMT placement: each TDMR's PAMT is one physically contiguous allocation
 * on the TDMR's node, falling back to other nodes (golden README, the
 * placement model); -ENOMEM when no node has the range.
 */
import { humanSize } from '../../format/hex.js';
import { nodeOfAddress } from '../../format/plan-summary.js';
import { pamtSize, pamtTotal } from '../../kernel/pamt.js';
import { ref } from '../refs.js';
import type { Evidence, Finding, Fix } from '../types.js';
import { logEvidence, plural, present, triedFix, type RuleContext } from './context.js';

export function pamtAllocFailed(c: RuleContext): Finding[] {
  const plan = c.plan;
  if (!plan || plan.ok || plan.stage !== 'pamt' || plan.failedTdmr === undefined) return [];
  const i = plan.failedTdmr;
  const t = plan.tdmrs[i];
  const e = c.host.module.pamt_entry_size;
  const size = pamtSize(t.size, '4k', e['4k']) + pamtSize(t.size, '2m', e['2m']) + pamtSize(t.size, '1g', e['1g']);
  const reserved = c.host.reserved;
  const reservedBytes = reserved.reduce((n, r) => n + r.end - r.start, 0);
  const crash = reserved.map((r, k) => ({ r, k })).filter(({ r }) => /crash/i.test(r.what ?? ''));
  const fixes: Fix[] = [];
  if (crash.length)
    fixes.push(
      triedFix(
        c,
        'boot-parameter',
        'a smaller crashkernel= (or none)',
        `The crash kernel reservation (${humanSize(crash.reduce((n, { r }) => n + r.end - r.start, 0))}) splits free memory; a smaller crashkernel= leaves a contiguous range for the PAMT.`,
        'crash kernel reservation dropped',
        [{ kind: 'drop-reserved', indexes: crash.map(({ k }) => k) }],
      ),
    );
  return [
    {
      id: 'pamt-alloc-failed',
      severity: 'error',
      title: `No node has ${humanSize(size)} of contiguous free memory for TDMR ${i}'s PAMT`,
      cause: `TDMR ${i}'s PAMT must be one physically contiguous ${humanSize(size)} allocation (alloc_contig_pages), tried on its node first and then on every other node. Free memory is split by ${plural(reserved.length, 'reserved range')} (${humanSize(reservedBytes)}) and by earlier PAMTs, so no candidate range is free and init fails with -ENOMEM.`,
      evidence: present<Evidence>([
        { kind: 'range', label: `TDMR ${i}`, start: t.base, end: t.base + t.size, ref: ref.tdmr(i) },
        { kind: 'fact', label: 'PAMT needed', value: `${humanSize(size)} contiguous (${size / 4096} pages)` },
        logEvidence(c, (l) => /ENOMEM|PAMT/.test(l) && /fail/i.test(l)),
      ]),
      fixes,
    },
  ];
}

export function pamtRemoteNode(c: RuleContext): Finding[] {
  const plan = c.plan;
  if (!plan?.ok) return [];
  const remote = plan.tdmrs
    .map((t, i) => ({ t, i, at: nodeOfAddress(c.host, t.pamt.base) }))
    .filter((x) => x.at >= 0 && x.at !== x.t.pamtNid);
  if (!remote.length) return [];
  const w = remote[0];
  return [
    {
      id: 'pamt-remote-node',
      severity: 'info',
      title: `${plural(remote.length, 'PAMT')} placed on another node than ${remote.length === 1 ? 'its' : 'their'} TDMR's`,
      cause: `The kernel asked for TDMR ${w.i}'s PAMT on node ${w.t.pamtNid} (the node of its first TDX memory) and alloc_contig_pages fell back to node ${w.at}: node ${w.t.pamtNid} had no free contiguous range of that size. TDX works; the module's metadata accesses for that TDMR cross nodes.`,
      evidence: remote.slice(0, 4).map((x): Evidence => ({
        kind: 'range',
        label: `TDMR ${x.i}'s PAMT (asked node ${x.t.pamtNid}, placed on node ${x.at})`,
        start: x.t.pamt.base,
        end: x.t.pamt.base + pamtTotal(x.t.pamt),
        ref: ref.pamt(x.i, '4k'),
      })),
      fixes: [],
    },
  ];
}
