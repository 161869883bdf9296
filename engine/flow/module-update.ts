/**
 * Runtime TDX module update (mainline seamldr.c seamldr_install_module and
 * tdx.c tdx_module_shutdown / tdx_module_run_update), as the tdx_host
 * device's firmware upload triggers it. Under stop_machine every online CPU
 * walks the same steps: CPU 0 reads the handoff version and shuts the module
 * down (TDH.SYS.SHUTDOWN); every CPU has P-SEAMLDR install the new module;
 * every CPU runs tdx_cpu_enable() again (TDH.SYS.INIT once, TDH.SYS.LP.INIT);
 * CPU 0 runs TDH.SYS.UPDATE and re-reads the version.
 *
 * What happens to TDX memory: nothing. The new module imports the handoff
 * data (TDMRs, PAMTs, the global KeyID, Dynamic PAMT state), so there is no
 * TDH.SYS.CONFIG, KEY.CONFIG or TDMR.INIT, no new "KB allocated for PAMT"
 * line, and the TDX memory list the notifier checks is the one built at boot:
 * memory hot-added since boot stays outside TDX after the update too.
 */
import { TDX_FEATURES0_TD_PRESERVING, hasFeature } from '../module/leaves.js';
import { TdxModule } from '../module/module.js';
import { moduleParamsFromHost } from '../module/params.js';
import type { KernelTdx } from './kernel-tdx.js';
import type { Errno } from './seamcall.js';

export type ModuleUpdateStage =
  'not-initialized' | 'not-supported' | 'handoff' | 'shutdown' | 'cpu-init' | 'update' | 'done';

export interface ModuleUpdateOutcome {
  ok: boolean;
  stage: ModuleUpdateStage;
  errno: Errno | null;
  status?: bigint;
  /** Module versions before and after ("1.5.20"), as the kernel read them. */
  from?: string;
  to?: string;
  /** Human sentence for the event summary. */
  detail: string;
}

export function moduleUpdate(k: KernelTdx, version: string, tdxFeatures0?: number): ModuleUpdateOutcome {
  const from = k.moduleVersion;
  if (k.status !== 'INITIALIZED')
    return {
      ok: false,
      stage: 'not-initialized',
      errno: '-ENODEV',
      from,
      detail: 'no tdx_host device: it exists only once the TDX module is initialized',
    };
  // tdx_host registers its firmware upload only when the module supports TD-preserving update.
  if (!hasFeature(k.features0, TDX_FEATURES0_TD_PRESERVING))
    return {
      ok: false,
      stage: 'not-supported',
      errno: null,
      from,
      detail:
        'tdx_host offers no update: the module does not support runtime update (TDX_FEATURES0 bit 1, TD-preserving, is clear)',
    };

  const lp0 = 0;
  // tdx_module_shutdown(): the handoff version first; without it the kernel refuses to shut down.
  const hv = k.readField(lp0, 'MODULE_HV');
  if (hv.errno)
    return {
      ok: false,
      stage: 'handoff',
      errno: hv.errno,
      status: hv.status,
      from,
      detail: 'the handoff version could not be read',
    };
  const sd = k.seamcalls.call(
    'TDH_SYS_SHUTDOWN',
    lp0,
    { rcx: BigInt(hv.value) },
    () => k.module.shutdown(hv.value),
    false,
  );
  if (sd.errno)
    return {
      ok: false,
      stage: 'shutdown',
      errno: sd.errno,
      status: sd.status,
      from,
      detail: 'TDH.SYS.SHUTDOWN failed; the old module keeps running',
    };
  k.resetModuleState();

  // P-SEAMLDR installs the new module on every CPU (a P-SEAMLDR call, not a TDX-module leaf; not modelled to fail).
  const old = k.module;
  const host = {
    ...k.host,
    module: {
      ...k.host.module,
      version,
      ...(tdxFeatures0 !== undefined ? { tdx_features0: tdxFeatures0 } : {}),
    },
  };
  k.module = new TdxModule(moduleParamsFromHost(host), { injector: old.faults, handoff: old.handoff });

  const cpus = k.cpuEnableAll();
  if (cpus.errno)
    return {
      ok: false,
      stage: 'cpu-init',
      errno: cpus.errno,
      from,
      detail: `CPU ${cpus.lp} could not initialize the new module: TDX is unusable until reboot`,
    };
  const up = k.seamcalls.call('TDH_SYS_UPDATE', lp0, {}, () => k.module.sysUpdate(), false);
  if (up.errno)
    return {
      ok: false,
      stage: 'update',
      errno: up.errno,
      status: up.status,
      from,
      detail: 'TDH.SYS.UPDATE failed: the new module did not take over; TDX is unusable until reboot',
    };
  // The version is re-read; a failure there only WARNs (tdx_module_run_update).
  k.readVersion(lp0);
  k.status = 'INITIALIZED';
  return { ok: true, stage: 'done', errno: null, from, to: k.moduleVersion, detail: 'updated' };
}
