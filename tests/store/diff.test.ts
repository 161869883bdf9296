import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { planTdmrs } from '../../engine/kernel/construct.js';
import { summarizePlan } from '../../engine/format/plan-summary.js';
import { pamtTotal } from '../../engine/kernel/pamt.js';
import { openLabStore } from '../../main/store/lab-store.js';
import { recordRun } from '../../main/store/record-run.js';
import { renderRunDiff, renderSessionDiff } from '../../main/cli/render/session-diff.js';
import { cli, loadFixtureHost, STORE_FIXTURES, tempDir } from './helpers.js';

const h2 = loadFixtureHost('host-2s-16g.json');
const h3 = loadFixtureHost('host-3n-16g.json');

test("diff of two real plans: the host with an extra node gains its memory, a TDMR and that node's PAMT", () => {
  const { dir, cleanup } = tempDir();
  try {
    const store = openLabStore(join(dir, 'lab.db'));
    const p2 = planTdmrs(h2, 'upstream');
    const p3 = planTdmrs(h3, 'upstream');
    assert.ok(p2.ok && p3.ok);
    const a = recordRun(store, 'two-nodes', { kind: 'plan', host: h2, variant: 'upstream', plan: p2 }).run;
    const b = recordRun(store, 'three-nodes', { kind: 'plan', host: h3, variant: 'upstream', plan: p3 }).run;
    const d = store.diffRuns(a.id, b.id);

    assert.equal(d.same, false);
    assert.equal(d.status.same, true);
    assert.equal(d.host.same, false);
    assert.deepEqual(d.host.memblockOnlyA, []);
    assert.deepEqual(d.host.memblockOnlyB, [{ start: 0x880000000, end: 0xc80000000, nid: 2 }]);
    assert.deepEqual(d.host.cmrsOnlyB, [{ start: 0x880000000, end: 0xc80000000 }]);
    assert.equal(d.tdmrs.countA, p2.tdmrs.length);
    assert.equal(d.tdmrs.countB, p3.tdmrs.length);
    const differing = d.tdmrs.rows.filter((r) => r.changed.length);
    // Exactly the TDMRs the engine built differently are reported.
    const expectDiffer = p3.tdmrs
      .map((t, i) => ({ t, u: p2.tdmrs[i], i }))
      .filter(
        ({ t, u }) =>
          !u ||
          u.base !== t.base ||
          u.size !== t.size ||
          JSON.stringify(u.pamt) !== JSON.stringify(t.pamt) ||
          JSON.stringify(u.reserved.map((x) => [x.offset, x.size])) !==
            JSON.stringify(t.reserved.map((x) => [x.offset, x.size])),
      )
      .map(({ i }) => i);
    assert.deepEqual(
      differing.map((r) => r.index),
      expectDiffer,
    );
    assert.ok(expectDiffer.length > 0);
    const s3 = summarizePlan(h3, p3);
    const node2 = d.pamtNodes.find((n) => n.nid === 2)!;
    assert.equal(node2.a, 0);
    assert.equal(node2.b, s3.nodes.find((n) => n.nid === 2)!.pamtBytes);
    assert.ok(node2.b! > 0);
    assert.equal(
      d.pamtTotal.a,
      p2.tdmrs.reduce((x, t) => x + pamtTotal(t.pamt), 0),
    );
    assert.equal(d.pamtTotal.delta, (p3.pamtKb - p2.pamtKb) * 1024);

    const text = renderRunDiff(d);
    assert.match(text, /\+ memblock \[0x880000000, 0xc80000000\) 16 GiB node 2/);
    assert.match(text, new RegExp(`TDMRs: ${p2.tdmrs.length} -> ${p3.tdmrs.length}`));
    assert.match(text, /^ +2 +0 KiB \(0 B\) +\d+ KiB/m);

    // A run compared with itself has no differences.
    assert.equal(store.diffRuns(a.id, a.id).same, true);
    assert.match(renderRunDiff(store.diffRuns(a.id, a.id)), /No differences/);

    // Sessions pair runs by host, kind and variant: different hosts do not pair.
    const sd = store.diffSessions('two-nodes', 'three-nodes');
    assert.equal(sd.pairs.length, 0);
    assert.deepEqual(
      sd.onlyA.map((r) => r.id),
      [a.id],
    );
    assert.match(renderSessionDiff(sd), /Only in 'three-nodes' \(B\):/);
    store.close();
  } finally {
    cleanup();
  }
});

test('session diff pairs runs of the same host and shows the status and module-limit change', () => {
  const { dir, cleanup } = tempDir();
  try {
    const store = openLabStore(join(dir, 'lab.db'));
    const tight = { ...h3, module: { ...h3.module, max_tdmrs: 2 } };
    const ok = planTdmrs(h3, 'upstream');
    const bad = planTdmrs(tight, 'upstream');
    assert.ok(ok.ok && !bad.ok);
    recordRun(store, 'before', { kind: 'plan', host: h3, variant: 'upstream', plan: ok });
    recordRun(store, 'after', { kind: 'plan', host: tight, variant: 'upstream', plan: bad });
    const sd = store.diffSessions('before', 'after');
    assert.equal(sd.pairs.length, 1);
    const p = sd.pairs[0];
    assert.equal(p.status.same, false);
    assert.deepEqual(p.host.module, [{ field: 'max_tdmrs', a: h3.module.max_tdmrs, b: 2 }]);
    const text = renderSessionDiff(sd);
    assert.match(text, new RegExp(`status: ok -> FAILED at ${bad.stage} \\(${bad.errno}\\)`));
    assert.match(text, /module max_tdmrs: 64 -> 2/);
    store.close();
  } finally {
    cleanup();
  }
});

test('tdx-lab plan --session records runs; session diff prints text and --json', () => {
  const { dir, cleanup } = tempDir();
  try {
    const db = join(dir, 'lab.db');
    const r1 = cli(['plan', join(STORE_FIXTURES, 'host-2s-16g.json'), '--session', 'cmp', '--db', db, '--json']);
    assert.equal(r1.status, 0, r1.stderr);
    assert.deepEqual(
      Object.keys(JSON.parse(r1.stdout)).slice(0, 2),
      ['ok', 'tdx_memlist'],
      'stdout stays the pure RESULT document',
    );
    assert.match(r1.stderr, /recorded run #1 in session 'cmp'/);
    const r2 = cli(['plan', join(STORE_FIXTURES, 'host-3n-16g.json'), '--session', 'cmp'], { TDX_LAB_DB: db });
    assert.equal(r2.status, 0, r2.stderr);
    assert.match(r2.stderr, /recorded run #2/);

    const text = cli(['session', 'diff', '1', '2', '--db', db]);
    assert.equal(text.status, 0, text.stderr);
    assert.match(text.stdout, /\+ memblock \[0x880000000, 0xc80000000\) 16 GiB node 2/);
    const json = cli(['session', 'diff', '1', '2', '--db', db, '--json']);
    assert.equal(json.status, 0, json.stderr);
    const d = JSON.parse(json.stdout);
    const store = openLabStore(db);
    assert.deepEqual(d, store.diffRuns(1, 2));
    store.close();

    const missing = cli(['session', 'diff', '1', '99', '--db', db]);
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /'99' is neither an existing run \(no run #99\) nor a session name/);
  } finally {
    cleanup();
  }
});
