/**
 * A TD workload (docs/scenarios.md "tds"): groups of identical TDs, each with
 * its memory, the share of it mapped at 4 KiB, and its vCPUs. After
 * validation; sizes are exact bytes.
 */

/** One group of identical TDs. */
export interface TdGroup {
  name: string;
  /** How many TDs of this kind the workload may run. */
  count: number;
  /** Private memory per TD, bytes (a multiple of 4 KiB). */
  memory: number;
  /** Percent of each TD's memory mapped with 4 KiB pages; the rest uses 2 MiB pages. */
  page4kPercent: number;
  vcpus: number;
  /** TDCS pages per TD (the module's TDCS_BASE_SIZE / 4 KiB). */
  tdcsPages: number;
  /** TDVPS pages per vCPU: one TDVPR plus the TDCX pages (TDVPS_BASE_SIZE / 4 KiB). */
  tdvpsPages: number;
}

/**
 * Defaults when a group does not say: upstream KVM maps TD private memory
 * only at 4 KiB (dynamic-pamt.md §5: a KVM_BUG_ON guards it; 2 MiB mappings
 * are a posted series), and the TDX 1.5 module's minimum TDCS and TDVPS
 * sizes without L2 VMs (MIN_NUM_TDCS_PAGES = 6, MIN_TDVPS_PAGES = 6 in
 * intel/tdx-module).
 */
export const TD_DEFAULTS = { page4kPercent: 100, vcpus: 1, tdcsPages: 6, tdvpsPages: 6 } as const;
