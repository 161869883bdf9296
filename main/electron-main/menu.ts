/**
 * The application menu. File commands read the chosen file here (main has
 * the filesystem) and send its text to the renderer, which opens it through
 * the same API as a dropped file.
 */
import { Menu, dialog, type BrowserWindow, type MenuItemConstructorOptions } from 'electron';
import { basename } from 'node:path';
import { IPC_MENU, type ApiEnvelope, type MenuCommand, type SessionInfo } from '../common/api-contract.js';
import type { LabApi } from '../api/lab-api.js';
import { InputError, readTextFile } from '../node/input-file.js';

function send(win: BrowserWindow, c: MenuCommand): void {
  win.webContents.send(IPC_MENU, c);
}

async function openHost(win: BrowserWindow): Promise<void> {
  const r = await dialog.showOpenDialog(win, {
    title: 'Open host',
    properties: ['openFile'],
    filters: [
      { name: 'Host JSON (canonical host or golden case)', extensions: ['json'] },
      { name: 'All files', extensions: ['*'] },
    ],
  });
  const file = r.filePaths[0];
  if (r.canceled || !file) return;
  try {
    send(win, { kind: 'open-host', name: basename(file), hostJson: readTextFile(file) });
  } catch (e) {
    dialog.showErrorBox('Cannot open host', e instanceof InputError ? e.message : String(e));
  }
}

async function importArtifacts(win: BrowserWindow): Promise<void> {
  const r = await dialog.showOpenDialog(win, {
    title: 'Import recorded host artifacts (dmesg, /proc/iomem, lsmem, numactl, e820, cxl list)',
    properties: ['openFile', 'multiSelections'],
  });
  if (r.canceled || r.filePaths.length === 0) return;
  try {
    const files = r.filePaths.map((f) => ({ name: basename(f), text: readTextFile(f) }));
    send(win, { kind: 'import-artifacts', files });
  } catch (e) {
    dialog.showErrorBox('Cannot import', e instanceof InputError ? e.message : String(e));
  }
}

async function recentSessions(api: LabApi): Promise<SessionInfo[]> {
  const r = (await api.call('listSessions', {})) as ApiEnvelope<SessionInfo[]>;
  return r.ok ? r.value.slice(0, 10) : [];
}

export async function buildMenu(win: BrowserWindow, api: LabApi): Promise<void> {
  const sessions = await recentSessions(api);
  const isMac = process.platform === 'darwin';
  const template: MenuItemConstructorOptions[] = [
    ...(isMac ? [{ role: 'appMenu' as const }] : []),
    {
      label: 'File',
      submenu: [
        { label: 'Open host…', accelerator: 'CmdOrCtrl+O', click: () => void openHost(win) },
        { label: 'Import…', accelerator: 'CmdOrCtrl+I', click: () => void importArtifacts(win) },
        {
          label: 'Recent sessions',
          submenu: sessions.length
            ? [
                ...sessions.map((s) => ({ label: s.name, click: () => send(win, { kind: 'open-session', id: s.id }) })),
                { type: 'separator' as const },
                {
                  label: 'All sessions…',
                  accelerator: 'CmdOrCtrl+Shift+S',
                  click: () => send(win, { kind: 'open-sessions' }),
                },
              ]
            : [{ label: 'No sessions yet', enabled: false }],
        },
        { type: 'separator' },
        { label: 'Export report…', accelerator: 'CmdOrCtrl+E', click: () => send(win, { kind: 'export-report' }) },
        { type: 'separator' },
        isMac ? { role: 'close' } : { label: 'Quit', accelerator: 'CmdOrCtrl+Q', role: 'quit' },
      ],
    },
    { role: 'editMenu' },
    {
      label: 'View',
      submenu: [
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
      ],
    },
    { role: 'windowMenu' },
  ];
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
}
