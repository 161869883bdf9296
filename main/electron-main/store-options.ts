/**
 * How the desktop app opens the lab notebook: in a store worker thread (so a
 * large export or diff never freezes a window), with the Electron build of
 * better-sqlite3 this process selected (main/native-binding).
 */
import type { NativeBindings } from '../native-binding/select.js';
import { sqliteNativeBinding } from '../native-binding/select.js';
import type { ResolvedDbPath } from '../store/paths.js';
import type { OpenStoreOptions } from '../store/worker/open-store.js';

export function appStoreOptions(db: ResolvedDbPath, native: NativeBindings): OpenStoreOptions {
  const nativeBinding = sqliteNativeBinding(native);
  // Without a usable build, openStore itself refuses with the reason and the command to run.
  return { mode: 'worker', createDir: db.isDefault, ...(nativeBinding !== undefined && { nativeBinding }) };
}
