/**
 * `node --import dist/tests/store/worker/register.js`: routes the store tests
 * (and the crash writer they spawn) through the store worker (hooks.ts). The
 * CLI the tests spawn keeps the direct store, as it does in production.
 */
import { register } from 'node:module';
import { basename } from 'node:path';

if (basename(process.argv[1] ?? '') !== 'cli-entry.js') register('./hooks.js', import.meta.url);
