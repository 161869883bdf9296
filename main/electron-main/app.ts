/**
 * The desktop app's main process (package.json "main"): one window, the
 * application menu, and the API served over IPC by the same Node
 * implementation `tdx-lab serve` uses. Native modules are Electron's own
 * builds (native-electron/, main/native-binding), never node_modules' Node builds.
 */
import { app } from 'electron';
import { createLabApi, type LabApi, type LabApiOptions } from '../api/lab-api.js';
import { choiceProblem } from '../native-binding/select.js';
import { nativeBindingsForThisProcess } from '../native-binding/this-process.js';
import { resolveDbPath } from '../store/paths.js';
import type { OpenStoreOptions } from '../store/worker/open-store.js';
import { appStoreOptions } from './store-options.js';
import { registerIpc } from './ipc.js';
import { buildMenu } from './menu.js';
import { hardenApp, hardenSession } from './security.js';
import { createMainWindow } from './window.js';

let api: LabApi | null = null;

hardenApp();
if (!app.requestSingleInstanceLock()) app.quit();

app.whenReady().then(async () => {
  hardenSession();
  const db = resolveDbPath();
  const native = nativeBindingsForThisProcess();
  // Told once in `npm start`'s terminal; the store's own errors carry the same line to the window.
  for (const choice of [native.sqlite, native.cpuid]) {
    const problem = choiceProblem(choice);
    if (problem) console.error(`tdx-lab: ${problem}`);
  }
  // `store`: how the composition root opens the notebook (openStore: worker mode, this binding).
  const options: LabApiOptions & { store: OpenStoreOptions } = {
    storePath: db.path,
    storeCreateDir: db.isDefault,
    store: appStoreOptions(db, native),
  };
  api = createLabApi(options);
  registerIpc(api);
  const win = createMainWindow();
  await buildMenu(win, api);
  app.on('second-instance', () => {
    if (win.isMinimized()) win.restore();
    win.focus();
  });
});

app.on('window-all-closed', () => {
  app.quit();
});

app.on('will-quit', () => {
  void api?.close();
});
