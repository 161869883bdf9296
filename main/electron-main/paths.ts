/** Where the Electron shell finds its pieces in the build (dist/main/electron-main/ → dist/…). */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

/** The CommonJS bundle scripts/build-preload.mjs writes (sandboxed preloads cannot be ESM). */
export const PRELOAD_PATH = join(here, '..', 'electron-preload', 'preload.cjs');
/** The vite build of renderer/. */
export const RENDERER_INDEX = join(here, '..', '..', 'app', 'index.html');
