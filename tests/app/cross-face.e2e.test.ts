/**
 * One outcome, told the same everywhere. For every sample host and scenario
 * and 20 golden cases of each kernel variant, four faces must agree on the
 * verdict, the failed TDMR, the finding ids, the memory-block states and the
 * PAMT figure: the CLI's `report --out r.json`, the app's map (through
 * serve, in Chromium), the report's map (`report --out r.svg`) and the
 * Markdown report.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { parseHTML } from 'linkedom';
import { runCli } from '../../main/cli/index.js';
import { startServer, type RunningServer } from '../../main/serve/server.js';
import { goldenDir } from '../helpers/golden.js';
import { CHROMIUM, CHROMIUM_ARGS, RENDERER_DIR, SAMPLES_DIR, requireRendererBuild } from './app-helpers.js';
import { PROJECT_ROOT } from '../helpers/golden.js';

interface Told {
  ok: boolean;
  level: string;
  failedTdmr: number | null;
  findings: string[];
  blocks: { online: number; offline: number; refused: number };
  pamtKb: number | null;
}

const dir = mkdtempSync(join(tmpdir(), 'tdx-cross-face-'));
let server: RunningServer;
let browser: Browser;
let page: Page;

function subjects(): { file: string; kernel: 'upstream' | 'cmr-holes' }[] {
  const out: { file: string; kernel: 'upstream' | 'cmr-holes' }[] = [];
  for (const d of [SAMPLES_DIR, join(PROJECT_ROOT, 'resources', 'scenarios')])
    for (const f of readdirSync(d)
      .filter((x) => x.endsWith('.json'))
      .sort())
      out.push({ file: join(d, f), kernel: 'upstream' });
  for (const kernel of ['upstream', 'cmr-holes'] as const) {
    const files = readdirSync(goldenDir(kernel))
      .filter((f) => f.endsWith('.json'))
      .sort();
    // 20 spread over the set: failures and successes of every category.
    const step = files.length / 20;
    for (let i = 0; i < 20; i++) out.push({ file: join(goldenDir(kernel), files[Math.floor(i * step)]), kernel });
  }
  return out;
}

async function cli(args: string[]): Promise<void> {
  const code = await runCli(args);
  assert.equal(code, 0, `tdx-lab ${args.join(' ')}`);
}

function fromJson(doc: Record<string, any>): Told {
  return {
    ok: doc.verdict.ok,
    level: doc.verdict.level,
    failedTdmr: doc.failure?.tdmr?.index ?? null,
    findings: doc.findings.map((f: { id: string }) => f.id),
    blocks: {
      online: doc.memory_blocks.online,
      offline: doc.memory_blocks.offline,
      refused: doc.memory_blocks.refused,
    },
    pamtKb: doc.pamt.figure_kb,
  };
}

/** The map's root states the verdict in brief (renderer/map draw.ts stampFacts), in the app and in reports. */
function fromSvgAttrs(attr: (name: string) => string | null): Told {
  const blocks = Object.fromEntries((attr('data-blocks') ?? '').split(',').map((kv) => kv.split(':'))) as Record<
    string,
    string
  >;
  const failed = attr('data-failed-tdmr');
  const pamt = attr('data-pamt-kb');
  const findings = attr('data-findings') ?? '';
  return {
    ok: attr('data-ok') === 'true',
    level: attr('data-level') ?? '',
    failedTdmr: failed === 'none' || failed === null ? null : Number(failed),
    findings: findings ? findings.split(' ') : [],
    blocks: { online: Number(blocks.online), offline: Number(blocks.offline), refused: Number(blocks.refused) },
    pamtKb: pamt === 'none' || pamt === null ? null : Number(pamt),
  };
}

function fromMarkdown(md: string): Told {
  const row = (k: string) => new RegExp(`^\\| ${k} \\| (.*) \\|$`, 'm').exec(md)?.[1] ?? '';
  const verdict = row('verdict');
  const failed = /^TDMR (\d+)/.exec(row('failed TDMR'));
  const pamt = /^(\d+) KB/.exec(row('PAMT'));
  const blocksText = row('memory blocks');
  const count = (state: string) =>
    Number((new RegExp(`([\\d,]+) ${state}`).exec(blocksText)?.[1] ?? '0').replace(/,/g, ''));
  const findings = [...row('findings').matchAll(/`([a-z-]+)`/g)].map((m) => m[1]);
  return {
    ok: verdict.includes('(TDX initializes)'),
    level: verdict.split(' ')[0],
    failedTdmr: failed ? Number(failed[1]) : null,
    findings,
    blocks: { online: count('online'), offline: count('offline'), refused: count('refused') },
    pamtKb: pamt ? Number(pamt[1]) : null,
  };
}

before(async () => {
  requireRendererBuild();
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium is not installed at ${CHROMIUM}`);
  server = await startServer({ rendererDir: RENDERER_DIR, samplesDir: SAMPLES_DIR, workers: 2 });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  page = await browser.newPage({ viewport: { width: 1440, height: 960 } });
  await page.goto(server.url);
  await page.waitForSelector('[data-testid=sample-cards]');
});

after(async () => {
  await browser?.close();
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

test('CLI r.json, the app map, the report map and the Markdown agree for every subject', async () => {
  const list = subjects();
  assert.ok(list.length >= 50, `${list.length} subjects`);
  let failures = 0;
  let refusedSeen = 0;
  for (const { file, kernel } of list) {
    const stem = `${basename(file, '.json')}-${kernel}`;
    const k = ['--kernel', kernel];
    await cli(['report', file, ...k, '--out', join(dir, `${stem}.json`)]);
    await cli(['report', file, ...k, '--out', join(dir, `${stem}.md`)]);
    await cli(['report', file, ...k, '--out', join(dir, `${stem}.svg`)]);
    const doc = JSON.parse(readFileSync(join(dir, `${stem}.json`), 'utf8'));
    const json = fromJson(doc);
    const md = fromMarkdown(readFileSync(join(dir, `${stem}.md`), 'utf8'));
    const { document } = parseHTML(
      `<!doctype html><html><body>${readFileSync(join(dir, `${stem}.svg`), 'utf8').replace(/^<\?xml[^>]*>/, '')}</body></html>`,
    );
    const svgRoot = document.querySelector('svg')!;
    const reportMap = fromSvgAttrs((n) => svgRoot.getAttribute(n));

    // The app: open the same file through the UI (file input), on the same kernel.
    await page.selectOption('[data-testid=variant-select]', kernel);
    await page.setInputFiles('[data-testid=file-input]', {
      name: basename(file),
      mimeType: 'application/json',
      buffer: readFileSync(file),
    });
    const subject = doc.subject.name as string;
    // A scenario names its own kernel; a host takes the toolbar's.
    await page.waitForSelector(
      `[data-testid=summary][data-subject="${subject}"][data-variant="${doc.subject.kernel}"]`,
      {
        timeout: 60_000,
      },
    );
    await page.waitForSelector(`svg[data-testid=map][data-level]`);
    const attrs = await page.evaluate(() => {
      const svg = document.querySelector('svg[data-testid=map]')!;
      return Object.fromEntries([...svg.attributes].map((a) => [a.name, a.value]));
    });
    const appMap = fromSvgAttrs((n) => attrs[n] ?? null);

    for (const [face, told] of [
      ['Markdown', md],
      ['report map', reportMap],
      ['app map', appMap],
    ] as const) {
      assert.deepEqual(told, json, `${stem}: ${face} tells another outcome than r.json`);
    }
    if (!json.ok) failures++;
    refusedSeen += json.blocks.refused;
  }
  assert.ok(failures >= 10, `the set holds failures (${failures})`);
  assert.ok(refusedSeen > 0, 'and refused memory blocks');
});
