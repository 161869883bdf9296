/**
 * The contract over HTTP + WebSocket, for `tdx-lab serve`. The access token
 * comes from the URL fragment (#token=…, never sent to servers or logs) or
 * the query; it is kept in sessionStorage so a reload still works, and the
 * URL is cleaned so the token does not linger in the address bar.
 */
import {
  API_METHODS,
  HTTP_API_PREFIX,
  TOKEN_HEADER,
  WS_EVENTS_PATH,
  ApiError,
  unwrapEnvelope,
  validateCall,
  type ApiEnvelope,
  type ApiMethod,
  type ProgressEvent,
  type TdxLabApi,
} from '../../../main/common/api-contract.js';

const STORAGE_KEY = 'tdx-lab-token';

export function takeToken(): string | null {
  const fromHash = new URLSearchParams(location.hash.replace(/^#/, '')).get('token');
  const fromQuery = new URLSearchParams(location.search).get('token');
  const token = fromHash ?? fromQuery;
  if (token) {
    sessionStorage.setItem(STORAGE_KEY, token);
    history.replaceState(null, '', location.pathname);
    return token;
  }
  return sessionStorage.getItem(STORAGE_KEY);
}

export function createHttpBridge(token: string | null): TdxLabApi {
  const listeners = new Set<(e: ProgressEvent) => void>();
  let socket: WebSocket | null = null;

  const connect = () => {
    if (socket || !token) return;
    const url = `ws://${location.host}${WS_EVENTS_PATH}?token=${encodeURIComponent(token)}`;
    socket = new WebSocket(url);
    socket.onmessage = (m) => {
      const msg = JSON.parse(String(m.data)) as { type: string; event: ProgressEvent };
      if (msg.type === 'progress') for (const l of listeners) l(msg.event);
    };
    socket.onclose = () => {
      socket = null;
      // Reconnect while someone listens (the server may have restarted).
      if (listeners.size) setTimeout(connect, 2000);
    };
  };

  async function call(method: ApiMethod, args: unknown): Promise<unknown> {
    validateCall(method, args); // fail fast with the same message the server would give
    if (!token)
      throw new ApiError(
        'bad-arguments',
        'no access token: open the URL that `tdx-lab serve` printed (it ends in #token=…)',
      );
    let res: Response;
    try {
      res = await fetch(`.${HTTP_API_PREFIX}${method}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [TOKEN_HEADER]: token },
        body: JSON.stringify(args),
      });
    } catch {
      throw new ApiError('unavailable', 'cannot reach the lab server: is `tdx-lab serve` still running?');
    }
    const envelope = (await res.json()) as ApiEnvelope<unknown>;
    return unwrapEnvelope(envelope);
  }

  const api: Record<string, unknown> = {
    transport: 'http',
    onProgress(l: (e: ProgressEvent) => void) {
      listeners.add(l);
      connect();
      return () => listeners.delete(l);
    },
    onMenu() {
      return () => {};
    },
  };
  for (const m of API_METHODS) api[m] = (args: unknown) => call(m, args);
  return api as unknown as TdxLabApi;
}
