/**
 * Runs this build's CLI in a child process (`node cli-entry.js ARGS...`), for
 * tests: unlike bin/tdx-lab.js it uses the tree it was compiled into.
 */
import { runCli } from '../../main/cli/index.js';

process.exitCode = await runCli(process.argv.slice(2));
