/**
 * Settings and commands that fixes name, in one place: the readiness
 * checklist (main/probe/checklist.ts) and the finding rules word them alike.
 */

/** Where the TDX settings live in the BIOS setup of Intel server boards. */
export const BIOS_TDX = 'BIOS: Socket Configuration > Processor Configuration';

export const BIOS_ENABLE_TDX = `${BIOS_TDX}: enable TDX, SEAM Loader, TME-MT and a non-zero TME-MT/TDX key split`;

export const MODULE_UPDATE =
  'update the BIOS to one with a TDX 1.5+ module, or install a newer module (intel-tdx-module) in /lib/firmware/intel-seam/';

export const KERNEL_CMDLINE =
  'add "kvm_intel.tdx=1 nohibernate" to GRUB_CMDLINE_LINUX_DEFAULT in /etc/default/grub, run update-grub, reboot';
