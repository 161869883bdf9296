/** Options several commands share, defined once so their help reads the same everywhere. */
import { Option } from 'commander';
import { MAX_INPUT_SIZE_HELP, maxInputSizeArg } from '../node/input-limits.js';

/** --max-input-size SIZE: raises the size limit of every file the command reads (cli/index.ts applies it). */
export function maxInputSizeOption(): Option {
  return new Option('--max-input-size <size>', MAX_INPUT_SIZE_HELP).argParser(maxInputSizeArg);
}

/** -f, --force: let --out replace an existing regular file (never a database). */
export function forceOption(): Option {
  return new Option('-f, --force', 'replace the --out file if it exists (a database is never replaced)');
}
