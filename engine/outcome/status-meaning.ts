/**
 * What a module status means for someone reading a failed init, for the
 * statuses host-side initialization can return (tdx-module.md).
 */
const MEANING: Record<string, string> = {
  TDX_SYS_CONFIG_NOT_PENDING: 'The module accepts TDH.SYS.CONFIG only once every logical CPU has run TDH.SYS.LP.INIT.',
  TDX_SYS_LP_INIT_NOT_DONE: 'This CPU has not run TDH.SYS.LP.INIT yet.',
  TDX_SYS_NOT_READY: 'The module is not in the state this call needs (an earlier step failed or was skipped).',
  TDX_SYS_KEY_CONFIG_NOT_PENDING:
    'TDH.SYS.KEY.CONFIG ran on a package that already configured its key, or before TDH.SYS.CONFIG.',
  TDX_KEY_GENERATION_FAILED: 'The CPU could not generate the global key (PCONFIG failed).',
  TDX_RND_NO_ENTROPY: "The CPU's random number generator ran out of entropy on every attempt the kernel made.",
  TDX_INVALID_TDMR: 'A TDMR is misaligned, empty, beyond the physical address width or has KeyID bits set.',
  TDX_NON_ORDERED_TDMR: 'The TDMRs are not sorted by address, or overlap.',
  TDX_INVALID_PAMT: 'A PAMT is misaligned, too small for its TDMR, or beyond the physical address width.',
  TDX_PAMT_OVERLAP: 'A PAMT overlaps another PAMT or the available memory of a TDMR.',
  TDX_INVALID_RESERVED_IN_TDMR: 'A reserved area is misaligned or outside its TDMR.',
  TDX_NON_ORDERED_RESERVED_IN_TDMR: 'The reserved areas of a TDMR are not sorted or overlap.',
  TDX_CMR_LIST_INVALID: 'The CMR list the firmware handed the module is invalid.',
  TDX_OPERAND_INVALID: 'An operand of the call was rejected.',
  TDX_OPERAND_BUSY: 'A resource the call needs was busy.',
  TDX_SYS_BUSY: 'Another host-side call was running.',
  TDX_SYS_SHUTDOWN: 'The module has been shut down.',
  TDX_METADATA_FIELD_ID_INCORRECT: 'The module does not know the metadata field the kernel asked for.',
};

export function statusMeaning(name: string): string {
  return MEANING[name] ?? '';
}
