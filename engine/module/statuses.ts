/**
 * TDX module completion statuses (64-bit, bigint): the values of
 * intel/tdx-module include/auto_gen/tdx_error_codes_defs.h that host-side
 * initialization can return, the kernel's software-defined statuses for a
 * faulting SEAMCALL (kernel-flow.md §4), and the detail-bit composition the
 * module uses (api_error_with_operand_id / api_error_with_multiple_info).
 */
import { hex64 } from '../format/hex.js';

export const STATUS = {
  TDX_SUCCESS: 0x0000000000000000n,
  TDX_OPERAND_INVALID: 0xc000010000000000n,
  TDX_OPERAND_BUSY: 0x8000020000000000n,
  TDX_SYS_BUSY: 0x8000020200000000n,
  TDX_RND_NO_ENTROPY: 0x8000020300000000n,
  TDX_SYS_INIT_NOT_PENDING: 0xc000050000000000n,
  TDX_SYS_LP_INIT_NOT_DONE: 0xc000050200000000n,
  TDX_SYS_LP_INIT_DONE: 0xc000050300000000n,
  TDX_SYS_NOT_READY: 0xc000050500000000n,
  TDX_SYS_SHUTDOWN: 0xc000050600000000n,
  TDX_SYS_KEY_CONFIG_NOT_PENDING: 0xc000050700000000n,
  TDX_SYS_STATE_INCORRECT: 0xc000050800000000n,
  TDX_SYS_INVALID_HANDOFF: 0xc000050900000000n,
  TDX_SYS_LP_INIT_NOT_PENDING: 0xc000050b00000000n,
  TDX_SYS_CONFIG_NOT_PENDING: 0xc000050c00000000n,
  TDX_KEY_GENERATION_FAILED: 0x8000080000000000n,
  TDX_KEY_CONFIGURED: 0x0000081500000000n,
  TDX_METADATA_FIELD_ID_INCORRECT: 0xc0000c0000000000n,
  TDX_INVALID_TDMR: 0xc0000a0000000000n,
  TDX_NON_ORDERED_TDMR: 0xc0000a0100000000n,
  TDX_TDMR_OUTSIDE_CMRS: 0xc0000a0200000000n,
  TDX_TDMR_ALREADY_INITIALIZED: 0x00000a0300000000n,
  TDX_INVALID_PAMT: 0xc0000a1000000000n,
  TDX_PAMT_OUTSIDE_CMRS: 0xc0000a1100000000n,
  TDX_PAMT_OVERLAP: 0xc0000a1200000000n,
  TDX_INVALID_RESERVED_IN_TDMR: 0xc0000a2000000000n,
  TDX_NON_ORDERED_RESERVED_IN_TDMR: 0xc0000a2100000000n,
  TDX_CMR_LIST_INVALID: 0xc0000a2200000000n,
  // Software-defined by the kernel when the SEAMCALL instruction itself faults (§4).
  TDX_SW_ERROR: 0x8000ff0000000000n,
  TDX_SEAMCALL_VMFAILINVALID: 0x8000ff00ffff0000n,
  TDX_SEAMCALL_GP: 0x8000ff000000000dn,
  TDX_SEAMCALL_UD: 0x8000ff0000000006n,
} as const;

export type StatusName = keyof typeof STATUS;
export const STATUS_NAMES = Object.keys(STATUS) as StatusName[];

/**
 * TDH.SYS.CONFIG statuses whose first detail byte is the failing TDMR's
 * index (config-checks.ts puts it there with withInfo; tdx-module.md, the
 * check order).
 */
export const TDMR_INDEX_STATUSES: ReadonlySet<string> = new Set<StatusName>([
  'TDX_INVALID_TDMR',
  'TDX_NON_ORDERED_TDMR',
  'TDX_TDMR_OUTSIDE_CMRS',
  'TDX_INVALID_PAMT',
  'TDX_PAMT_OUTSIDE_CMRS',
  'TDX_PAMT_OVERLAP',
  'TDX_INVALID_RESERVED_IN_TDMR',
  'TDX_NON_ORDERED_RESERVED_IN_TDMR',
]);

/** Register operand ids the module puts in the detail bits (OPERAND_ID_*). */
export const OPERAND_ID = { RAX: 0n, RCX: 1n, RDX: 2n, R8: 8n } as const;

/** page_size_t as the module encodes it in PAMT statuses. */
export const PT = { '4k': 0, '2m': 1, '1g': 2 } as const;
export const PT_NAMES = ['4K', '2M', '1G'];

/** api_error_with_operand_id(): status + operand id in the low bits. */
export function withOperand(status: bigint, operand: bigint): bigint {
  return status + operand;
}

/** api_error_with_multiple_info(): four bytes of detail in bits 31:0. */
export function withInfo(status: bigint, i0: number, i1 = 0, i2 = 0, i3 = 0): bigint {
  return (
    status + BigInt(i0 & 0xff) + (BigInt(i1 & 0xff) << 8n) + (BigInt(i2 & 0xff) << 16n) + (BigInt(i3 & 0xff) << 24n)
  );
}

export function isSuccess(status: bigint): boolean {
  return status === 0n;
}

/** Bit 63: the call failed (statuses with it clear, like TDX_KEY_CONFIGURED, are warnings). */
export function isError(status: bigint): boolean {
  return status >> 63n === 1n;
}

const SW_ERRORS: StatusName[] = ['TDX_SEAMCALL_VMFAILINVALID', 'TDX_SEAMCALL_GP', 'TDX_SEAMCALL_UD'];
const BY_CLASS = new Map<bigint, StatusName>();
for (const name of STATUS_NAMES) {
  if (SW_ERRORS.includes(name) || name === 'TDX_SW_ERROR') continue;
  BY_CLASS.set(STATUS[name], name);
}

/** The named base status (bits 63:32) of a status, or undefined if unknown. */
export function statusName(status: bigint): StatusName | undefined {
  for (const n of SW_ERRORS) if (STATUS[n] === status) return n;
  return BY_CLASS.get(status & 0xffffffff00000000n);
}

export interface DecodedStatus {
  hex: string;
  name: string;
  /** Human detail: operand, TDMR index, page size, other index. */
  detail?: string;
}

/**
 * The detail operands of a status, from its bits (never from display text):
 * api_error_with_multiple_info packs TDMR index, page size, other index or
 * reserved-area index into bytes 0-3; api_error_with_operand_id puts a
 * register operand id in the low bits.
 */
export interface StatusFields {
  tdmr?: number;
  /** '4K', '2M' or '1G' (a number the module never encodes is kept as it is). */
  pageSize?: string;
  otherTdmr?: number;
  reservedArea?: number;
  cmr?: number;
  operand?: string;
}

type FieldLayout = (b: number[]) => StatusFields;
const pageSize = (b: number): string => PT_NAMES[b] ?? String(b);
const CONFIG_FIELDS: Partial<Record<StatusName, FieldLayout>> = {
  TDX_INVALID_TDMR: (b) => ({ tdmr: b[0] }),
  TDX_NON_ORDERED_TDMR: (b) => ({ tdmr: b[0] }),
  TDX_TDMR_OUTSIDE_CMRS: (b) => ({ tdmr: b[0] }),
  TDX_INVALID_PAMT: (b) => ({ tdmr: b[0], pageSize: pageSize(b[1]) }),
  TDX_PAMT_OUTSIDE_CMRS: (b) => ({ tdmr: b[0], pageSize: pageSize(b[1]) }),
  TDX_PAMT_OVERLAP: (b) => ({ tdmr: b[0], pageSize: pageSize(b[1]), otherTdmr: b[2] }),
  TDX_INVALID_RESERVED_IN_TDMR: (b) => ({ tdmr: b[0], reservedArea: b[1] }),
  TDX_NON_ORDERED_RESERVED_IN_TDMR: (b) => ({ tdmr: b[0], reservedArea: b[1] }),
  TDX_CMR_LIST_INVALID: (b) => ({ cmr: b[0] }),
};
const OPERAND_NAMES: Record<number, string> = { 0: 'RAX', 1: 'RCX', 2: 'RDX', 8: 'R8' };

/** The detail operands of a status; {} when it carries none. */
export function statusFields(status: bigint): StatusFields {
  const name = statusName(status);
  if (!name || SW_ERRORS.includes(name)) return {};
  const low = Number(status & 0xffffffffn);
  if (low === 0) return {};
  const bytes = [low & 0xff, (low >> 8) & 0xff, (low >> 16) & 0xff, (low >>> 24) & 0xff];
  const f = CONFIG_FIELDS[name];
  return f ? f(bytes) : { operand: OPERAND_NAMES[low] ?? String(low) };
}

function detailText(f: StatusFields): string | undefined {
  const parts: string[] = [];
  if (f.cmr !== undefined) parts.push(`CMR ${f.cmr}`);
  if (f.tdmr !== undefined) parts.push(`TDMR ${f.tdmr}`);
  if (f.pageSize !== undefined) parts.push(`PAMT ${f.pageSize}`);
  if (f.otherTdmr !== undefined) parts.push(`other TDMR ${f.otherTdmr}`);
  if (f.reservedArea !== undefined) parts.push(`reserved area ${f.reservedArea}`);
  if (f.operand !== undefined) parts.push(`operand ${f.operand}`);
  return parts.length ? parts.join(', ') : undefined;
}

/** Name and decoded detail bits, for every place a user sees a status. */
export function decodeStatus(status: bigint): DecodedStatus {
  const name = statusName(status);
  const out: DecodedStatus = { hex: hex64(status), name: name ?? 'unknown status' };
  const detail = detailText(statusFields(status));
  if (detail) out.detail = detail;
  return out;
}

/** "0x... (NAME: detail)" as the lab prints a status. */
export function describeStatus(status: bigint): string {
  const d = decodeStatus(status);
  return `${d.hex} (${d.name}${d.detail ? `: ${d.detail}` : ''})`;
}

/** Statuses a scenario may name in an `inject` event. */
export function parseStatusName(s: string): bigint | undefined {
  return (STATUS as Record<string, bigint>)[s];
}
