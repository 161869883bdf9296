/**
 * Mainline's tdx_host device (drivers/virt/coco/tdx-host/tdx-host.c): a
 * faux device, so /sys/devices/faux/tdx_host (also /sys/bus/faux/devices/
 * tdx_host). It exists only once the TDX module is initialized (the driver
 * refuses to load otherwise). Attributes:
 * - `version`: the module's version, TDX_VERSION_FMT ("1.5.20");
 * - `seamldr_version`, `num_remaining_updates`: the P-SEAMLDR's, root-only,
 *   and present only when the module supports runtime update (and the CPU
 *   lacks the SEAMRET VMCS erratum); the update itself is a firmware upload
 *   at /sys/class/firmware/tdx_module.
 */
import type { SysRoot } from './sysfs-read.js';

export const TDX_HOST_DIR = 'sys/devices/faux/tdx_host';
export const TDX_MODULE_FW_UPLOAD = 'sys/class/firmware/tdx_module';

export interface TdxHostDevice {
  /** The device directory as read. */
  path: string;
  /** The module version from `version` ("1.5.20"). */
  version?: string;
  seamldrVersion?: string;
  numRemainingUpdates?: number;
  /** Whether a runtime module update can be made now, or undefined when that cannot be told. */
  updatePossible?: boolean;
  /** Why, in words. */
  update: string;
}

const VERSION = /^\d+\.\d+\.\d+$/;

export function readTdxHost(sys: SysRoot, missing: { fact: string; why: string }[]): TdxHostDevice | undefined {
  const dir = sys.dir(TDX_HOST_DIR, { quiet: true });
  if (!dir.ok) {
    missing.push({
      fact: 'tdx_host device',
      why:
        dir.why === 'not present'
          ? `/${TDX_HOST_DIR}: not present (kernels that initialize TDX at KVM load have no tdx_host device; mainline creates it once the module is initialized)`
          : `/${TDX_HOST_DIR}: ${dir.why}`,
    });
    return undefined;
  }
  const dev: TdxHostDevice = { path: `/${TDX_HOST_DIR}`, update: '' };
  const has = new Set(dir.value);
  const v = sys.text(`${TDX_HOST_DIR}/version`, 'TDX module version (tdx_host)', { quiet: true });
  if (v.ok && VERSION.test(v.value.trim())) dev.version = v.value.trim();
  else
    missing.push({ fact: 'TDX module version (tdx_host)', why: v.ok ? `unexpected text "${v.value.trim()}"` : v.why });

  if (!has.has('seamldr_version') && !has.has('num_remaining_updates')) {
    dev.updatePossible = false;
    dev.update =
      'no runtime update: tdx_host shows no P-SEAMLDR attributes (the module does not support TD-preserving update, or the CPU has the SEAMRET VMCS erratum)';
    return dev;
  }
  const sl = sys.text(`${TDX_HOST_DIR}/seamldr_version`, 'P-SEAMLDR version (tdx_host)', { quiet: true });
  if (sl.ok && VERSION.test(sl.value.trim())) dev.seamldrVersion = sl.value.trim();
  const n = sys.text(`${TDX_HOST_DIR}/num_remaining_updates`, 'remaining module updates (tdx_host)', { quiet: true });
  if (n.ok && /^\d+$/.test(n.value.trim())) dev.numRemainingUpdates = Number(n.value.trim());
  const upload = sys.dir(TDX_MODULE_FW_UPLOAD, { quiet: true }).ok;
  if (dev.numRemainingUpdates === undefined) {
    const why = n.ok ? `unexpected text "${n.value.trim()}"` : n.why;
    missing.push({
      fact: 'remaining module updates (tdx_host)',
      why: `/${TDX_HOST_DIR}/num_remaining_updates: ${why}`,
    });
    dev.update = `the module supports runtime update; whether one is left cannot be told (num_remaining_updates: ${why})`;
  } else if (dev.numRemainingUpdates === 0) {
    dev.updatePossible = false;
    dev.update = 'the P-SEAMLDR has no updates left (num_remaining_updates 0): the next module needs a reboot';
  } else {
    dev.updatePossible = true;
    dev.update = `runtime update possible: ${dev.numRemainingUpdates} left; write the module to /${TDX_MODULE_FW_UPLOAD}${upload ? '' : ' (not visible in this tree)'}`;
  }
  return dev;
}
