import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { planTdmrs } from '../../engine/kernel/construct.js';
import { openLabStore, type LabStore } from '../../main/store/lab-store.js';
import { StoreError } from '../../main/store/errors.js';
import { EXPORT_FORMAT, EXPORT_VERSION } from '../../main/store/export-format.js';
import { recordRun } from '../../main/store/record-run.js';
import { loadFixtureHost, rng, STORE_FIXTURES, tempDir } from './helpers.js';

/** A session with two real plan runs (one failed), a simulate run with events, and notes. */
function fillSession(store: LabStore, name: string): void {
  const h2 = loadFixtureHost('host-2s-16g.json');
  const h3 = loadFixtureHost('host-3n-16g.json');
  const a = recordRun(store, name, {
    kind: 'plan',
    host: h2,
    variant: 'upstream',
    plan: planTdmrs(h2, 'upstream'),
    provenance: { file: 'h2.json' },
    label: 'baseline',
  });
  const tight = { ...h3, module: { ...h3.module, max_reserved_per_tdmr: 1 } };
  recordRun(store, name, {
    kind: 'plan',
    host: tight,
    variant: 'cmr-holes',
    plan: planTdmrs(tight, 'cmr-holes'),
    hostOrigin: 'recorded',
  });
  const r = rng(5);
  const events = Array.from({ length: 3000 }, (_, i) =>
    i % 10 === 0
      ? { t: i * 0.5, kind: 'log', payload: { text: `virt/tdx: line ${i}` } }
      : {
          t: i * 0.5,
          kind: 'seamcall',
          addrStart: Math.floor(r() * 2 ** 34) * 4096,
          addrEnd: undefined as number | undefined,
        },
  );
  events.forEach((e) => {
    if (e.addrStart !== undefined) e.addrEnd = e.addrStart + 4096 * (1 + Math.floor(r() * 8));
  });
  const sim = recordRun(store, name, {
    kind: 'simulate',
    host: h2,
    variant: 'upstream',
    status: 'failed',
    stage: 'config',
    errno: '-EIO',
    payload: { seamcalls: 12 },
    events,
  });
  store.addNote(name, { text: 'PAMT lands on node 0', runId: a.run.id });
  store.addNote(name, {
    text: 'this hotplug is the culprit',
    runId: sim.run.id,
    eventSeq: 7,
    addrStart: 0x880000000,
    addrEnd: 0xc80000000,
  });
  store.addNote(name, { text: 'session-wide remark' });
}

function withoutStamp(doc: unknown): unknown {
  const d = JSON.parse(JSON.stringify(doc));
  delete d.exported_at;
  return d;
}

test('export -> import -> export gives the same document (exact round trip)', () => {
  const { dir, cleanup } = tempDir();
  try {
    const one = openLabStore(join(dir, 'one.db'));
    fillSession(one, 'investigation');
    const doc = one.exportSession('investigation');
    assert.equal(doc.format, EXPORT_FORMAT);
    assert.equal(doc.version, EXPORT_VERSION);
    assert.equal(doc.runs.length, 3);
    assert.equal(doc.runs[2].events.length, 3000);
    const file = join(dir, 'inv.json');
    writeFileSync(file, JSON.stringify(doc));

    const two = openLabStore(join(dir, 'two.db'));
    two.createSession('unrelated');
    const imported = two.importSession(file, JSON.parse(readFileSync(file, 'utf8')));
    assert.equal(imported.name, 'investigation');
    assert.deepEqual(withoutStamp(two.exportSession('investigation')), withoutStamp(doc));

    // The same database can hold it twice under another name.
    two.importSession(file, JSON.parse(readFileSync(file, 'utf8')), 'investigation-copy');
    const copy = withoutStamp(two.exportSession('investigation-copy')) as { session: { name: string } };
    copy.session.name = 'investigation';
    assert.deepEqual(copy, withoutStamp(doc));

    // Queries on imported runs work like on the original.
    const origSim = one.listRuns('investigation')[2];
    const copySim = two.listRuns('investigation-copy')[2];
    assert.deepEqual(two.eventsInRange(copySim.id, 0, 2 ** 40), one.eventsInRange(origSim.id, 0, 2 ** 40));
    assert.deepEqual(
      two.getRunTdmrs(two.listRuns('investigation-copy')[0].id),
      one.getRunTdmrs(one.listRuns('investigation')[0].id),
    );
    one.close();
    two.close();
  } finally {
    cleanup();
  }
});

test('importing over an existing session name fails, suggests --rename, and changes nothing', () => {
  const { dir, cleanup } = tempDir();
  try {
    const store = openLabStore(join(dir, 'lab.db'));
    fillSession(store, 'dup');
    const before = withoutStamp(store.exportSession('dup'));
    const doc = store.exportSession('dup');
    (doc.session as { description: string | null }).description = 'a different one';
    assert.throws(
      () => store.importSession('dup.json', doc),
      (e: unknown) =>
        e instanceof StoreError && e.code === 'exists' && /dup\.json/.test(e.message) && /--rename/.test(e.message),
    );
    assert.deepEqual(withoutStamp(store.exportSession('dup')), before);
    assert.equal(store.listSessions().length, 1);
    store.close();
  } finally {
    cleanup();
  }
});

test('malformed and newer-version import files are refused with the file and JSON path, nothing written', () => {
  const { dir, cleanup } = tempDir();
  try {
    const store = openLabStore(join(dir, 'lab.db'));
    fillSession(store, 'src');
    const good = JSON.parse(JSON.stringify(store.exportSession('src')));
    store.deleteSession('src');
    const bad = (mutate: (d: any) => void) => {
      const d = JSON.parse(JSON.stringify(good));
      mutate(d);
      return d;
    };
    const cases: [string, unknown, RegExp][] = [
      [
        'newer.json',
        JSON.parse(readFileSync(join(STORE_FIXTURES, 'export-newer-version.json'), 'utf8')),
        /\$\.version: export format version 2 is newer/,
      ],
      ['other.json', { format: 'something-else', version: 1 }, /\$\.format: .*not a tdx-lab session export/],
      ['array.json', [], /\$: expected a JSON object/],
      ['hex.json', bad((d) => (d.runs[0].tdmrs[1].base = '12345')), /\$\.runs\[0\]\.tdmrs\[1\]\.base: .*hex/],
      ['host.json', bad((d) => (d.hosts[1].host.memblock[0].end = '0x0')), /\$\.hosts\[1\]\.host\.memblock\[0\]/],
      ['ref.json', bad((d) => (d.runs[1].host = 9)), /\$\.runs\[1\]\.host: host index 9/],
      ['seq.json', bad((d) => (d.runs[2].events[5].seq = 1)), /\$\.runs\[2\]\.events\[5\]\.seq/],
      ['extra.json', bad((d) => (d.runs[0].surprise = true)), /\$\.runs\[0\]/],
      ['kind.json', bad((d) => (d.runs[0].kind = 'guess')), /\$\.runs\[0\]\.kind/],
    ];
    for (const [file, doc, why] of cases) {
      assert.throws(
        () => store.importSession(file, doc),
        (e: unknown) =>
          e instanceof StoreError &&
          e.message.startsWith(`${file}: `) &&
          why.test(e.message) &&
          !e.message.includes('\n'),
        file,
      );
    }
    assert.equal(store.listSessions().length, 0, 'no failed import left a session behind');
    // And the untouched document still imports.
    assert.equal(store.importSession('good.json', good).runCount, 3);
    store.close();
  } finally {
    cleanup();
  }
});
