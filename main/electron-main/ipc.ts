/**
 * The IPC side of the contract: one invoke channel carrying (method, args).
 * LabApi.call validates both with the contract's zod schemas (API_ARGS)
 * before anything runs and answers with an envelope, so a bad argument is
 * a clear error in the renderer, never a crash in main. Only our own page
 * may call.
 */
import { ipcMain, type IpcMainInvokeEvent } from 'electron';
import { IPC_INVOKE, IPC_PROGRESS, type ApiEnvelope } from '../common/api-contract.js';
import type { LabApi } from '../api/lab-api.js';
import { isAppUrl } from './security.js';

export function registerIpc(api: LabApi): void {
  ipcMain.handle(
    IPC_INVOKE,
    async (event: IpcMainInvokeEvent, method: unknown, args: unknown): Promise<ApiEnvelope<unknown>> => {
      if (!isAppUrl(event.senderFrame?.url)) {
        return {
          ok: false,
          error: { code: 'bad-arguments', message: 'API calls are accepted from the app window only' },
        };
      }
      return api.call(method, args, (e) => {
        if (!event.sender.isDestroyed()) event.sender.send(IPC_PROGRESS, e);
      });
    },
  );
}
