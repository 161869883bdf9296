/**
 * TDH.SYS.CONFIG: every check's status with its detail bits, produced by a
 * TDMR_INFO array that should produce it, and the argument checks.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SZ_1G } from '../../engine/format/hex.js';
import { TdxModule } from '../../engine/module/module.js';
import { PT, STATUS, withInfo, withOperand } from '../../engine/module/statuses.js';
import type { TdmrInfo } from '../../engine/module/tdmr-info.js';
import { params, tdmr } from './helpers.js';
import type { ModuleParams } from '../../engine/module/params.js';

const RSVD = [{ offset: 0, size: 0x4000000 }];

function config(tdmrs: TdmrInfo[], over: Partial<ModuleParams> = {}, rcx = 0x800000, keyid = 64): bigint {
  const m = new TdxModule(params(over));
  m.sysInit();
  for (let lp = 0; lp < m.numLps; lp++) m.lpInit(lp);
  return m.sysConfig(rcx, tdmrs, keyid).status;
}

/** TDMR 0 = [0, 1 GiB) holding every PAMT in its first 64 MiB reserved area. */
const t0 = () => tdmr(0, 1, 0x1000000, RSVD);

test('a consistent TDMR list is accepted', () => {
  assert.equal(config([t0(), tdmr(2 * SZ_1G, 2, 0x2000000)]), STATUS.TDX_SUCCESS);
});

test('argument checks: RCX alignment, TDMR count, KeyID', () => {
  assert.equal(config([t0()], {}, 0x800100), withOperand(STATUS.TDX_OPERAND_INVALID, 1n));
  assert.equal(config([]), withOperand(STATUS.TDX_OPERAND_INVALID, 2n));
  assert.equal(
    config([t0(), tdmr(2 * SZ_1G, 1, 0x2000000)], { maxTdmrs: 1 }),
    withOperand(STATUS.TDX_OPERAND_INVALID, 2n),
  );
  assert.equal(
    config([t0()], {}, 0x800000, 5),
    withOperand(STATUS.TDX_OPERAND_INVALID, 8n),
    'an MKTME KeyID is not private',
  );
});

test('TDX_NON_ORDERED_TDMR: below or inside the previous TDMR', () => {
  assert.equal(config([tdmr(2 * SZ_1G, 1, 0x1000000), t0()]), withInfo(STATUS.TDX_NON_ORDERED_TDMR, 1));
  assert.equal(
    config([tdmr(0, 2, 0x1000000, RSVD), tdmr(SZ_1G, 1, 0x2000000)]),
    withInfo(STATUS.TDX_NON_ORDERED_TDMR, 1),
  );
});

test('TDX_INVALID_TDMR: alignment, size, address width / KeyID bits', () => {
  assert.equal(config([{ ...t0(), base: 0x200000 }]), withInfo(STATUS.TDX_INVALID_TDMR, 0));
  assert.equal(config([t0(), { ...tdmr(2 * SZ_1G, 1, 0x2000000), size: 0 }]), withInfo(STATUS.TDX_INVALID_TDMR, 1));
  // phys 46 bits with 6 KeyID bits: addresses from 2^40 carry KeyID bits.
  assert.equal(config([t0(), tdmr(2 ** 40 - SZ_1G, 2, 0x2000000)]), withInfo(STATUS.TDX_INVALID_TDMR, 1));
});

test('reserved areas: NON_ORDERED (gap entry, unsorted, overlapping) and INVALID (alignment, outside)', () => {
  const r = (reserved: { offset: number; size: number }[]) => config([tdmr(0, 1, 0x1000000, reserved)]);
  assert.equal(
    r([
      { offset: 0, size: 0x4000000 },
      { offset: 0, size: 0 },
      { offset: 0x8000000, size: 0x1000 },
    ]),
    withInfo(STATUS.TDX_NON_ORDERED_RESERVED_IN_TDMR, 0, 1),
  );
  assert.equal(
    r([
      { offset: 0x8000000, size: 0x1000 },
      { offset: 0, size: 0x4000000 },
    ]),
    withInfo(STATUS.TDX_NON_ORDERED_RESERVED_IN_TDMR, 0, 1),
  );
  assert.equal(
    r([
      { offset: 0, size: 0x4000000 },
      { offset: 0x3fff000, size: 0x2000 },
    ]),
    withInfo(STATUS.TDX_NON_ORDERED_RESERVED_IN_TDMR, 0, 1),
  );
  assert.equal(
    r([
      { offset: 0, size: 0x4000000 },
      { offset: 0x8000800, size: 0x1000 },
    ]),
    withInfo(STATUS.TDX_INVALID_RESERVED_IN_TDMR, 0, 1),
  );
  assert.equal(
    r([
      { offset: 0, size: 0x4000000 },
      { offset: SZ_1G - 0x1000, size: 0x2000 },
    ]),
    withInfo(STATUS.TDX_INVALID_RESERVED_IN_TDMR, 0, 1),
  );
});

test('TDX_INVALID_PAMT: checked 1G, 2M, 4K with the page size in the detail', () => {
  assert.equal(config([{ ...t0(), pamt1gSize: 0 }]), withInfo(STATUS.TDX_INVALID_PAMT, 0, PT['1g']));
  assert.equal(config([{ ...t0(), pamt2mBase: t0().pamt2mBase + 8 }]), withInfo(STATUS.TDX_INVALID_PAMT, 0, PT['2m']));
  assert.equal(config([{ ...t0(), pamt4kSize: 0x1000 }]), withInfo(STATUS.TDX_INVALID_PAMT, 0, PT['4k']));
});

test("TDX_PAMT_OVERLAP: another TDMR's PAMT, its own PAMTs, available memory", () => {
  // TDMR 1's 4K PAMT on top of TDMR 0's.
  assert.equal(config([t0(), tdmr(2 * SZ_1G, 1, 0x1000000)]), withInfo(STATUS.TDX_PAMT_OVERLAP, 1, PT['4k'], 0));
  // Own 2M PAMT overlapping own 1G PAMT.
  const self = t0();
  assert.equal(config([{ ...self, pamt1gBase: self.pamt2mBase }]), withInfo(STATUS.TDX_PAMT_OVERLAP, 0, PT['2m'], 0));
  // A PAMT in TDMR 0's available (non-reserved) memory.
  assert.equal(config([t0(), tdmr(2 * SZ_1G, 1, 0x10000000)]), withInfo(STATUS.TDX_PAMT_OVERLAP, 1, PT['4k'], 0));
  // TDMR 0's PAMT inside TDMR 1's available memory is reported against TDMR 0.
  assert.equal(
    config([tdmr(0, 1, 2 * SZ_1G + 0x1000000, RSVD), tdmr(2 * SZ_1G, 1, 0x2000000)]),
    withInfo(STATUS.TDX_PAMT_OVERLAP, 0, PT['4k'], 1),
  );
});

test("outside the CMRs: PAMT first (1G), then the TDMR's available memory", () => {
  const cmrs = [
    { base: 0, size: SZ_1G },
    { base: 2 * SZ_1G, size: SZ_1G },
  ];
  // PAMT of TDMR 1 in [3 GiB, 4 GiB) (no CMR there), inside TDMR 1's reserved area.
  const pamtOut = tdmr(2 * SZ_1G, 2, 3 * SZ_1G, [{ offset: SZ_1G, size: SZ_1G }]);
  assert.equal(config([t0(), pamtOut], { cmrs }), withInfo(STATUS.TDX_PAMT_OUTSIDE_CMRS, 1, PT['1g']));
  // TDMR 1 = [2, 4) GiB with no reserved area: [3, 4) GiB is outside the CMRs.
  assert.equal(config([t0(), tdmr(2 * SZ_1G, 2, 0x2000000)], { cmrs }), withInfo(STATUS.TDX_TDMR_OUTSIDE_CMRS, 1));
  // Touching CMRs count as one range.
  const touching = [
    { base: 0, size: SZ_1G },
    { base: SZ_1G, size: 3 * SZ_1G },
  ];
  assert.equal(config([tdmr(0, 4, 0x1000000, RSVD)], { cmrs: touching }), STATUS.TDX_SUCCESS);
  assert.equal(
    config([tdmr(0, 4, 0x1000000, RSVD)], {
      cmrs: [
        { base: 0, size: SZ_1G },
        { base: SZ_1G + 0x1000, size: 3 * SZ_1G - 0x1000 },
      ],
    }),
    withInfo(STATUS.TDX_TDMR_OUTSIDE_CMRS, 0),
  );
});
