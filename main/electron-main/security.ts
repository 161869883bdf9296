/**
 * The shell's hardening, applied to every web contents the app ever
 * creates: no navigation away from the bundled page, no new windows, no
 * <webview>, no permission prompts. Remote content never loads.
 */
import { app, session, type WebContents } from 'electron';
import { pathToFileURL } from 'node:url';
import { RENDERER_INDEX } from './paths.js';

export const RENDERER_URL = pathToFileURL(RENDERER_INDEX).href;

/** True for our own page only (the file URL, ignoring #fragment). */
export function isAppUrl(url: string | undefined): boolean {
  return !!url && url.split('#')[0] === RENDERER_URL;
}

export function hardenApp(): void {
  app.on('web-contents-created', (_e, contents: WebContents) => {
    contents.on('will-navigate', (e) => e.preventDefault());
    contents.on('will-redirect', (e) => e.preventDefault());
    contents.on('will-attach-webview', (e) => e.preventDefault());
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  });
}

/** Call once the app is ready: deny every permission request (camera, notifications, …). */
export function hardenSession(): void {
  session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  session.defaultSession.setPermissionCheckHandler(() => false);
}
