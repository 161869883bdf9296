/**
 * runScenario(): plays a validated scenario event by event against one
 * simulated kernel (KernelTdx + TdxModule) and its hotplug memory, and
 * returns a JSON-serializable, deterministic ScenarioResult.
 */
import { hex, humanSize } from '../format/hex.js';
import { KernelTdx, errnoNumber, type EnableOutcome, type KernelModuleStatus } from '../flow/kernel-tdx.js';
import type { SeamcallRecord } from '../flow/seamcall.js';
import { HotplugMemory, type HotplugOutcome } from '../hotplug/memory.js';
import { leafDisplayName } from '../module/leaves.js';
import type { SysState } from '../module/module.js';
import { decodeStatus, TDMR_INDEX_STATUSES } from '../module/statuses.js';
import type { EventRange, Scenario, ScenarioEvent } from './types.js';
import type { Plan } from '../kernel/construct.js';
import type { LogLevel, LogLine } from '../kernel/log.js';
import { pamtTotal } from '../kernel/pamt.js';
import { nodeOfAddress } from '../format/plan-summary.js';
import type { Host, MemblockRegion } from '../host/types.js';
import { moduleUpdate } from '../flow/module-update.js';
import { staticPamtKb } from '../kernel/pamt.js';
import { TdWorkload, type WorkloadTotals } from '../workload/state.js';
import { DPAMT_BYTES_PER_RANGE, SZ_2M } from '../workload/cost.js';

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
  /** A failed init attempt (tdx_enable, or init at boot): where it stopped (cpu-enable, metadata, tdmrs, config, …). */
  stage?: string;
  /** The lines of `log` the kernel printed at error or warning level. */
  errorLines?: string[];
  moduleState: SysState;
  kernelStatus: KernelModuleStatus;
  seamcalls: SeamcallRecord[];
  log: string[];
  /** The printk level of each line of `log` (same length). */
  logLevels: LogLevel[];
  blocks: BlockChangeJson[];
  /** module-update: the module version before and after, as the kernel read it. */
  update?: { from?: string; to?: string };
  /** td-* events: TDs running after the event, and the 2 MiB ranges given or taken a PAMT page pair. */
  tds?: { running: number; pamtAdd: number; pamtRemove: number };
}

/**
 * TDX memory at one moment (dynamic-pamt.md §3-§5): the PAMT allocated at
 * init, the refcount array and the 4K PAMT added for running TDs under
 * Dynamic PAMT, beside the static PAMT the same TDMRs take without it.
 */
export interface TdxMemoryPoint {
  /** 'none': the module is not initialized, so TDX takes no memory. */
  pamt: 'none' | 'static' | 'dynamic';
  /** The PAMT allocated at init ("KB allocated for PAMT"), KiB. */
  staticKb: number;
  /** The refcount array (4 bytes per 2 MiB up to max_pfn, whole pages), KiB; 0 without Dynamic PAMT. */
  refcountKb: number;
  /** 4K PAMT page pairs added for running TDs, KiB: packed, and at most (scattered pages). */
  dynamicKb: number;
  dynamicMaxKb: number;
  /** staticKb + refcountKb + dynamicKb. */
  totalKb: number;
  /** What the static PAMT of the same TDMRs is without Dynamic PAMT, KiB (= staticKb on a static kernel). */
  staticEquivalentKb: number;
  /** TDs running, and their mapped private memory, bytes. */
  tds: number;
  tdMemoryBytes: number;
}

export interface ScenarioResult {
  name: string;
  host: string;
  kernel: Scenario['kernel'];
  /** Boot happens once, first: from a `boot` event or implicitly. */
  implicitBoot: boolean;
  /** Lines an implicit boot printed (a `boot` event carries its own). */
  bootLog: string[];
  /** The printk level of each line of `bootLog`. */
  bootLogLevels: LogLevel[];
  /** On a kernel that initializes at boot, what init did during an implicit boot (a `boot` event carries its own). */
  bootInit?: BootInitJson;
  events: EventResult[];
  /** TDX memory after boot (`start`) and after each event (`points[i]` belongs to `events[i]`). */
  tdxMemory: { start: TdxMemoryPoint; points: TdxMemoryPoint[] };
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

/** An init attempt's outcome as event fields (status decoded, the TDMR a CONFIG status names). */
function enableFields(
  e: EnableOutcome,
  what: string,
  k: KernelTdx,
  host: Host,
): Pick<EventResult, 'ok' | 'summary' | 'errno' | 'status' | 'statusName' | 'statusDetail' | 'failedTdmr' | 'stage'> {
  const f: ReturnType<typeof enableFields> = { ok: e.ok, summary: '' };
  if (!e.ok) f.stage = e.stage;
  if (e.errno) f.errno = e.errno;
  if (e.status !== undefined) {
    const d = decodeStatus(e.status);
    f.status = d.hex;
    f.statusName = d.name;
    if (d.detail) f.statusDetail = d.detail;
    const failed = failedTdmrJson(e.plan, e.status, d.name, host);
    if (failed) f.failedTdmr = failed;
  }
  f.summary = e.ok
    ? `${what}: module initialized (${k.tdmrs.length} TDMRs, ${k.pamtKb} KB PAMT${k.dpamt.enabled ? ', Dynamic PAMT' : ''})`
    : e.stage === 'already-failed'
      ? `${what}: the module is in ERROR state since an earlier failure (${errnoNumber(e.errno!)}); no retry until reboot`
      : `${what} failed at ${e.stage} (${errnoNumber(e.errno!)})${f.statusName ? `: ${f.statusName}${f.statusDetail ? ` (${f.statusDetail})` : ''}` : ''}`;
  return f;
}

/** What init at boot did when boot was implicit (no `boot` event carries it). */
export type BootInitJson = ReturnType<typeof enableFields> & { stage: string; errorLines?: string[] };

function kb(bytes: number): number {
  return bytes / 1024;
}

/**
 * Lets an analysis see what the result JSON leaves out: the kernel's own
 * TDMR plan at each init attempt (index -1: init at an implicit boot) and
 * the memory as it was then, and the hotplug memory at the end (every
 * block's final state).
 */
export interface ScenarioObserver {
  onInit?(eventIndex: number, plan: Plan | undefined, memblock: readonly MemblockRegion[], ok: boolean): void;
  onEnd?(memory: HotplugMemory): void;
}

export function runScenario(s: Scenario, observer: ScenarioObserver = {}): ScenarioResult {
  const k = new KernelTdx(s.host, s.kernel, { moduleLoaded: s.moduleLoaded, metadata: s.metadata });
  const mem = new HotplugMemory(s.host);
  const work = new TdWorkload(s.tds ?? []);
  const events: EventResult[] = [];
  let initAttempted = false;
  const initAtBoot = k.profile.initAt === 'boot';

  const tdxBytes = (): number => k.memlist.reduce((a, m) => a + m.end - m.start, 0);
  const point = (w: WorkloadTotals = work.totals()): TdxMemoryPoint => {
    const up = k.status === 'INITIALIZED' || (k.memlist.length > 0 && k.tdmrs.length > 0);
    if (!up)
      return {
        pamt: 'none',
        staticKb: 0,
        refcountKb: 0,
        dynamicKb: 0,
        dynamicMaxKb: 0,
        totalKb: 0,
        staticEquivalentKb: 0,
        tds: w.tds,
        tdMemoryBytes: w.memoryBytes,
      };
    const dyn = k.dpamt.enabled;
    const refcountKb = dyn && k.dpamt.refcount ? k.dpamt.refcount.pages * 4 : 0;
    const dynamicKb = dyn ? kb(w.dynamicBytes) : 0;
    // Scattered pages cannot use more 2 MiB ranges than TDX memory has.
    const maxRanges = Math.ceil(tdxBytes() / SZ_2M);
    const dynamicMaxKb = dyn ? kb(Math.min(w.scatteredBytes, maxRanges * DPAMT_BYTES_PER_RANGE)) : 0;
    return {
      pamt: dyn ? 'dynamic' : 'static',
      staticKb: k.pamtKb,
      refcountKb,
      dynamicKb,
      dynamicMaxKb,
      totalKb: k.pamtKb + refcountKb + dynamicKb,
      staticEquivalentKb: dyn ? staticPamtKb(k.tdmrs, s.host.module.pamt_entry_size) : k.pamtKb,
      tds: w.tds,
      tdMemoryBytes: w.memoryBytes,
    };
  };
  const points: TdxMemoryPoint[] = [];

  const run = (index: number, ev: ScenarioEvent): EventResult => {
    const logAt = k.log.length;
    const scAt = k.seamcalls.records.length;
    const r: Omit<EventResult, 'moduleState' | 'kernelStatus' | 'seamcalls' | 'log' | 'logLevels'> = {
      index,
      kind: ev.kind,
      summary: '',
      ok: true,
      blocks: [],
    };
    if (ev.t !== undefined) r.t = ev.t;
    if (ev.note !== undefined) r.note = ev.note;
    const extraLog: LogLine[] = [];
    const hotplug = (o: HotplugOutcome, what: string): void => {
      r.ok = o.ok;
      if (o.error) r.error = o.error;
      r.blocks = blocksJson(o);
      extraLog.push(...o.log);
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
        if (k.bootEnable) {
          observer.onInit?.(index, k.bootEnable.plan, mem.memblock, k.bootEnable.ok);
          const f = enableFields(k.bootEnable, 'init at boot', k, s.host);
          Object.assign(r, f, { summary: `${r.summary}; ${f.summary}` });
        }
        break;
      }
      case 'init': {
        if (initAtBoot) {
          // A documented no-op: this kernel initialized the module at boot; KVM loading only uses it.
          r.ok = k.status === 'INITIALIZED';
          r.summary =
            k.status === 'INITIALIZED'
              ? `KVM loads: nothing to initialize, the ${s.kernel} kernel initialized the TDX module at boot`
              : `KVM loads: the TDX module failed to initialize at boot (${k.bootEnable?.errno ? errnoNumber(k.bootEnable.errno) : 'not attempted'}); KVM cannot use TDX, and nothing retries before reboot`;
          break;
        }
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
        Object.assign(r, enableFields(e, 'tdx_enable', k, { ...s.host, memblock: mem.memblock }));
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
        // The CPU hotplug callback exists once TDX is enabled: after KVM loaded it, or after init at boot succeeded.
        const enabled = initAtBoot ? k.status === 'INITIALIZED' : initAttempted && k.boot?.platformEnabled === true;
        const e = k.setCpuOnline(ev.cpu, online, enabled);
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
      case 'module-update': {
        const u = moduleUpdate(k, ev.version, ev.tdxFeatures0);
        r.ok = u.ok;
        if (u.errno) r.errno = u.errno;
        if (u.status !== undefined) {
          const d = decodeStatus(u.status);
          r.status = d.hex;
          r.statusName = d.name;
          if (d.detail) r.statusDetail = d.detail;
        }
        r.update = {};
        if (u.from !== undefined) r.update.from = u.from;
        if (u.to !== undefined) r.update.to = u.to;
        const keep = `TDX memory unchanged: the same ${k.tdmrs.length} TDMRs and ${k.pamtKb} KB of PAMT, handed over to the new module`;
        r.summary = u.ok
          ? `module update ${u.from ?? '?'} -> ${u.to ?? ev.version}: ${keep}; ${work.running()} TD${work.running() === 1 ? '' : 's'} kept running`
          : `module update to ${ev.version} failed at ${u.stage}${r.statusName ? `: ${r.statusName}` : ''}: ${u.detail}`;
        break;
      }
      case 'td-create':
      case 'td-destroy':
      case 'td-memory': {
        const g = work.group(ev.td);
        const before = work.totals();
        const running = work.running(ev.td);
        const ready = k.status === 'INITIALIZED' && k.module.allTdmrsInitialized();
        const next =
          ev.kind === 'td-create'
            ? work.afterCreate(ev.td, ev.count, ev.assigned)
            : ev.kind === 'td-destroy'
              ? work.afterDestroy(ev.td, ev.count)
              : work.afterAssign(ev.td, ev.assigned);
        const after = work.totalsWith({ group: ev.td, tds: next });
        const what =
          ev.kind === 'td-create'
            ? `create ${ev.count} × ${g.name} (${humanSize(ev.assigned)} mapped of ${humanSize(g.memory)}, ${g.page4kPercent}% at 4 KiB, ${g.vcpus} vCPU${g.vcpus === 1 ? '' : 's'})`
            : ev.kind === 'td-destroy'
              ? `destroy ${running - next.length} × ${g.name}`
              : `map ${humanSize(ev.assigned)} in each of ${running} × ${g.name}`;
        const fail = (errno: string, why: string): void => {
          r.ok = false;
          r.errno = errno;
          r.summary = `${what} failed: ${why}`;
        };
        const dyn = k.dpamt.enabled;
        const free = tdxBytes() - k.pamtKb * 1024 - (dyn && k.dpamt.refcount ? k.dpamt.refcount.pages * 4096 : 0);
        if (ev.kind !== 'td-destroy' && !ready)
          fail('-ENODEV', 'the TDX module is not initialized, so KVM cannot run TDs');
        else if (ev.kind === 'td-create' && running + ev.count > g.count)
          fail('-EINVAL', `the group allows ${g.count} TDs and ${running} are running`);
        else if (ev.kind === 'td-create' && after.tds > (k.boot?.nrGuestKeyids ?? 0))
          fail('-ENOSPC', `no free private KeyID: ${k.boot?.nrGuestKeyids ?? 0} KeyIDs for TDs`);
        else if (after.memoryBytes + (dyn ? after.dynamicBytes : 0) > free)
          fail(
            '-ENOMEM',
            `TDs would need ${humanSize(after.memoryBytes)}${dyn ? ` + ${humanSize(after.dynamicBytes)} of 4K PAMT` : ''}, TDX memory has ${humanSize(Math.max(0, free))} after the PAMT`,
          );
        else {
          work.apply(ev.td, next);
          const add = dyn ? Math.max(0, after.ranges - before.ranges) : 0;
          const remove = dyn ? Math.max(0, before.ranges - after.ranges) : 0;
          r.tds = { running: after.tds, pamtAdd: add, pamtRemove: remove };
          const pamt = dyn
            ? add
              ? `; TDH.PHYMEM.PAMT.ADD on ${add} 2 MiB ranges (+${humanSize(add * DPAMT_BYTES_PER_RANGE)})`
              : remove
                ? `; TDH.PHYMEM.PAMT.REMOVE on ${remove} 2 MiB ranges (-${humanSize(remove * DPAMT_BYTES_PER_RANGE)})`
                : ''
            : '';
          r.summary = `${what}: ${after.tds} TD${after.tds === 1 ? '' : 's'} running, ${humanSize(after.memoryBytes)} mapped${pamt}`;
        }
        break;
      }
    }
    if (r.errno) r.errnoValue = errnoNumber(r.errno as Parameters<typeof errnoNumber>[0]);
    const errorLines = k.log
      .slice(logAt)
      .filter((l) => l.level === 'err' || l.level === 'warn')
      .map((l) => l.text);
    if (errorLines.length) r.errorLines = errorLines;
    points.push(point());
    return {
      ...r,
      moduleState: k.module.state,
      kernelStatus: k.status,
      seamcalls: k.seamcalls.records.slice(scAt),
      log: [...k.log.slice(logAt), ...extraLog].map((l) => l.text),
      logLevels: [...k.log.slice(logAt), ...extraLog].map((l) => l.level),
    };
  };

  const implicitBoot = s.events[0]?.kind !== 'boot';
  if (implicitBoot) k.runBoot();
  const bootLog = implicitBoot ? k.log.map((l) => l.text) : [];
  const bootLogLevels = implicitBoot ? k.log.map((l) => l.level) : [];
  const bootErrors = k.log.filter((l) => l.level === 'err' || l.level === 'warn').map((l) => l.text);
  const bootInit: BootInitJson | undefined =
    implicitBoot && k.bootEnable
      ? {
          ...enableFields(k.bootEnable, 'init at boot', k, s.host),
          stage: k.bootEnable.stage,
          ...(bootErrors.length && { errorLines: bootErrors }),
        }
      : undefined;
  if (implicitBoot && k.bootEnable)
    observer.onInit?.(
      -1,
      k.bootEnable.plan,
      mem.memblock.map((m) => ({ ...m })),
      k.bootEnable.ok,
    );
  const start = point();
  s.events.forEach((ev, i) => events.push(run(i, ev)));
  // On a kernel that initializes at boot, boot was the init attempt.
  if (initAtBoot && k.bootEnable) initAttempted = true;

  observer.onEnd?.(mem);
  const stats = mem.blocks.stats();
  return {
    name: s.name,
    host: s.host.name,
    kernel: s.kernel,
    implicitBoot,
    bootLog,
    bootLogLevels,
    ...(bootInit ? { bootInit } : {}),
    events,
    tdxMemory: { start, points },
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
