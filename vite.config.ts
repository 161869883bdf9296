// The renderer build: renderer/ → dist/app, relative URLs so the same
// files load from file:// (Electron) and from `tdx-lab serve`.
import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { fileURLToPath } from 'node:url';

export default defineConfig({
  root: fileURLToPath(new URL('./renderer', import.meta.url)),
  base: './',
  plugins: [svelte()],
  build: {
    outDir: fileURLToPath(new URL('./dist/app', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    // The map and engine are one feature; a single chunk keeps file:// loading simple.
    chunkSizeWarningLimit: 2000,
    modulePreload: { polyfill: false },
  },
});
