/**
 * Runs this build's CLI and reports its peak memory and time on stderr as
 * "max-rss-kb N seconds S cpu-seconds C" (for benchmarks that measure
 * commands; CPU time stays meaningful on a machine shared with other work).
 */
import { performance } from 'node:perf_hooks';
import { runCli } from '../../main/cli/index.js';

const t0 = performance.now();
const code = await runCli(process.argv.slice(2));
const use = process.resourceUsage();
process.stderr.write(
  `max-rss-kb ${use.maxRSS} seconds ${((performance.now() - t0) / 1000).toFixed(2)} cpu-seconds ${((use.userCPUTime + use.systemCPUTime) / 1e6).toFixed(2)}\n`,
);
process.exitCode = code;
