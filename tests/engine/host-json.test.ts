import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadGoldenCases } from '../helpers/golden.js';
import { parseHost } from '../../engine/host/validate.js';
import { hostToJson } from '../../engine/format/host-json.js';

test('hostToJson inverts parseHost on every golden host', () => {
  for (const c of loadGoldenCases('upstream')) {
    const parsed = parseHost(c.input);
    assert.ok(parsed.ok);
    const again = parseHost(JSON.parse(JSON.stringify(hostToJson(parsed.value))));
    assert.ok(again.ok);
    assert.deepEqual(again.value, parsed.value, c.name);
  }
});

test('extension fields round-trip', () => {
  const json = {
    name: 'ext',
    memblock: [
      { start: '0x100000', end: '0x80000000', nid: 0 },
      { start: '0x100000000', end: '0x200000000', nid: 1, zone: 'movable' },
    ],
    module: {
      max_tdmrs: 64,
      max_reserved_per_tdmr: 16,
      pamt_entry_size: { '4k': 16, '2m': 16, '1g': 16 },
      version: '1.5.06',
      tdx_features0: '0x40000',
    },
    cmrs: [{ base: '0x100000', size: '0x7ff00000' }],
    platform: { packages: 2, lps_per_package: 4, memory_block_size: '0x8000000' },
    devices: [{ name: 'cxl0', kind: 'cxl', start: '0x200000000', end: '0x300000000', nid: 2 }],
  };
  const parsed = parseHost(json);
  assert.ok(parsed.ok, JSON.stringify(!parsed.ok && parsed.problems));
  assert.equal(parsed.value.platform?.memory_block_size, 0x8000000);
  assert.equal(parsed.value.module.tdx_features0, 0x40000);
  const again = parseHost(JSON.parse(JSON.stringify(hostToJson(parsed.value))));
  assert.ok(again.ok);
  assert.deepEqual(again.value, parsed.value);
});
