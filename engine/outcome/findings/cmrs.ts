/**
 * Memory the firmware does not report convertible (outside every CMR):
 * in a TDMR as available memory (memory-outside-cmrs), under a PAMT
 * (pamt-outside-cmrs), or covered by a reserved area on kernels that take
 * holes from the CMRs (non-convertible-reserved). tdx-module.md, checks 8-9.
 */
import { humanSize } from '../../format/hex.js';
import { outsideCmrs } from '../../host/cmr-coverage.js';
import type { Device } from '../../host/types.js';
import { holesFromCmrs, kernelNamed } from '../kernel-facts.js';
import { ref } from '../refs.js';
import { rangeText } from '../text.js';
import type { Evidence, Finding, Fix } from '../types.js';
import {
  capped,
  devicesIn,
  failingSeamcallEvidence,
  plural,
  present,
  tdxMemoryOutsideCmrs,
  triedFix,
  untriedFix,
  type RuleContext,
} from './context.js';

const bytesOf = (ranges: Array<[number, number]>) => ranges.reduce((n, [a, b]) => n + b - a, 0);

function tdmrsOver(c: RuleContext, ranges: Array<[number, number]>): number[] {
  const out: number[] = [];
  c.plan?.tdmrs.forEach((t, i) => {
    if (ranges.some(([a, b]) => a < t.base + t.size && t.base < b)) out.push(i);
  });
  return out;
}

function rangeEvidence(c: RuleContext, ranges: Array<[number, number]>, label: string): Evidence[] {
  const { shown, more } = capped(ranges, 6);
  const out: Evidence[] = shown.map(([a, b]) => {
    const dev = devicesIn(c.host, a, b)[0];
    return {
      kind: 'range',
      label: dev ? `${label} (${dev.name})` : label,
      start: a,
      end: b,
      ...(dev && { ref: ref.device(dev.name) }),
    };
  });
  if (more) out.push({ kind: 'fact', label: 'more ranges', value: `${more} more not listed` });
  return out;
}

function devicesOutside(c: RuleContext, ranges: Array<[number, number]>): Device[] {
  const seen = new Map<string, Device>();
  for (const [a, b] of ranges) for (const d of devicesIn(c.host, a, b)) seen.set(d.name, d);
  return [...seen.values()];
}

/** Ranges not inside any device: memory a boot parameter would have to remove. */
function nonDeviceRanges(c: RuleContext, ranges: Array<[number, number]>): Array<[number, number]> {
  return ranges.filter(([a, b]) => devicesIn(c.host, a, b).length === 0);
}

function memmapParam(ranges: Array<[number, number]>): string {
  return ranges
    .slice(0, 4)
    .map(([a, b]) => `memmap=0x${(b - a).toString(16)}$0x${a.toString(16)}`)
    .join(' ');
}

function keepDeviceOut(c: RuleContext, d: Device): Fix {
  return triedFix(
    c,
    'cxl-policy',
    `keep ${d.name} out of System RAM until TDX is initialized`,
    `Leave ${d.name} as a devdax device (daxctl reconfigure-device --mode=devdax), or do not let kmem auto-online it as System RAM before kvm_intel loads with TDX. Onlined later, its blocks are refused by the TDX memory notifier, but TDX initializes.`,
    `${d.name} kept out of memblock until after init`,
    [{ kind: 'device-after-init', device: d.name, start: d.start, end: d.end }],
  );
}

function convertingPlatform(c: RuleContext, d: Device): Fix {
  return triedFix(
    c,
    'platform',
    `a platform whose CMRs cover ${d.name}`,
    `CMRs come from the firmware (the module reports them); the emulator can only try what a CMR covering ${d.name} would change. First-generation TDX platforms never report CXL or NVDIMM memory convertible (kernel-flow.md §5).`,
    `a CMR covering ${d.name}`,
    [{ kind: 'cmr-cover', start: d.start, end: d.end }],
  );
}

function otherHolesKernel(c: RuleContext): Fix | null {
  const k = c.otherKernels.find((x) => holesFromCmrs(x) && !holesFromCmrs(c.kernel));
  if (!k) return null;
  return triedFix(
    c,
    'kernel',
    kernelNamed(k),
    'These kernels take reserved-area holes from the CMRs, so memory outside every CMR becomes a reserved area instead of available TDMR memory: init succeeds, but that memory stays online and cannot back TD pages (non-convertible-reserved).',
    `kernel ${k}`,
    [{ kind: 'kernel', kernel: k }],
  );
}

export function memoryOutsideCmrs(c: RuleContext): Finding[] {
  if (!c.plan || holesFromCmrs(c.kernel)) return [];
  const ranges = tdxMemoryOutsideCmrs(c.host, c.plan);
  if (!ranges.length) return [];
  const tdmrs = tdmrsOver(c, ranges);
  const rejected = c.pre.statusName === 'TDX_TDMR_OUTSIDE_CMRS' && c.pre.failedTdmr;
  const devices = devicesOutside(c, ranges);
  const who = devices.length ? devices.map((d) => d.name).join(', ') : 'memory';
  const tdmrText = tdmrs.length ? `TDMR${tdmrs.length > 1 ? 's' : ''} ${tdmrs.join(', ')}` : 'a TDMR';
  const cause =
    `${humanSize(bytesOf(ranges))} of TDX memory (${who}) lies outside every CMR: the firmware does not report it convertible. ` +
    `This kernel takes reserved-area holes from memblock, so that memory is available memory of ${tdmrText}, and the module requires every available part of a TDMR to lie inside the CMRs (TDH.SYS.CONFIG's last per-TDMR check). ` +
    (rejected
      ? `TDH.SYS.CONFIG rejected TDMR ${c.pre.failedTdmr!.index} with TDX_TDMR_OUTSIDE_CMRS.`
      : c.pre.stage === 'config'
        ? `TDH.SYS.CONFIG stopped at an earlier check (${c.pre.statusName}); this one comes after it.`
        : c.pre.ok
          ? ''
          : 'Init stopped before TDH.SYS.CONFIG, which would check it next.');
  const fixes: Fix[] = [];
  for (const d of devices) fixes.push(keepDeviceOut(c, d));
  const loose = nonDeviceRanges(c, ranges);
  if (loose.length)
    fixes.push(
      triedFix(
        c,
        'boot-parameter',
        memmapParam(loose),
        'Mark the memory no CMR covers as reserved on the kernel command line, so it leaves memblock and the TDMRs.',
        'memory outside the CMRs removed with memmap=',
        [{ kind: 'remove-memory', ranges: loose }],
      ),
    );
  const other = otherHolesKernel(c);
  if (other) fixes.push(other);
  for (const d of devices) fixes.push(convertingPlatform(c, d));
  return [
    {
      id: 'memory-outside-cmrs',
      severity: c.pre.ok ? 'warning' : 'error',
      title: rejected
        ? `TDMR ${c.pre.failedTdmr!.index} holds memory outside every CMR (${who})`
        : `${humanSize(bytesOf(ranges))} of TDX memory lies outside every CMR (${who})`,
      cause: cause.trim(),
      evidence: present([
        rejected ? failingSeamcallEvidence(c, ref.tdmr(c.pre.failedTdmr!.index)) : null,
        ...rangeEvidence(c, ranges, 'not convertible'),
        ...tdmrs.slice(0, 4).map((i): Evidence => {
          const t = c.plan!.tdmrs[i];
          return { kind: 'range', label: `TDMR ${i}`, start: t.base, end: t.base + t.size, ref: ref.tdmr(i) };
        }),
      ]),
      fixes,
    },
  ];
}

export function pamtOutsideCmrs(c: RuleContext): Finding[] {
  const f = c.pre.failedTdmr;
  if (c.pre.statusName !== 'TDX_PAMT_OUTSIDE_CMRS' || !f?.pamt || !c.plan?.ok) return [];
  const t = c.plan.tdmrs[f.index];
  const ps = (f.pageSize ?? '1G').toLowerCase() as '4k' | '2m' | '1g';
  const region = c.host.memblock.find((m) => m.start <= f.pamt!.base && f.pamt!.base < m.end);
  const dev = devicesIn(c.host, f.pamt.base, f.pamt.end)[0];
  const outside = outsideCmrs(c.host, f.pamt.base, f.pamt.end);
  const zone = region?.zone === 'movable' ? 'ZONE_MOVABLE' : 'ZONE_NORMAL';
  const where = dev ? dev.name : `the memory at ${rangeText(region?.start ?? f.pamt.base, region?.end ?? f.pamt.end)}`;
  const cause =
    `The kernel allocates each TDMR's PAMT on the node of the first TDX memory in it (tdmr_get_nid): node ${f.pamt.wantedNid} for TDMR ${f.index}. ` +
    `Node ${f.pamt.wantedNid}'s memory is ${where}, onlined into ${zone}, which allows kernel (GFP_KERNEL) allocations, so alloc_contig_pages placed the ${humanSize(f.pamt.end - f.pamt.base)} PAMT there, on node ${f.pamt.placedNid}. ` +
    `No CMR covers it, and TDH.SYS.CONFIG checks the PAMTs against the CMRs (1G, 2M, then 4K) before the TDMR's own memory, so it fails with TDX_PAMT_OUTSIDE_CMRS (PAMT ${f.pageSize ?? '?'}).`;
  const fixes: Fix[] = [];
  const span = dev ? { start: dev.start, end: dev.end } : region ? { start: region.start, end: region.end } : null;
  if (span)
    fixes.push(
      triedFix(
        c,
        'cxl-policy',
        `online ${dev?.name ?? 'that memory'} into ZONE_MOVABLE`,
        'Online it movable (memhp_default_state=online_movable, or echo online_movable to each block; movable_node does this for memory the firmware marks hotpluggable): GFP_KERNEL allocations such as the PAMT never take ZONE_MOVABLE pages.',
        `${dev?.name ?? 'the memory'} in ZONE_MOVABLE`,
        [{ kind: 'zone-movable', start: span.start, end: span.end }],
      ),
    );
  const holesKernel = c.otherKernels.find((k) => holesFromCmrs(k) && !holesFromCmrs(c.kernel));
  if (span && holesKernel)
    fixes.push(
      triedFix(
        c,
        'kernel',
        `${kernelNamed(holesKernel)}, with ${dev?.name ?? 'that memory'} in ZONE_MOVABLE`,
        'Together: the PAMT stays on DRAM, and the kernel covers the memory no CMR covers with a reserved area.',
        `kernel ${holesKernel} and ${dev?.name ?? 'the memory'} in ZONE_MOVABLE`,
        [
          { kind: 'kernel', kernel: holesKernel },
          { kind: 'zone-movable', start: span.start, end: span.end },
        ],
      ),
    );
  if (dev) fixes.push(keepDeviceOut(c, dev));
  return [
    {
      id: 'pamt-outside-cmrs',
      severity: 'error',
      title: `TDMR ${f.index}'s PAMT landed on ${dev ? dev.name : `node ${f.pamt.placedNid}`}, outside every CMR`,
      cause,
      evidence: present([
        failingSeamcallEvidence(c, ref.pamt(f.index, ps)),
        { kind: 'range', label: `TDMR ${f.index}`, start: t.base, end: t.base + t.size, ref: ref.tdmr(f.index) },
        {
          kind: 'range',
          label: `its PAMT (node ${f.pamt.placedNid})`,
          start: f.pamt.base,
          end: f.pamt.end,
          ref: ref.pamt(f.index, ps),
        },
        region
          ? {
              kind: 'range',
              label: `memblock region it came from (node ${region.nid}, ${zone})`,
              start: region.start,
              end: region.end,
              ref: ref.memblock(c.host.memblock.indexOf(region)),
            }
          : null,
        outside.length
          ? {
              kind: 'range',
              label: 'PAMT memory no CMR covers',
              start: outside[0][0],
              end: outside[outside.length - 1][1],
            }
          : null,
      ]),
      fixes,
    },
  ];
}

export function nonConvertibleReserved(c: RuleContext): Finding[] {
  if (!c.pre.ok || !c.plan?.ok || !holesFromCmrs(c.kernel)) return [];
  const ranges = tdxMemoryOutsideCmrs(c.host, c.plan);
  if (!ranges.length) return [];
  const devices = devicesOutside(c, ranges);
  const who = devices.length ? devices.map((d) => d.name).join(', ') : 'memory';
  const areas: Evidence[] = [];
  c.plan.tdmrs.forEach((t, i) =>
    t.reserved.forEach((r, j) => {
      const a = t.base + r.offset;
      if (r.kind === 'hole' && ranges.some(([x, y]) => x < a + r.size && a < y) && areas.length < 6)
        areas.push({
          kind: 'range',
          label: `TDMR ${i} reserved area ${j}`,
          start: a,
          end: a + r.size,
          ref: ref.reserved(i, j),
        });
    }),
  );
  const fixes: Fix[] = devices.map((d) => keepDeviceOut(c, d));
  const loose = nonDeviceRanges(c, ranges);
  if (loose.length)
    fixes.push(
      triedFix(
        c,
        'boot-parameter',
        memmapParam(loose),
        'Mark the memory no CMR covers as reserved on the kernel command line, so the kernel never hands it out.',
        'memory outside the CMRs removed with memmap=',
        [{ kind: 'remove-memory', ranges: loose }],
      ),
    );
  if (!fixes.length)
    fixes.push(
      untriedFix(
        'platform',
        'a platform whose CMRs cover this memory',
        'Only the firmware decides which memory is convertible.',
        'the CMRs come from the firmware',
      ),
    );
  return [
    {
      id: 'non-convertible-reserved',
      severity: 'warning',
      title: `${humanSize(bytesOf(ranges))} of non-convertible memory (${who}) is online but cannot back TD pages`,
      cause:
        `This kernel takes reserved-area holes from the CMRs, so the ${humanSize(bytesOf(ranges))} that no CMR covers is a reserved area of its TDMR and the module initializes. ` +
        'The memory is still in the TDX memory list, so the hotplug notifier lets it online and the kernel may give its pages to KVM for a TD. ' +
        'The module marks reserved-area pages PT_RSVD in the PAMT, and TDH.MEM.PAGE.ADD and TDH.MEM.PAGE.AUG take only free (PT_NDA) pages, so adding such a page to a TD fails with TDX_PAGE_METADATA_INCORRECT (0xc000030000000008, operand R8).',
      evidence: [
        ...rangeEvidence(c, ranges, 'outside every CMR'),
        ...areas,
        { kind: 'fact', label: 'covered by', value: plural(areas.length, 'reserved area') },
      ],
      fixes,
    },
  ];
}
