/**
 * runScenario(): plays a validated scenario event by event against one
 * simulated kernel (KernelTdx + TdxModule) and its hotplug memory, and
 * returns a JSON-serializable, deterministic ScenarioResult.
 */
import { hex, humanSize } from '../format/hex.js';
import { KernelTdx, errnoNumber, type KernelModuleStatus } from '../flow/kernel-tdx.js';
import type { SeamcallRecord } from '../flow/seamcall.js';
import { HotplugMemory, type HotplugOutcome } from '../hotplug/memory.js';
import { leafDisplayName } from '../module/leaves.js';
import type { SysState } from '../module/module.js';
import { decodeStatus } from '../module/statuses.js';
import type { EventRange, Scenario, ScenarioEvent } from './types.js';
import type { Plan } from '../kernel/construct.js';
import { pamtTotal } from '../kernel/pamt.js';
import { nodeOfAddress } from '../format/plan-summary.js';
import type { Host, MemblockRegion } from '../host/types.js';

export interface BlockChangeJson {
  start: string;
  end: string;
  size: string;
  from: string;
  to: string;
}

export interface FailedTdmrJson {
  index: number;
  base: string;
  end: string;
  size: string;
  /** Node the kernel asked for (tdmr_get_nid) and node the PAMT really landed on. */
  pamtNid: number;
  pamtPlacedNid: number;
  pamtBase: string;
  pamtEnd: string;
  pamtSize: string;
}

/** TDH.SYS.CONFIG statuses whose first detail byte is a TDMR index. */
const TDMR_INDEX_STATUSES = new Set([
  'TDX_INVALID_TDMR',
  'TDX_NON_ORDERED_TDMR',
  'TDX_TDMR_OUTSIDE_CMRS',
  'TDX_INVALID_PAMT',
  'TDX_PAMT_OUTSIDE_CMRS',
  'TDX_PAMT_OVERLAP',
  'TDX_INVALID_RESERVED_IN_TDMR',
  'TDX_NON_ORDERED_RESERVED_IN_TDMR',
]);

function failedTdmrJson(plan: Plan | undefined, status: bigint, name: string, host: Host): FailedTdmrJson | undefined {
  if (!plan?.ok || !TDMR_INDEX_STATUSES.has(name)) return undefined;
  const index = Number(status & 0xffn);
  const t = plan.tdmrs[index];
  if (!t) return undefined;
  const pamtSize = pamtTotal(t.pamt);
  return {
    index,
    base: hex(t.base),
    end: hex(t.base + t.size),
    size: humanSize(t.size),
    pamtNid: t.pamtNid,
    pamtPlacedNid: nodeOfAddress(host, t.pamt.base),
    pamtBase: hex(t.pamt.base),
    pamtEnd: hex(t.pamt.base + pamtSize),
    pamtSize: humanSize(pamtSize),
  };
}

export interface EventResult {
  index: number;
  t?: number;
  kind: ScenarioEvent['kind'] | 'boot';
  /** One line saying what happened. */
  summary: string;
  note?: string;
  ok: boolean;
  error?: string;
  errno?: string;
  errnoValue?: number;
  /** Failing SEAMCALL status, decoded. */
  status?: string;
  statusName?: string;
  statusDetail?: string;
  /** The TDMR a TDH.SYS.CONFIG status names (detail byte 0), as the kernel built it. */
  failedTdmr?: FailedTdmrJson;
  /** init: where tdx_enable stopped when it failed (boot, cpu-enable, metadata, features, tdmrs, pamt, reserved, config, …). */
  stage?: string;
  /** The lines of `log` the kernel printed at error or warning level. */
  errorLines?: string[];
  moduleState: SysState;
  kernelStatus: KernelModuleStatus;
  seamcalls: SeamcallRecord[];
  log: string[];
  blocks: BlockChangeJson[];
}

export interface ScenarioResult {
  name: string;
  host: string;
  kernel: Scenario['kernel'];
  /** Boot happens once, first: from a `boot` event or implicitly. */
  implicitBoot: boolean;
  /** Lines an implicit boot printed (a `boot` event carries its own). */
  bootLog: string[];
  events: EventResult[];
  final: {
    outcome: 'initialized' | 'init-failed' | 'no-init';
    moduleState: SysState;
    kernelStatus: KernelModuleStatus;
    tdmrCount: number;
    pamtKb: number | null;
    memlist: { start: string; end: string; nid: number }[];
    memblockRegions: number;
    blockSize: string;
    blocks: { total: number; online: number; offline: number; refused: number };
  };
}

function rangeText(r: EventRange): string {
  const span = `[${hex(r.start)}, ${hex(r.end)}) ${humanSize(r.end - r.start)}`;
  return r.device ? `${r.device} ${span}` : span;
}

function blocksJson(o: HotplugOutcome): BlockChangeJson[] {
  return o.changes.map((c) => ({
    start: hex(c.start),
    end: hex(c.end),
    size: humanSize(c.end - c.start),
    from: c.from,
    to: c.to,
  }));
}

/**
 * Lets an analysis see what the result JSON leaves out: the kernel's own
 * TDMR plan at each init attempt and the memory as it was then, and the
 * hotplug memory at the end (every block's final state).
 */
export interface ScenarioObserver {
  onInit?(eventIndex: number, plan: Plan | undefined, memblock: readonly MemblockRegion[], ok: boolean): void;
  onEnd?(memory: HotplugMemory): void;
}

export function runScenario(s: Scenario, observer: ScenarioObserver = {}): ScenarioResult {
  const k = new KernelTdx(s.host, s.kernel, { moduleLoaded: s.moduleLoaded, metadata: s.metadata });
  const mem = new HotplugMemory(s.host);
  const events: EventResult[] = [];
  let initAttempted = false;

  const run = (index: number, ev: ScenarioEvent): EventResult => {
    const logAt = k.log.length;
    const scAt = k.seamcalls.records.length;
    const r: Omit<EventResult, 'moduleState' | 'kernelStatus' | 'seamcalls' | 'log'> = {
      index,
      kind: ev.kind,
      summary: '',
      ok: true,
      blocks: [],
    };
    if (ev.t !== undefined) r.t = ev.t;
    if (ev.note !== undefined) r.note = ev.note;
    const extraLog: string[] = [];
    const hotplug = (o: HotplugOutcome, what: string): void => {
      r.ok = o.ok;
      if (o.error) r.error = o.error;
      r.blocks = blocksJson(o);
      extraLog.push(...o.log.map((l) => l.text));
      const refused = o.refused ? `, ${o.refused} block${o.refused > 1 ? 's' : ''} refused` : '';
      r.summary =
        o.ok || o.refused
          ? `${what}${o.onlined ? `, ${o.onlined} block${o.onlined > 1 ? 's' : ''} online` : ''}${refused}`
          : `${what} failed: ${o.error}`;
    };
    switch (ev.kind) {
      case 'boot': {
        const b = k.runBoot();
        r.ok = b.platformEnabled;
        r.summary = b.platformEnabled
          ? `boot: TDX platform enabled, global KeyID ${b.globalKeyid}`
          : `boot: TDX not available (${b.reason})`;
        if (!b.platformEnabled) r.errno = '-ENODEV';
        break;
      }
      case 'init': {
        initAttempted = true;
        const cpus = k.cpuEnableAll();
        if (cpus.errno) {
          r.ok = false;
          r.stage = 'cpu-enable';
          r.errno = cpus.errno;
          r.summary = `tdx_cpu_enable failed on CPU ${cpus.lp} (${errnoNumber(cpus.errno)})`;
          break;
        }
        const e = k.enable(mem.memblock);
        observer.onInit?.(
          index,
          e.plan,
          mem.memblock.map((m) => ({ ...m })),
          e.ok,
        );
        r.ok = e.ok;
        if (!e.ok) r.stage = e.stage;
        if (e.errno) r.errno = e.errno;
        if (e.status !== undefined) {
          const d = decodeStatus(e.status);
          r.status = d.hex;
          r.statusName = d.name;
          if (d.detail) r.statusDetail = d.detail;
          const failed = failedTdmrJson(e.plan, e.status, d.name, { ...s.host, memblock: mem.memblock });
          if (failed) r.failedTdmr = failed;
        }
        r.summary = e.ok
          ? `tdx_enable: module initialized (${k.tdmrs.length} TDMRs, ${k.pamtKb} KB PAMT)`
          : e.stage === 'already-failed'
            ? `tdx_enable: the module is in ERROR state since an earlier failure (${errnoNumber(e.errno!)}); no retry until reboot`
            : `tdx_enable failed at ${e.stage} (${errnoNumber(e.errno!)})${r.statusName ? `: ${r.statusName}${r.statusDetail ? ` (${r.statusDetail})` : ''}` : ''}`;
        break;
      }
      case 'hot-add':
        hotplug(
          mem.hotAdd(ev.range.start, ev.range.end, ev.nid, ev.zone, ev.online, k.memlist),
          `hot-add ${rangeText(ev.range)} node ${ev.nid} ${ev.zone === 'movable' ? 'ZONE_MOVABLE' : 'ZONE_NORMAL'}`,
        );
        break;
      case 'hot-remove':
        hotplug(mem.hotRemove(ev.range.start, ev.range.end), `hot-remove ${rangeText(ev.range)}`);
        break;
      case 'online':
        hotplug(mem.online(ev.range.start, ev.range.end, k.memlist), `online ${rangeText(ev.range)}`);
        break;
      case 'offline':
        hotplug(mem.offline(ev.range.start, ev.range.end), `offline ${rangeText(ev.range)}`);
        break;
      case 'cpu-offline':
      case 'cpu-online': {
        const online = ev.kind === 'cpu-online';
        const e = k.setCpuOnline(ev.cpu, online, initAttempted && k.boot?.platformEnabled === true);
        r.ok = e === null;
        if (e) r.errno = e;
        r.summary = `CPU ${ev.cpu} ${online ? 'online' : 'offline'}${e ? `: tdx_cpu_enable failed (${errnoNumber(e)})` : ''}`;
        break;
      }
      case 'inject': {
        const call = k.module.faults.count(ev.leaf) + 1 + ev.skip;
        k.module.faults.add({ leaf: ev.leaf, call, count: ev.count, status: ev.status });
        r.summary = `inject ${ev.statusName} into ${leafDisplayName(ev.leaf)} call${ev.count > 1 ? 's' : ''} #${call}${ev.count > 1 ? `-#${call + ev.count - 1}` : ''}`;
        break;
      }
    }
    if (r.errno) r.errnoValue = errnoNumber(r.errno as Parameters<typeof errnoNumber>[0]);
    const errorLines = k.log
      .slice(logAt)
      .filter((l) => l.level === 'err' || l.level === 'warn')
      .map((l) => l.text);
    if (errorLines.length) r.errorLines = errorLines;
    return {
      ...r,
      moduleState: k.module.state,
      kernelStatus: k.status,
      seamcalls: k.seamcalls.records.slice(scAt),
      log: [...k.log.slice(logAt).map((l) => l.text), ...extraLog],
    };
  };

  const implicitBoot = s.events[0]?.kind !== 'boot';
  if (implicitBoot) k.runBoot();
  const bootLog = implicitBoot ? k.log.map((l) => l.text) : [];
  s.events.forEach((ev, i) => events.push(run(i, ev)));

  observer.onEnd?.(mem);
  const stats = mem.blocks.stats();
  return {
    name: s.name,
    host: s.host.name,
    kernel: s.kernel,
    implicitBoot,
    bootLog,
    events,
    final: {
      outcome: !initAttempted ? 'no-init' : k.status === 'INITIALIZED' ? 'initialized' : 'init-failed',
      moduleState: k.module.state,
      kernelStatus: k.status,
      tdmrCount: k.tdmrs.length,
      pamtKb: k.status === 'INITIALIZED' ? k.pamtKb : null,
      memlist: k.memlist.map((m) => ({ start: hex(m.start), end: hex(m.end), nid: m.nid })),
      memblockRegions: mem.memblock.length,
      blockSize: humanSize(mem.blockSize),
      blocks: stats,
    },
  };
}
