/**
 * The map view's documents through the API (main/api/document-api.ts):
 * opened in a worker thread of their own with progress, read back by
 * window, page, range and query, cancelled mid-open, bad input refused
 * with the file and JSON path.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createLabApi, type LabApi } from '../../main/api/lab-api.js';
import type { ApiEnvelope, ApiResults } from '../../main/common/api-contract.js';
import { contiguousHost } from '../../engine/host/synthetic.js';
import { hostToJson } from '../../engine/format/host-json.js';
import { PROJECT_ROOT } from '../helpers/golden.js';

/** One call, typed by its method. */
function call<M extends keyof ApiResults>(
  api: LabApi,
  method: M,
  args: unknown,
  progress?: (p: { requestId?: string; phase: string }) => void,
): Promise<ApiEnvelope<ApiResults[M]>> {
  return api.call(method, args, progress as never) as Promise<ApiEnvelope<ApiResults[M]>>;
}

const text = (name: string) => readFileSync(join(PROJECT_ROOT, 'resources', 'hosts', name), 'utf8');

test('a sample opens in its worker with progress; windows, rows, shapes and queries come back from it', async () => {
  const api = createLabApi();
  try {
    const phases: string[] = [];
    const r = await call(
      api,
      'openDocument',
      { requestId: 'r1', text: text('2s-server-fragmented-low-memory.json'), variant: 'upstream', source: 'frag.json' },
      (p) => {
        if (p.requestId === 'r1') phases.push(p.phase);
      },
    );
    assert.ok(r.ok, JSON.stringify(r));
    const doc = r.value;
    assert.equal(doc.cancelled, false);
    if (doc.cancelled) return;
    assert.equal(doc.brief, null, 'a small host comes whole');
    assert.match(doc.outcome.verdict.headline, /25 needed, the module allows 16/);
    for (const p of ['parse', 'analyze', 'map']) assert.ok(phases.includes(p), `progress ${p}: ${phases}`);
    const win = await call(api, 'mapWindow', {
      docId: doc.docId,
      domain: [0, 0x40000000],
      pixels: 800,
      compressHoles: true,
    });
    assert.ok(win.ok);
    const rows = await call(api, 'documentRows', { docId: doc.docId, table: 'memblock', from: 20, count: 5 });
    assert.ok(rows.ok && rows.value.rows.length === 5 && rows.value.total === doc.outcome.host.memblock.length);
    const find = await call(api, 'findInDocument', { docId: doc.docId, query: 'TDMR 0' });
    assert.ok(find.ok && find.value.shape?.id === 'tdmr-0');
    const one = await call(api, 'documentShape', { docId: doc.docId, id: 'need-0-24' });
    assert.ok(one.ok);
    await call(api, 'closeDocument', { docId: doc.docId });
    const gone = await call(api, 'findInDocument', { docId: doc.docId, query: 'TDMR 0' });
    assert.ok(!gone.ok && /no open document/.test(gone.error.message));
  } finally {
    await api.close();
  }
});

test('bad input names the file and the JSON path; nothing is left open', async () => {
  const api = createLabApi();
  try {
    const r = await call(api, 'openDocument', {
      requestId: 'r2',
      text: '{"memblock": 3}',
      variant: 'upstream',
      source: 'bad.json',
    });
    assert.ok(!r.ok);
    assert.equal(r.error.code, 'bad-input');
    assert.match(r.error.message, /^bad\.json: /);
    assert.doesNotMatch(r.error.message, /\n\s+at /);
  } finally {
    await api.close();
  }
});

test('a big host opens slim (an overview, not its regions) and can be cancelled while it opens', async () => {
  const api = createLabApi();
  try {
    const big = JSON.stringify(
      hostToJson(contiguousHost({ regions: 60_000, maxTdmrs: 8192, maxReservedPerTdmr: 1024 })),
    );
    const slow = call(api, 'openDocument', { requestId: 'c1', text: big, variant: 'upstream', source: 'big.json' });
    const c = await call(api, 'cancelOpen', { requestId: 'c1' });
    assert.ok(c.ok && c.value.cancelled);
    const r = await slow;
    assert.ok(r.ok && r.value.cancelled, JSON.stringify(r).slice(0, 300));
    const again = await call(api, 'openDocument', {
      requestId: 'c2',
      text: big,
      variant: 'upstream',
      source: 'big.json',
    });
    assert.ok(again.ok && !again.value.cancelled, JSON.stringify(again).slice(0, 400));
    if (again.value.cancelled) return;
    const b = again.value.brief;
    assert.ok(b, 'a 60,000-region host comes slim');
    assert.equal(b.omitted.memblock, 60_000);
    assert.equal(again.value.outcome.host.memblock.length, 0);
    assert.ok(b.overview.tracks.length > 0);
    const page = await call(api, 'documentRows', {
      docId: again.value.docId,
      table: 'memblock',
      from: 59_990,
      count: 100,
    });
    assert.ok(page.ok && page.value.rows.length === 10, 'the last row is reachable');
  } finally {
    await api.close();
  }
});
