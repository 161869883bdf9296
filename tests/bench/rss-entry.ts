/**
 * Runs this build's CLI and reports its peak memory and time on stderr as
 * "max-rss-kb N seconds S" (for benchmarks that measure commands).
 */
import { performance } from 'node:perf_hooks';
import { runCli } from '../../main/cli/index.js';

const t0 = performance.now();
const code = await runCli(process.argv.slice(2));
process.stderr.write(
  `max-rss-kb ${process.resourceUsage().maxRSS} seconds ${((performance.now() - t0) / 1000).toFixed(2)}\n`,
);
process.exitCode = code;
