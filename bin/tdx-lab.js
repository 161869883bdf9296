#!/usr/bin/env node
// Entry point for `npx tdx-lab`: runs the compiled CLI (built by `npm install` via prepare).
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const entry = join(root, 'dist', 'main', 'cli', 'index.js');
if (!existsSync(entry)) {
  process.stderr.write('tdx-lab: not built yet: run `npm install` (or `npm run build`) in ' + root + '\n');
  process.exit(2);
}
const { runCli } = await import(entry);
const code = await runCli(process.argv.slice(2));
process.exitCode = code;
