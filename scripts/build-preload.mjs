// Bundles the Electron preload to one CommonJS file: a sandboxed preload
// can only require('electron') (and a few node built-ins), not ES modules
// or our other files. Output: <outDir>/main/electron-preload/preload.cjs.
//   node scripts/build-preload.mjs [outDir]   (default: dist)
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

const root = fileURLToPath(new URL('..', import.meta.url));
const outDir = process.argv[2] ?? join(root, 'dist');

await build({
  entryPoints: [join(root, 'main/electron-preload/preload.ts')],
  outfile: join(outDir, 'main/electron-preload/preload.cjs'),
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  external: ['electron'],
  minify: true,
  sourcemap: true,
  logLevel: 'warning',
});
