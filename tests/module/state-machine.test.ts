import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SZ_1G } from '../../engine/format/hex.js';
import { MD_FIELD } from '../../engine/module/leaves.js';
import { TDMR_INIT_CHUNK, TdxModule } from '../../engine/module/module.js';
import { STATUS } from '../../engine/module/statuses.js';
import { params, pamtBytes, tdmr } from './helpers.js';

const KEYID = 64;
/** One 4 GiB TDMR at 4 GiB whose PAMT sits in [0, 1 GiB), reserved in a 1 GiB TDMR at 0. */
function twoTdmrs() {
  const pamt = 0x1000000;
  return [tdmr(0, 1, 0x3000000, [{ offset: 0, size: 0x4000000 }]), tdmr(4 * SZ_1G, 4, pamt)];
}

function readyToConfig(m: TdxModule): void {
  assert.equal(m.sysInit().status, STATUS.TDX_SUCCESS);
  for (let lp = 0; lp < m.numLps; lp++) assert.equal(m.lpInit(lp).status, STATUS.TDX_SUCCESS);
}

test('legal path: INIT, LP.INIT ×4, CONFIG, KEY.CONFIG ×2, TDMR.INIT to the end', () => {
  const m = new TdxModule(params());
  assert.equal(m.state, 'SYSINIT_PENDING');
  readyToConfig(m);
  assert.equal(m.state, 'SYSINIT_DONE');
  const tdmrs = twoTdmrs();
  assert.ok(pamtBytes(4) < 0x4000000 - 0x1000000);
  assert.equal(m.sysConfig(0x1000000 - 0x200000, tdmrs, KEYID).status, STATUS.TDX_SUCCESS);
  assert.equal(m.state, 'SYSCONFIG_DONE');
  assert.equal(m.keyConfig(0).status, STATUS.TDX_SUCCESS);
  assert.equal(m.state, 'SYSCONFIG_DONE');
  assert.equal(m.keyConfig(2).status, STATUS.TDX_SUCCESS);
  assert.equal(m.state, 'SYS_READY');
  let calls = 0;
  let next = 0n;
  do {
    const r = m.tdmrInit(4 * SZ_1G);
    assert.equal(r.status, STATUS.TDX_SUCCESS);
    next = r.out.rdx!;
    assert.equal(Number(next) % SZ_1G, 0, 'RDX is rounded down to 1 GiB');
    calls++;
  } while (next < BigInt(8 * SZ_1G));
  assert.equal(calls, (4 * SZ_1G) / TDMR_INIT_CHUNK);
  assert.equal(m.tdmrInit(4 * SZ_1G).status, STATUS.TDX_TDMR_ALREADY_INITIALIZED);
  assert.equal(m.allTdmrsInitialized(), false);
  while (m.tdmrInit(0).status === STATUS.TDX_SUCCESS);
  assert.equal(m.allTdmrsInitialized(), true);
});

test("illegal transitions return the module's own statuses", () => {
  const m = new TdxModule(params());
  // Before TDH.SYS.INIT.
  assert.equal(m.lpInit(0).status, STATUS.TDX_SYS_LP_INIT_NOT_PENDING);
  assert.equal(m.sysConfig(0x1000000, twoTdmrs(), KEYID).status, STATUS.TDX_SYS_CONFIG_NOT_PENDING);
  assert.equal(m.keyConfig(0).status, STATUS.TDX_SYS_KEY_CONFIG_NOT_PENDING);
  assert.equal(m.tdmrInit(0).status, STATUS.TDX_SYS_NOT_READY);
  assert.equal(m.sysRd(0, MD_FIELD.MAX_TDMRS).status, STATUS.TDX_SYS_LP_INIT_NOT_DONE);
  assert.equal(m.sysInfo(0).status, STATUS.TDX_SYS_LP_INIT_NOT_DONE);
  assert.equal(m.sysInit().status, STATUS.TDX_SUCCESS);
  assert.equal(m.sysInit().status, STATUS.TDX_SYS_INIT_NOT_PENDING);
  // CONFIG before every LP is initialized.
  assert.equal(m.lpInit(0).status, STATUS.TDX_SUCCESS);
  assert.equal(m.lpInit(0).status, STATUS.TDX_SYS_LP_INIT_DONE);
  assert.equal(m.sysConfig(0x1000000, twoTdmrs(), KEYID).status, STATUS.TDX_SYS_CONFIG_NOT_PENDING);
  for (let lp = 1; lp < 4; lp++) m.lpInit(lp);
  assert.equal(m.keyConfig(0).status, STATUS.TDX_SYS_KEY_CONFIG_NOT_PENDING);
  assert.equal(m.sysConfig(0x1000000, twoTdmrs(), KEYID).status, STATUS.TDX_SUCCESS);
  // After CONFIG: LP.INIT and CONFIG are no longer pending; a package configures once.
  assert.equal(m.lpInit(3).status, STATUS.TDX_SYS_LP_INIT_NOT_PENDING);
  assert.equal(m.sysConfig(0x1000000, twoTdmrs(), KEYID).status, STATUS.TDX_SYS_CONFIG_NOT_PENDING);
  assert.equal(m.tdmrInit(0).status, STATUS.TDX_SYS_NOT_READY);
  assert.equal(m.keyConfig(1).status, STATUS.TDX_SUCCESS);
  assert.equal(m.keyConfig(0).status, STATUS.TDX_KEY_CONFIGURED, 'LP 0 and LP 1 share package 0');
  assert.equal(m.keyConfig(3).status, STATUS.TDX_SUCCESS);
  assert.equal(m.state, 'SYS_READY');
  assert.equal(m.keyConfig(3).status, STATUS.TDX_SYS_KEY_CONFIG_NOT_PENDING);
  // TDMR.INIT at an address that is no TDMR base.
  assert.equal(m.tdmrInit(2 * SZ_1G).status, 0xc000010000000001n);
  assert.equal(m.tdmrInit(0x1000).status, 0xc000010000000001n);
  // Shutdown ends everything.
  assert.equal(m.shutdown().status, STATUS.TDX_SUCCESS);
  assert.equal(m.state, 'SYS_SHUTDOWN');
  assert.equal(m.tdmrInit(0).status, STATUS.TDX_SYS_SHUTDOWN);
  assert.equal(m.sysInit().status, STATUS.TDX_SYS_SHUTDOWN);
});

test('TDH.SYS.RD reads the metadata; a TDX 1.0 module answers TDX_SYS_NOT_READY', () => {
  const m = new TdxModule(params());
  readyToConfig(m);
  assert.deepEqual(m.sysRd(0, MD_FIELD.MAX_TDMRS), { status: 0n, out: { rdx: MD_FIELD.MAX_TDMRS, r8: 64n } });
  assert.equal(m.sysRd(0, MD_FIELD.TDX_FEATURES0).out.r8, 1n << 18n);
  assert.equal(m.sysRd(0, 0x9100000100000099n).status, STATUS.TDX_METADATA_FIELD_ID_INCORRECT);
  const all = m.sysRdAll(0);
  assert.equal(all.fields?.PAMT_1G_ENTRY_SIZE, 16n);
  const info = m.sysInfo(0);
  assert.equal(info.status, 0n);
  assert.deepEqual(info.cmrs, [{ base: 0, size: 8 * SZ_1G }]);

  const old = new TdxModule(params({ version: '1.0', sysRdSupported: false }));
  readyToConfig(old);
  assert.deepEqual(old.sysRd(0, MD_FIELD.MAX_TDMRS), {
    status: STATUS.TDX_SYS_NOT_READY,
    out: { rcx: 0n, rdx: MD_FIELD.MAX_TDMRS, r8: 0n },
  });
  assert.equal(old.sysRdAll(0).status, STATUS.TDX_SYS_NOT_READY);
  assert.equal(old.sysInfo(0).status, 0n, 'TDX 1.0 still implements TDH.SYS.INFO');
});

test('faults: not loaded, injected statuses on chosen invocations', () => {
  const gone = new TdxModule(params(), { loaded: false });
  assert.equal(gone.sysInit().status, STATUS.TDX_SEAMCALL_VMFAILINVALID);
  assert.equal(gone.state, 'SYSINIT_PENDING');

  const m = new TdxModule(params(), {
    faults: [
      { leaf: 'TDH_SYS_INIT', call: 1, count: 2, status: STATUS.TDX_RND_NO_ENTROPY },
      { leaf: 'TDH_SYS_LP_INIT', call: 2, status: STATUS.TDX_SEAMCALL_UD },
      { leaf: 'TDH_SYS_KEY_CONFIG', status: 0n },
    ],
  });
  assert.equal(m.sysInit().status, STATUS.TDX_RND_NO_ENTROPY);
  assert.equal(m.sysInit().status, STATUS.TDX_RND_NO_ENTROPY);
  assert.equal(m.state, 'SYSINIT_PENDING', 'a faulted call changes nothing');
  assert.equal(m.sysInit().status, STATUS.TDX_SUCCESS);
  assert.equal(m.lpInit(0).status, STATUS.TDX_SUCCESS);
  assert.equal(m.lpInit(1).status, STATUS.TDX_SEAMCALL_UD);
  assert.equal(m.lpInit(1).status, STATUS.TDX_SUCCESS);
  assert.equal(m.faults.count('TDH_SYS_LP_INIT'), 3);
});

test('tdmrInitRun equals that many tdmrInit calls and stops before an injected fault', () => {
  const setup = (faults = [] as { leaf: 'TDH_SYS_TDMR_INIT'; call: number; status: bigint }[]) => {
    const m = new TdxModule(params(), { faults });
    readyToConfig(m);
    assert.equal(m.sysConfig(0xe00000, twoTdmrs(), KEYID).status, 0n);
    m.keyConfig(0);
    m.keyConfig(2);
    return m;
  };
  const a = setup();
  let last = 0n;
  for (let i = 0; i < 300; i++) last = a.tdmrInit(4 * SZ_1G).out.rdx!;
  const b = setup();
  assert.deepEqual(b.tdmrInitRun(4 * SZ_1G, 300), { calls: 300, rdx: last });
  assert.equal(b.faults.count('TDH_SYS_TDMR_INIT'), 300);
  assert.deepEqual(b.tdmrInitRun(4 * SZ_1G, Infinity), { calls: 1024 - 300, rdx: BigInt(8 * SZ_1G) });
  assert.deepEqual(b.tdmrInitRun(4 * SZ_1G, Infinity), { calls: 0, rdx: 0n }, 'already initialized: no run');
  const c = setup([{ leaf: 'TDH_SYS_TDMR_INIT', call: 11, status: STATUS.TDX_SYS_BUSY }]);
  assert.equal(c.tdmrInitRun(4 * SZ_1G, Infinity).calls, 10);
  assert.equal(c.tdmrInit(4 * SZ_1G).status, STATUS.TDX_SYS_BUSY);
  assert.equal(c.tdmrInitRun(4 * SZ_1G, Infinity).calls, 1024 - 10);
});
