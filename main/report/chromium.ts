/**
 * Headless Chromium through playwright-core, for the PNG and PDF formats.
 * The report page is static (no scripts, no network), so Chromium only
 * lays it out; every request it would make is aborted.
 */
import { accessSync, constants, existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { InputError } from '../node/input-file.js';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const CANDIDATES = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable'];

function executable(p: string): boolean {
  try {
    accessSync(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** --chromium PATH, else /usr/bin/chromium, else the first Chromium on PATH; an InputError (exit 2) if none. */
export function findChromium(explicit?: string): string {
  if (explicit) {
    if (!existsSync(explicit)) throw new InputError(`--chromium ${explicit}: no such file`);
    if (!executable(explicit)) throw new InputError(`--chromium ${explicit}: not executable`);
    return explicit;
  }
  if (executable('/usr/bin/chromium')) return '/usr/bin/chromium';
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    for (const name of CANDIDATES) {
      const p = join(dir, name);
      if (dir && executable(p)) return p;
    }
  }
  throw new InputError(
    'PNG and PDF reports need headless Chromium, and none was found (looked for /usr/bin/chromium and chromium, chromium-browser, google-chrome on PATH): install it or pass --chromium PATH, or write .html or .svg instead',
  );
}

export interface PdfOptions {
  title: string;
}

type Browser = import('playwright-core').Browser;

async function withPage<T>(
  chromiumPath: string,
  html: string,
  f: (page: import('playwright-core').Page) => Promise<T>,
): Promise<T> {
  const { chromium } = await import('playwright-core');
  let browser: Browser;
  try {
    browser = await chromium.launch({ executablePath: chromiumPath, args: CHROMIUM_ARGS, headless: true });
  } catch (e) {
    throw new InputError(`cannot start Chromium at ${chromiumPath}: ${(e as Error).message.split('\n')[0]}`);
  }
  try {
    const page = await browser.newPage({ viewport: { width: 1180, height: 900 }, deviceScaleFactor: 1 });
    await page.route('**/*', (route) => route.abort());
    await page.setContent(html, { waitUntil: 'load' });
    await page.emulateMedia({ media: 'screen' });
    return await f(page);
  } finally {
    await browser.close();
  }
}

export async function renderPng(chromiumPath: string, html: string): Promise<Buffer> {
  return withPage(chromiumPath, html, (page) => page.screenshot({ fullPage: true, type: 'png' }));
}

export async function renderPdf(chromiumPath: string, html: string, o: PdfOptions): Promise<Buffer> {
  const pdf = await withPage(chromiumPath, html, async (page) => {
    await page.emulateMedia({ media: 'print' });
    return page.pdf({
      format: 'A4',
      printBackground: true,
      preferCSSPageSize: true,
      outline: true,
      tagged: true,
      displayHeaderFooter: true,
      headerTemplate: '<span></span>',
      footerTemplate: `<div style="font-size:10px;width:100%;padding:0 12mm;color:#59636e;display:flex;justify-content:space-between;font-family:Arial,sans-serif"><span>${o.title.replace(/[<>&"]/g, '')}</span><span><span class="pageNumber"></span> / <span class="totalPages"></span></span></div>`,
    });
  });
  return normalizePdf(pdf);
}

/** A fixed date with the same length as the one replaced, so xref offsets stay valid. */
function fixedLike(s: string, fixed: string): string {
  return (fixed + ' '.repeat(s.length)).slice(0, s.length).replace(/ +$/, (m) => m);
}

/**
 * Chromium stamps the PDF with creation/modification dates, and names the
 * tagged-PDF structure elements after DOM node numbers that change from run
 * to run (/ID (node00000419), the IDTree, table /Headers): not only shifted,
 * their order changes too (a comparison's grid headers came out rotated).
 * Overwrite the dates with a fixed one and rename each node after the rank
 * of the structure element that carries it (object numbers follow the
 * document, so they are stable), each in place with the same length so the
 * xref offsets stay right; the IDTree's pairs are then re-sorted by name
 * within their array, which keeps its length too. The same report gives the
 * same bytes.
 */
export function normalizePdf(pdf: Buffer): Buffer {
  const s = pdf.toString('latin1');
  const owner = new Map<number, number>();
  for (const m of s.matchAll(/(\d+) 0 obj\s*<<\/Type \/StructElem[^]*?endobj/g)) {
    const id = /\/ID \(node(\d{8})\)/.exec(m[0]);
    if (id) owner.set(Number(id[1]), Number(m[1]));
  }
  const nodes = [...new Set([...s.matchAll(/\(node(\d{8})\)/g)].map((m) => Number(m[1])))].sort(
    (a, b) => (owner.get(a) ?? Infinity) - (owner.get(b) ?? Infinity) || a - b,
  );
  const rank = new Map(nodes.map((n, i) => [n, i]));
  const out = s
    .replace(/\(node(\d{8})\)/g, (_m, d: string) => `(node${String(rank.get(Number(d))).padStart(8, '0')})`)
    .replace(
      /(\/Limits \[\(node\d{8}\) \(node\d{8}\)\]\s*)?\/Names \[((?:\(node\d{8}\) \d+ 0 R\s*)+)\]/g,
      (_m, limits: string | undefined, body: string) => {
        const pairs = body.match(/\(node\d{8}\) \d+ 0 R/g)!;
        const gaps = body.split(/\(node\d{8}\) \d+ 0 R/);
        pairs.sort();
        const name = (pair: string) => pair.slice(0, pair.indexOf(')') + 1);
        // A leaf's /Limits name its first and last key, as before the renaming.
        const head = limits?.replace(/\[.*\]/, `[${name(pairs[0])} ${name(pairs[pairs.length - 1])}]`) ?? '';
        return `${head}/Names [${gaps.map((g, i) => g + (pairs[i] ?? '')).join('')}]`;
      },
    )
    .replace(/\/(CreationDate|ModDate) ?\(D:([^)]*)\)/g, (m, _k, d: string) =>
      m.replace(d, fixedLike(d, "20000101000000+00'00'")),
    )
    .replace(/<xmp:(CreateDate|ModifyDate|MetadataDate)>([^<]*)</g, (m, _k, d: string) =>
      m.replace(d, fixedLike(d, '2000-01-01T00:00:00+00:00')),
    );
  return Buffer.from(out, 'latin1');
}
