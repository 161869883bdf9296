/**
 * The preload bridge: exposes the API contract to the page as
 * `window.tdxLab` through contextBridge. It forwards (method, args) over one
 * IPC channel; main validates everything, so nothing here is trusted.
 * Bundled to CommonJS by scripts/build-preload.mjs (sandboxed preloads
 * cannot be ES modules).
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import {
  API_METHODS,
  IPC_INVOKE,
  IPC_MENU,
  IPC_PROGRESS,
  unwrapEnvelope,
  type ApiEnvelope,
  type MenuCommand,
  type ProgressEvent,
} from '../common/api-contract.js';

function subscribe<T>(channel: string, listener: (value: T) => void): () => void {
  // Never hand the renderer the IpcRendererEvent (it exposes ipcRenderer itself).
  const wrapped = (_e: IpcRendererEvent, value: T) => listener(value);
  ipcRenderer.on(channel, wrapped);
  return () => ipcRenderer.removeListener(channel, wrapped);
}

const api: Record<string, unknown> = {
  transport: 'electron',
  onProgress: (l: (e: ProgressEvent) => void) => subscribe(IPC_PROGRESS, l),
  onMenu: (l: (c: MenuCommand) => void) => subscribe(IPC_MENU, l),
};
for (const m of API_METHODS) {
  api[m] = async (args: unknown) =>
    unwrapEnvelope((await ipcRenderer.invoke(IPC_INVOKE, m, args)) as ApiEnvelope<unknown>);
}

contextBridge.exposeInMainWorld('tdxLab', api);
