/**
 * Memory blocks the TDX memory notifier refused to online (kernel-flow.md
 * §5): after a successful init, only memory inside the TDX memory list
 * snapshot may go online.
 */
import { humanSize } from '../../format/hex.js';
import { ref } from '../refs.js';
import type { Change } from '../trials.js';
import type { Evidence, Finding, Fix, MemoryBlockRun, Trial } from '../types.js';
import { initsAtBoot } from '../kernel-facts.js';
import { capped, devicesIn, plural, sortFixes, triedFix, type RuleContext } from './context.js';

interface Refusal {
  start: number;
  end: number;
  device?: string;
  /** The scenario event that refused it. */
  event?: number;
}

/** Every refusal: a host's refused blocks, or each scenario event's changes to refused (also blocks removed later). */
function refusals(c: RuleContext): Refusal[] {
  if (c.run.kind === 'host')
    return c.run.memoryBlocks
      .filter((b: MemoryBlockRun) => b.state === 'refused')
      .map((b) => ({ start: b.start, end: b.end, device: b.device }));
  const out: Refusal[] = [];
  for (const e of c.run.result.events)
    for (const b of e.blocks)
      if (b.to === 'refused') {
        const start = Number(b.start);
        const end = Number(b.end);
        out.push({ start, end, device: devicesIn(c.host, start, end)[0]?.name, event: e.index });
      }
  return out;
}

/** Bytes in the union of the ranges. */
function unionBytes(rs: readonly Refusal[]): number {
  const sorted = [...rs].sort((a, b) => a.start - b.start);
  let n = 0;
  let at = -1;
  for (const r of sorted) {
    const a = Math.max(r.start, at);
    if (r.end > a) n += r.end - a;
    at = Math.max(at, r.end);
  }
  return n;
}

export function blocksRefused(c: RuleContext): Finding[] {
  const refused = refusals(c);
  if (!refused.length) return [];
  const bs = c.host.platform?.memory_block_size ?? 128 * 1024 * 1024;
  const byDevice = new Map<string, Refusal[]>();
  for (const b of refused) {
    const k = b.device ?? '';
    byDevice.set(k, [...(byDevice.get(k) ?? []), b]);
  }
  const out: Finding[] = [];
  for (const [name, runs] of byDevice) {
    const bytes = unionBytes(runs);
    const blocks = bytes / bs;
    const events = [...new Set(runs.map((r) => r.event).filter((e) => e !== undefined))];
    const dev = c.host.devices?.find((d) => d.name === name);
    const what = name || 'memory';
    const story =
      c.run.kind === 'host'
        ? `The host lists ${what} as a device that is not in memblock when TDX initializes, so the lab plays it hot-added and onlined by kmem afterwards.`
        : `${what} was refused at event${events.length > 1 ? 's' : ''} ${events.join(', ')}, after TDX initialized.`;
    const fixes: Fix[] = [];
    const before = refused.length ? bytes / bs : 0;
    const removesRefusals = (t: Trial) => t.ok && t.refusedBlocks < before;
    if (dev) {
      // On a kernel that initializes at boot nothing can be onlined "before init": only boot RAM is in the snapshot.
      const boot = initsAtBoot(c.kernel);
      const inSnapshot: Change = boot
        ? { kind: 'device-boot-ram', device: dev.name, start: dev.start, end: dev.end, nid: dev.nid }
        : {
            kind: 'device-before-init',
            device: dev.name,
            start: dev.start,
            end: dev.end,
            nid: dev.nid,
            zone: dev.zone ?? 'movable',
          };
      fixes.push(
        boot
          ? triedFix(
              c,
              'bios',
              `have the firmware hand ${dev.name} over as ordinary RAM (not Soft Reserved, EFI_MEMORY_SP)`,
              `This kernel initializes TDX at boot, before kmem can online anything: only memory the firmware reports as ordinary RAM is in the snapshot.`,
              `${dev.name} as boot RAM`,
              [inSnapshot],
              removesRefusals,
            )
          : triedFix(
              c,
              'operation',
              `online ${dev.name} before TDX initializes`,
              `Let kmem online ${dev.name} as System RAM before kvm_intel loads with TDX, so it is in the memblock snapshot.`,
              `${dev.name} onlined before init`,
              [inSnapshot],
              removesRefusals,
            ),
        triedFix(
          c,
          'platform',
          `a platform whose CMRs cover ${dev.name}, with ${dev.name} ${boot ? 'as boot RAM' : 'onlined before init'}`,
          `CMRs come from the firmware; this tries what converting ${dev.name} would change.`,
          `a CMR covering ${dev.name}, ${boot ? 'as boot RAM' : 'onlined before init'}`,
          [{ kind: 'cmr-cover', start: dev.start, end: dev.end }, inSnapshot],
          removesRefusals,
        ),
      );
    }
    const { shown, more } = capped(runs, 6);
    out.push({
      id: 'blocks-refused',
      severity: c.pre.ok ? 'warning' : 'info',
      title: `${humanSize(bytes)} of ${what} can never be onlined: the notifier refuses its ${plural(blocks, 'memory block')}`,
      cause: `${story} The TDX memory notifier lets a block online only when it lies inside one entry of the TDX memory list the kernel took at init; ${what} was not in memblock then, so every block stays offline and the memory is unusable as System RAM while TDX is on. Use it as a devdax device for other consumers, or see the fixes.`,
      evidence: [
        ...shown.map((b): Evidence => ({
          kind: 'range',
          label: `refused memory blocks${b.device ? ` (${b.device})` : ''}${b.event !== undefined ? ` at event ${b.event}` : ''}`,
          start: b.start,
          end: b.end,
          ref: b.event === undefined ? ref.memoryBlocks(b.start / bs) : b.device ? ref.device(b.device) : undefined,
        })),
        ...(more ? [{ kind: 'fact', label: 'more refused ranges', value: String(more) } as Evidence] : []),
        {
          kind: 'fact',
          label: 'memory blocks refused',
          value: `${blocks.toLocaleString('en-US')} of ${humanSize(bs)}`,
        },
      ],
      ...sortFixes(fixes),
    });
  }
  return out;
}
