/**
 * A native binary that will not load, told in one line with what to run. The
 * classic case: node_modules/better-sqlite3 built for one runtime and loaded
 * by the other ("was compiled against a different Node.js version using
 * NODE_MODULE_VERSION 139. This version of Node.js requires NODE_MODULE_VERSION
 * 115"), e.g. after an in-place Electron rebuild of node_modules.
 */
import { REBUILD_ELECTRON_COMMAND } from './select.js';

function firstLine(s: string): string {
  const line = s.split('\n')[0].trim();
  return line.length > 300 ? `${line.slice(0, 300)}…` : line;
}

/** What went wrong when a .node file failed to load, or null when `e` is not such a failure. */
export function addonLoadProblem(e: unknown): string | null {
  if (!(e instanceof Error)) return null;
  const code = (e as NodeJS.ErrnoException).code;
  const flat = e.message.replace(/\s+/g, ' ');
  const abi = /NODE_MODULE_VERSION (\d+)\. This version of \S+(?: \S+)? requires NODE_MODULE_VERSION (\d+)/.exec(flat);
  if (abi) return `it was built for NODE_MODULE_VERSION ${abi[1]}, and this runtime needs ${abi[2]}`;
  if (/Could not locate the bindings file/.test(e.message))
    return 'better-sqlite3 has no build (node_modules/better-sqlite3/build is empty)';
  if (code === 'MODULE_NOT_FOUND' && /\.node\b/.test(e.message)) return firstLine(e.message);
  if (code === 'ERR_DLOPEN_FAILED') return firstLine(e.message);
  return null;
}

/** The fix for a driver that will not load in this runtime. */
export function driverFix(runtime: 'node' | 'electron'): string {
  return runtime === 'electron'
    ? `run \`${REBUILD_ELECTRON_COMMAND}\``
    : 'run `npm rebuild better-sqlite3` (node_modules must hold the Node build; the app keeps its own in native-electron/)';
}
