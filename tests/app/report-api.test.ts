/** renderReport through the Node API: the same bytes as `tdx-lab report`, optional parts, PNG/PDF, and clear failures. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { createLabApi } from '../../main/api/lab-api.js';
import type { ApiEnvelope } from '../../main/common/api-contract.js';
import type { ReportFile } from '../../main/common/report-contract.js';
import { loadSubject } from '../../main/report/subject.js';
import { renderReport } from '../../main/report/index.js';
import { SAMPLES_DIR } from './app-helpers.js';

const SAMPLE = '2s-server-512g-cxl-before-init.json';
const hostJson = readFileSync(join(SAMPLES_DIR, SAMPLE), 'utf8');
const args = { text: hostJson, variant: 'upstream', source: SAMPLE };

async function call(api: ReturnType<typeof createLabApi>, a: unknown): Promise<ApiEnvelope<ReportFile>> {
  return (await api.call('renderReport', a)) as ApiEnvelope<ReportFile>;
}

test('renderReport: HTML and SVG equal what main/report writes for the host file; parts can be left out', async () => {
  const api = createLabApi({ samplesDir: SAMPLES_DIR, inProcess: true });
  try {
    const subject = loadSubject(join(SAMPLES_DIR, SAMPLE), { kernel: 'upstream' });
    for (const format of ['html', 'svg'] as const) {
      const r = await call(api, { ...args, format });
      assert.ok(r.ok, JSON.stringify(r));
      assert.equal(r.value.fileName, `2s-server-512g-cxl-before-init-report.${format}`);
      assert.equal(r.value.mime, format === 'html' ? 'text/html;charset=utf-8' : 'image/svg+xml');
      assert.equal(r.value.base64, undefined);
      assert.ok(Buffer.from(r.value.text!, 'utf8').equals(await renderReport([subject], format)), `${format} bytes`);
    }
    const full = await call(api, { ...args, format: 'html' });
    const lean = await call(api, {
      ...args,
      format: 'html',
      options: { findings: false, insets: false, tables: false, logs: false },
    });
    assert.ok(full.ok && lean.ok);
    for (const id of ['s-findings', 's-tdmrs', 's-pamt', 's-log', 's-seamcalls', 's-inset0']) {
      assert.ok(full.value.text!.includes(`id="${id}`), `full report has ${id}`);
      assert.ok(!lean.value.text!.includes(`id="${id}`), `lean report has no ${id}`);
    }
    assert.ok(
      lean.value.text!.includes('id="s-summary"') && lean.value.text!.includes('id="s-map"'),
      'summary and map stay',
    );
  } finally {
    await api.close();
  }
});

test('renderReport: PNG and PDF come back as base64 from Chromium; without Chromium a clear unavailable error', async () => {
  const api = createLabApi({ samplesDir: SAMPLES_DIR, inProcess: true });
  try {
    const png = await call(api, { ...args, format: 'png', options: { logs: false, tables: false } });
    assert.ok(png.ok, JSON.stringify(png));
    assert.equal(png.value.mime, 'image/png');
    assert.ok(Buffer.from(png.value.base64!, 'base64').subarray(0, 8).equals(Buffer.from('89504e470d0a1a0a', 'hex')));
    const pdf = await call(api, { ...args, format: 'pdf', options: { logs: false } });
    assert.ok(pdf.ok, JSON.stringify(pdf));
    assert.equal(Buffer.from(pdf.value.base64!, 'base64').subarray(0, 5).toString('latin1'), '%PDF-');
  } finally {
    await api.close();
  }
  const noBrowser = createLabApi({ samplesDir: SAMPLES_DIR, inProcess: true, chromium: '/nonexistent/chromium' });
  try {
    const r = await call(noBrowser, { ...args, format: 'pdf' });
    assert.ok(!r.ok);
    assert.equal(r.error.code, 'unavailable');
    assert.match(r.error.message, /\/nonexistent\/chromium: no such file/);
    const html = await call(noBrowser, { ...args, format: 'html' });
    assert.ok(html.ok, 'HTML needs no browser');
  } finally {
    await noBrowser.close();
  }
});

test('renderReport: a bad host is a bad-input error naming the source and the JSON path', async () => {
  const api = createLabApi({ samplesDir: SAMPLES_DIR, inProcess: true });
  try {
    const r = await call(api, { text: '{"name": "x"}', variant: 'upstream', source: 'x.json', format: 'html' });
    assert.ok(!r.ok);
    assert.equal(r.error.code, 'bad-input');
    assert.match(r.error.message, /^x\.json: .*\$\.memblock: missing/);
  } finally {
    await api.close();
  }
});
