import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  PT,
  STATUS,
  decodeStatus,
  describeStatus,
  isError,
  statusName,
  withInfo,
  withOperand,
} from '../../engine/module/statuses.js';

test('status values are the module header values', () => {
  assert.equal(STATUS.TDX_RND_NO_ENTROPY, 0x8000020300000000n);
  assert.equal(STATUS.TDX_TDMR_OUTSIDE_CMRS, 0xc0000a0200000000n);
  assert.equal(STATUS.TDX_PAMT_OUTSIDE_CMRS, 0xc0000a1100000000n);
  assert.equal(STATUS.TDX_SYS_NOT_READY, 0xc000050500000000n);
  assert.equal(STATUS.TDX_SEAMCALL_VMFAILINVALID, 0x8000ff00ffff0000n);
  assert.equal(STATUS.TDX_SEAMCALL_GP, 0x8000ff000000000dn);
  assert.equal(STATUS.TDX_SEAMCALL_UD, 0x8000ff0000000006n);
});

test('api_error_with_multiple_info packs four detail bytes', () => {
  assert.equal(withInfo(STATUS.TDX_PAMT_OVERLAP, 3, PT['2m'], 1), 0xc0000a1200010103n);
  assert.equal(withInfo(STATUS.TDX_NON_ORDERED_RESERVED_IN_TDMR, 2, 5), 0xc0000a2100000502n);
  assert.equal(withOperand(STATUS.TDX_OPERAND_INVALID, 8n), 0xc000010000000008n);
});

test('decoding names the status and its detail', () => {
  assert.deepEqual(decodeStatus(0xc0000a1100000202n), {
    hex: '0xc0000a1100000202',
    name: 'TDX_PAMT_OUTSIDE_CMRS',
    detail: 'TDMR 2, PAMT 1G',
  });
  assert.equal(
    describeStatus(0xc0000a1200010103n),
    '0xc0000a1200010103 (TDX_PAMT_OVERLAP: TDMR 3, PAMT 2M, other TDMR 1)',
  );
  assert.equal(decodeStatus(0xc000010000000001n).detail, 'operand RCX');
  assert.equal(statusName(STATUS.TDX_SEAMCALL_GP), 'TDX_SEAMCALL_GP');
  assert.equal(statusName(0xc0ffee0000000000n), undefined);
  assert.equal(isError(STATUS.TDX_KEY_CONFIGURED), false);
  assert.equal(isError(STATUS.TDX_TDMR_OUTSIDE_CMRS), true);
});
