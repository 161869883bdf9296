/**
 * The plain shape check (engine/host/shape.ts) against the zod schema it
 * stands in for: on thousands of mutated hosts both accept exactly the same
 * values, and parseHost gives exactly what the schema path gives (the same
 * Host, or the same problems with the same JSON paths and wording).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hostSchema, parseHost, zodProblems } from '../../engine/host/validate.js';
import { hostFromShape } from '../../engine/host/rules.js';
import { isHostShape, parseHostPlain } from '../../engine/host/shape.js';
import { loadGoldenCases } from '../helpers/golden.js';

/** parseHost as it was before the plain check: the zod schema first, always. */
function parseHostThroughZod(json: unknown) {
  const shape = hostSchema.safeParse(json, { reportInput: true });
  if (!shape.success) return { ok: false as const, problems: zodProblems(shape.error) };
  return hostFromShape(shape.data);
}

/** A small deterministic PRNG (mulberry32), so a failure reproduces. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const full = {
  name: 'everything',
  description: 'every optional field present',
  memblock: [
    { start: '0x100000', end: '0x80000000', nid: 0 },
    { start: '0x100000000', end: '0x200000000', nid: 1, zone: 'movable' },
  ],
  reserved: [
    { start: '0x1000000', end: '0x2000000', what: 'kernel' },
    { start: '0x3000000', end: '0x3001000' },
  ],
  module: {
    max_tdmrs: 64,
    max_reserved_per_tdmr: 16,
    pamt_entry_size: { '4k': 16, '2m': 16, '1g': 16 },
    version: '1.5.06',
    tdx_features0: '0x40000',
    sys_rd_supported: true,
  },
  cmrs: [
    { base: '0x0', size: '0x80000000' },
    { base: '0x100000000', size: '0x100000000' },
  ],
  platform: {
    packages: 2,
    lps_per_package: 8,
    phys_addr_bits: 46,
    keyid_bits: 6,
    mktme_keyids: 63,
    tdx_keyids: 32,
    memory_block_size: '0x8000000',
    nohibernate: true,
    acpi_s3: false,
    xsave: true,
    movdir64b: true,
    self_snoop: false,
  },
  devices: [{ name: 'cxl0', kind: 'cxl', start: '0x1000000000', end: '0x2000000000', nid: 2, zone: 'normal' }],
};

const golden = loadGoldenCases('upstream').map((c) => c.input);
/** Half the variants start from the host with every optional field, so each field's boundaries get hit. */
const base = (i: number): unknown => (i % 2 === 0 ? full : golden[(i >> 1) % golden.length]);

/** Values that sit on every boundary the schema draws. */
const ODD_VALUES: unknown[] = [
  undefined,
  null,
  true,
  false,
  0,
  -0,
  1,
  -1,
  1.5,
  15,
  16,
  35,
  36,
  52,
  53,
  63,
  64,
  65,
  1023,
  1024,
  4096,
  4097,
  65535,
  65536,
  1 << 20,
  (1 << 20) + 1,
  2 ** 53,
  '',
  'x',
  '0x',
  '0x0',
  '0x1000',
  '0X1000',
  '0x1g',
  ' 0x10',
  '0x10 ',
  '1000',
  '0xFFFFFFFFFFFFFFFFFF',
  'movable',
  'normal',
  'cxl',
  'nvdimm',
  'dimm',
  'disk',
  '1.5',
  '1.5.06',
  '1',
  '1.x',
  [],
  [{}],
  {},
  { start: '0x0', end: '0x1000', nid: 0 },
];

/** Every path (as a list of keys) to a value inside `v`. */
function paths(v: unknown, prefix: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  out.push(prefix);
  if (Array.isArray(v)) v.slice(0, 4).forEach((x, i) => paths(x, [...prefix, i], out));
  else if (typeof v === 'object' && v !== null) for (const [k, x] of Object.entries(v)) paths(x, [...prefix, k], out);
  return out;
}

function mutate(base: unknown, random: () => number): unknown {
  const doc = structuredClone(base) as Record<string, unknown>;
  const all = paths(doc).filter((p) => p.length > 0);
  // Known optional and required keys too, where they may be missing in the base.
  const extra: (string | number)[][] = [
    ['description'],
    ['reserved'],
    ['platform'],
    ['devices'],
    ['module', 'version'],
    ['module', 'tdx_features0'],
    ['module', 'sys_rd_supported'],
    ['memblock', 0, 'zone'],
    ['platform', 'packages'],
    ['platform', 'memory_block_size'],
  ];
  const edits = 1 + Math.floor(random() * 2);
  for (let e = 0; e < edits; e++) {
    const pool = random() < 0.8 ? all : extra;
    const path = pool[Math.floor(random() * pool.length)];
    let parent: any = doc;
    for (const k of path.slice(0, -1)) {
      if (parent === null || typeof parent !== 'object') break;
      parent = parent[k];
    }
    if (parent === null || typeof parent !== 'object') continue;
    const key = path[path.length - 1];
    if (random() < 0.2) delete parent[key];
    else parent[key] = structuredClone(ODD_VALUES[Math.floor(random() * ODD_VALUES.length)]);
  }
  return doc;
}

test('the plain check accepts exactly what the zod schema accepts (20,000 mutated hosts)', () => {
  const random = rng(13);
  let accepted = 0;
  let refused = 0;
  for (let i = 0; i < 20_000; i++) {
    const v = mutate(base(i), random);
    const zod = hostSchema.safeParse(v).success;
    assert.equal(isHostShape(v), zod, `disagree on ${JSON.stringify(v).slice(0, 400)}`);
    if (zod) accepted++;
    else refused++;
  }
  // Both sides of the boundary were exercised.
  assert.ok(accepted > 500 && refused > 500, `accepted ${accepted}, refused ${refused}`);
});

test('parseHost gives what the zod path gives: the same host, or the same problems and paths', () => {
  const random = rng(12);
  for (let i = 0; i < 3000; i++) {
    const v = mutate(base(i), random);
    assert.deepEqual(parseHost(v), parseHostThroughZod(v), JSON.stringify(v).slice(0, 400));
  }
  for (const v of [null, [], 'host', 42, {}, { name: 'x' }, full, ...golden]) {
    assert.deepEqual(parseHost(v), parseHostThroughZod(v));
  }
});

test('parseHostPlain: a host of the right shape is parsed without the schema; a wrong shape is left to it', () => {
  const good = parseHostPlain(full);
  assert.ok(good?.ok);
  assert.deepEqual(good, parseHost(full));
  // Right shape, broken rule (overlap): the rules' own problem, as parseHost words it.
  const overlap = structuredClone(full);
  overlap.memblock[1].start = '0x70000000';
  const bad = parseHostPlain(overlap);
  assert.ok(bad && !bad.ok);
  assert.deepEqual(bad, parseHost(overlap));
  // Wrong shape: no verdict from the plain check.
  assert.equal(parseHostPlain({ ...full, memblock: [] }), undefined);
  assert.equal(parseHostPlain({ ...full, module: { ...full.module, max_tdmrs: '64' } }), undefined);
});
