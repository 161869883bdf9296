/**
 * The one API object the UI talks to: Electron's preload bridge when the
 * app runs in Electron, otherwise the HTTP/WebSocket bridge of serve mode.
 */
import type { TdxLabApi } from '../../../main/common/api-contract.js';
import { createHttpBridge, takeToken } from './http-bridge.js';

declare global {
  interface Window {
    tdxLab?: TdxLabApi;
  }
}

export function getApi(): TdxLabApi {
  if (!window.tdxLab) window.tdxLab = createHttpBridge(takeToken());
  return window.tdxLab;
}
