/**
 * Where the lab notebook lives: one SQLite file in the user's data folder,
 * overridable with `--db PATH` (wins) or the TDX_LAB_DB environment variable.
 */
import { homedir } from 'node:os';
import { join, win32 } from 'node:path';

export const DB_FILE_NAME = 'lab.db';
export const APP_DIR_NAME = 'tdx-lab';

/** The per-user default: XDG data home on Linux, Application Support on macOS, %APPDATA% on Windows. */
export function defaultDbPath(
  platform: NodeJS.Platform = process.platform,
  env: NodeJS.ProcessEnv = process.env,
  home: string = homedir(),
): string {
  if (platform === 'win32') {
    const appData = env.APPDATA || win32.join(home, 'AppData', 'Roaming');
    return win32.join(appData, APP_DIR_NAME, DB_FILE_NAME);
  }
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', APP_DIR_NAME, DB_FILE_NAME);
  // XDG Base Directory spec: a relative XDG_DATA_HOME is invalid and ignored.
  const xdg = env.XDG_DATA_HOME;
  const dataHome = xdg && xdg.startsWith('/') ? xdg : join(home, '.local', 'share');
  return join(dataHome, APP_DIR_NAME, DB_FILE_NAME);
}

export interface ResolvedDbPath {
  path: string;
  /** True for the per-user default (its folder may be created); false for --db / TDX_LAB_DB. */
  isDefault: boolean;
}

/** --db beats TDX_LAB_DB beats the per-user default. */
export function resolveDbPath(flag?: string, env: NodeJS.ProcessEnv = process.env): ResolvedDbPath {
  if (flag) return { path: flag, isDefault: false };
  if (env.TDX_LAB_DB) return { path: env.TDX_LAB_DB, isDefault: false };
  return { path: defaultDbPath(process.platform, env), isDefault: true };
}
