/**
 * The desktop app's main process (package.json "main"): one window, the
 * application menu, and the API served over IPC by the same Node
 * implementation `tdx-lab serve` uses.
 */
import { app } from 'electron';
import { createLabApi, type LabApi } from '../api/lab-api.js';
import { resolveDbPath } from '../store/paths.js';
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
  api = createLabApi({ storePath: db.path, storeCreateDir: db.isDefault });
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
