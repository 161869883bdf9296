/** Serving the built renderer (dist/app) read-only, never outside its folder. */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.map': 'application/json; charset=utf-8',
};

/** dist/main/serve/ → dist/app, or TDX_LAB_RENDERER_DIR (tests building elsewhere). */
export function defaultRendererDir(): string {
  return process.env.TDX_LAB_RENDERER_DIR ?? resolve(fileURLToPath(new URL('../../app', import.meta.url)));
}

export interface StaticFile {
  body: Buffer;
  type: string;
}

/** The file for a URL path, or null (missing, a folder, or outside root). */
export function staticFile(root: string, urlPath: string): StaticFile | null {
  let p: string;
  try {
    p = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (p.includes('\0')) return null;
  if (p === '/' || p === '') p = '/index.html';
  const file = normalize(join(root, p));
  if (file !== root && !file.startsWith(root.endsWith(sep) ? root : root + sep)) return null;
  if (!existsSync(file) || !statSync(file).isFile()) return null;
  return { body: readFileSync(file), type: TYPES[extname(file)] ?? 'application/octet-stream' };
}
