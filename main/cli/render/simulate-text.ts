/** The readable event-by-event report `tdx-lab simulate` prints on a terminal. */
import type { EventResult, ScenarioResult } from '../../../engine/scenario/run.js';
import type { SeamcallRecord } from '../../../engine/flow/seamcall.js';
import { tdxMemoryChanged, tdxMemoryLine } from '../../../engine/outcome/tdx-memory.js';
import { printkLabel } from '../../../engine/outcome/text.js';
import type { LogLevel } from '../../../engine/kernel/log.js';

/** A log line with its printk label when a default dmesg would not show it. */
function labelled(lines: readonly string[], levels: readonly LogLevel[] | undefined): string[] {
  return lines.map((l, i) => {
    const label = printkLabel(levels?.[i]);
    return label ? `${l}  [${label}]` : l;
  });
}

/** Per event, at most this many log lines / SEAMCALL lines / block ranges are shown. */
const MAX_LINES = 12;

/** Keeps the first and last lines (the failing SEAMCALL is usually last). */
function clipped(lines: string[], what: string): string[] {
  if (lines.length <= MAX_LINES) return lines;
  const head = 4;
  const tail = MAX_LINES - head - 1;
  return [
    ...lines.slice(0, head),
    `… ${lines.length - head - tail} more ${what} (use --json for all)`,
    ...lines.slice(-tail),
  ];
}

function seamcallLine(c: SeamcallRecord): string {
  const args = Object.entries(c.args)
    .map(([k, v]) => `${k.toUpperCase()}=${v}`)
    .join(' ');
  const rep = c.repeat ? ` ×${c.repeat}` : '';
  const attempt = c.attempt > 1 ? ` (attempt ${c.attempt})` : '';
  const detail = c.detail ? `: ${c.detail}` : '';
  return `${c.name}${rep} cpu${c.lp}${args ? ' ' + args : ''} -> ${c.status} ${c.statusName}${detail}${attempt}`;
}

function renderEvent(e: EventResult, mem?: string): string[] {
  const out: string[] = [];
  const t = e.t !== undefined ? `t=${e.t}s ` : '';
  out.push(`[${e.index}] ${t}${e.kind}: ${e.summary}${e.ok ? '' : '  ✗'}`);
  if (e.note) out.push(`    note: ${e.note}`);
  const f = e.failedTdmr;
  if (f) {
    out.push(
      `    TDMR ${f.index}: [${f.base}, ${f.end}) ${f.size}; its PAMT: [${f.pamtBase}, ${f.pamtEnd}) ${f.pamtSize} on node ${f.pamtPlacedNid}${f.pamtPlacedNid !== f.pamtNid ? ` (the kernel asked for node ${f.pamtNid})` : ''}`,
    );
  }
  if (e.seamcalls.length) {
    out.push('    SEAMCALLs:');
    out.push(...clipped(e.seamcalls.map(seamcallLine), 'SEAMCALLs').map((l) => `      ${l}`));
  }
  if (e.blocks.length) {
    out.push('    memory blocks:');
    out.push(
      ...clipped(
        e.blocks.map((b) => `[${b.start}, ${b.end}) ${b.size}: ${b.from} -> ${b.to}`),
        'ranges',
      ).map((l) => `      ${l}`),
    );
  }
  if (e.log.length) {
    out.push('    kernel log:');
    out.push(...clipped(labelled(e.log, e.logLevels), 'lines').map((l) => `      ${l}`));
  }
  if (mem) out.push(`    ${mem}`);
  out.push(`    module: ${e.moduleState}, kernel TDX status: ${e.kernelStatus}`);
  return out;
}

export function renderScenarioText(file: string, r: ScenarioResult): string {
  const out: string[] = [];
  out.push(`${r.name}  (${file})`);
  out.push(`  host: ${r.host}    kernel variant: ${r.kernel}`);
  out.push('');
  if (r.implicitBoot) {
    out.push('[boot] (implicit)');
    out.push(...labelled(r.bootLog, r.bootLogLevels).map((l) => `      ${l}`));
  }
  const pts = r.tdxMemory.points;
  r.events.forEach((e, i) => {
    const prev = i ? pts[i - 1] : r.tdxMemory.start;
    out.push(...renderEvent(e, tdxMemoryChanged(prev, pts[i], e.kind) ? tdxMemoryLine(pts[i]) : undefined));
  });
  out.push('', tdxMemoryLine(pts[pts.length - 1] ?? r.tdxMemory.start));
  return out.join('\n');
}
