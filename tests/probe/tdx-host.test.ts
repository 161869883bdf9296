/**
 * `record` reads mainline's tdx_host device where present
 * (/sys/devices/faux/tdx_host: version, and the P-SEAMLDR attributes that
 * say whether a runtime update is possible), over copies of the probe tree.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FIXTURES } from '../helpers/golden.js';
import { probeHost } from '../../main/probe/probe.js';
import { recordDoc } from '../../main/cli/commands/record.js';

function withTree(files: Record<string, string>, run: (root: string) => void): void {
  const root = mkdtempSync(join(tmpdir(), 'tdx-host-'));
  try {
    cpSync(join(FIXTURES, 'probe', 'tdx-2s'), root, { recursive: true });
    for (const [rel, text] of Object.entries(files)) {
      mkdirSync(join(root, rel, '..'), { recursive: true });
      writeFileSync(join(root, rel), text);
    }
    run(root);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

const DEV = 'sys/devices/faux/tdx_host';

test('tdx_host with update attributes: the version, the P-SEAMLDR, updates left; the host takes the version', () => {
  withTree(
    {
      [`${DEV}/version`]: '1.5.24\n',
      [`${DEV}/seamldr_version`]: '1.5.02\n',
      [`${DEV}/num_remaining_updates`]: '3\n',
      'sys/class/firmware/tdx_module/loading': '0\n',
    },
    (root) => {
      const r = probeHost({ root, native: null });
      assert.deepEqual(
        {
          version: r.tdxHost?.version,
          seamldr: r.tdxHost?.seamldrVersion,
          left: r.tdxHost?.numRemainingUpdates,
          possible: r.tdxHost?.updatePossible,
        },
        { version: '1.5.24', seamldr: '1.5.02', left: 3, possible: true },
      );
      assert.match(
        r.tdxHost!.update,
        /runtime update possible: 3 left; write the module to \/sys\/class\/firmware\/tdx_module$/,
      );
      assert.equal(r.result.host?.module.version, '1.5.24', 'the running module, not what the log said at boot');
      const doc = recordDoc(r, new Date(0));
      const probe = doc.probe as { tdx_host?: Record<string, unknown> };
      assert.equal(probe.tdx_host?.path, '/sys/devices/faux/tdx_host');
      assert.equal(probe.tdx_host?.update_possible, true);
      assert.ok(!r.missing.some((m) => m.fact === 'tdx_host device'));
    },
  );
});

test('tdx_host without the P-SEAMLDR attributes: the module cannot be updated at run time', () => {
  withTree({ [`${DEV}/version`]: '1.5.06\n' }, (root) => {
    const r = probeHost({ root, native: null });
    assert.equal(r.tdxHost?.version, '1.5.06');
    assert.equal(r.tdxHost?.updatePossible, false);
    assert.match(r.tdxHost!.update, /no runtime update/);
  });
});

test('no updates left, or the count unreadable without root: said so', () => {
  withTree(
    { [`${DEV}/version`]: '1.5.20\n', [`${DEV}/seamldr_version`]: '1.5.02\n', [`${DEV}/num_remaining_updates`]: '0\n' },
    (root) => {
      const r = probeHost({ root, native: null });
      assert.equal(r.tdxHost?.updatePossible, false);
      assert.match(r.tdxHost!.update, /no updates left/);
    },
  );
  withTree({ [`${DEV}/version`]: '1.5.20\n', [`${DEV}/seamldr_version`]: '1.5.02\n' }, (root) => {
    const r = probeHost({ root, native: null });
    assert.equal(r.tdxHost?.updatePossible, undefined, 'cannot tell');
    assert.ok(r.missing.some((m) => m.fact === 'remaining module updates (tdx_host)'));
  });
});

test('no tdx_host device (a kernel that initializes at KVM load): a missing fact with the reason', () => {
  const r = probeHost({ root: join(FIXTURES, 'probe', 'tdx-2s'), native: null });
  assert.equal(r.tdxHost, undefined);
  const m = r.missing.find((x) => x.fact === 'tdx_host device');
  assert.match(m!.why, /not present \(kernels that initialize TDX at KVM load have no tdx_host device/);
});
