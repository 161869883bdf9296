/**
 * `tdx-lab serve`: the app in a browser. A node:http server bound to
 * 127.0.0.1 only serves the built renderer and the API: POST /api/<method>
 * with a JSON body, and progress events on a WebSocket at /events.
 * A random token, printed with the URL, guards every API request and the
 * WebSocket; the Host header is checked too, so a web page elsewhere cannot
 * reach the API through DNS rebinding.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { HTTP_API_PREFIX, TOKEN_HEADER, WS_EVENTS_PATH, type ProgressEvent } from '../common/api-contract.js';
import { createLabApi, type LabApi, type LabApiOptions } from '../api/lab-api.js';
import { defaultRendererDir, staticFile } from './static-files.js';

/** Only loopback: the server is for the person at this machine. */
export const SERVE_HOST = '127.0.0.1';
// A document at the app's limit (256 MiB) grows by its JSON escapes on the way: room for that.
const MAX_BODY = 384 * 1024 * 1024;

/** What the page may load: only itself, plus the event socket on loopback. */
export const SERVE_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self'; " +
  "connect-src 'self' ws://127.0.0.1:*; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

export interface ServeOptions extends LabApiOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  rendererDir?: string;
  /** Fixed token (tests); default 32 random hex digits. */
  token?: string;
}

export interface RunningServer {
  server: Server;
  url: string;
  token: string;
  port: number;
  api: LabApi;
  close(): Promise<void>;
}

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function send(res: ServerResponse, status: number, body: unknown, extra: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...extra });
  res.end(text);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new Error(`request body larger than ${MAX_BODY / 1024 / 1024} MiB`));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export async function startServer(options: ServeOptions = {}): Promise<RunningServer> {
  const token = options.token ?? randomBytes(16).toString('hex');
  const rendererDir = options.rendererDir ?? defaultRendererDir();
  const api = createLabApi(options);
  const sockets = new Set<WebSocket>();
  let port = 0;

  const hostAllowed = (req: IncomingMessage) => {
    const h = req.headers.host ?? '';
    return h === `${SERVE_HOST}:${port}` || h === `localhost:${port}`;
  };
  const tokenStatus = (given: string | null): 0 | 401 | 403 => (!given ? 401 : sameToken(given, token) ? 0 : 403);
  const broadcast = (e: ProgressEvent) => {
    const msg = JSON.stringify({ type: 'progress', event: e });
    for (const s of sockets) if (s.readyState === s.OPEN) s.send(msg);
  };

  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', `http://${SERVE_HOST}`);
    if (!hostAllowed(req))
      return send(res, 421, { ok: false, error: { code: 'bad-arguments', message: 'unexpected Host header' } });

    if (url.pathname.startsWith(HTTP_API_PREFIX)) {
      const status = tokenStatus((req.headers[TOKEN_HEADER] as string | undefined) ?? null);
      if (status) {
        const message =
          status === 401 ? `missing API token (send it in the ${TOKEN_HEADER} header)` : 'wrong API token';
        return send(res, status, { ok: false, error: { code: 'bad-arguments', message } });
      }
      if (req.method !== 'POST')
        return send(
          res,
          405,
          { ok: false, error: { code: 'bad-arguments', message: 'API calls are POST' } },
          { allow: 'POST' },
        );
      let args: unknown;
      try {
        const text = await readBody(req);
        args = text.trim() === '' ? {} : JSON.parse(text);
      } catch (e) {
        return send(res, 400, {
          ok: false,
          error: { code: 'bad-arguments', message: `request body: ${(e as Error).message}` },
        });
      }
      const method = url.pathname.slice(HTTP_API_PREFIX.length);
      const envelope = await api.call(method, args, broadcast);
      const code = envelope.ok
        ? 200
        : envelope.error.code === 'internal'
          ? 500
          : envelope.error.code === 'not-found'
            ? 404
            : envelope.error.code === 'unavailable'
              ? 503
              : 400;
      return send(res, code, envelope);
    }

    if (req.method !== 'GET' && req.method !== 'HEAD')
      return send(res, 405, { ok: false, error: { code: 'bad-arguments', message: 'method not allowed' } });
    const file = staticFile(rendererDir, url.pathname);
    if (!file) {
      const hint = url.pathname === '/' ? ` (no renderer build in ${rendererDir}: run npm run build)` : '';
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
      return res.end(`not found${hint}\n`);
    }
    res.writeHead(200, {
      'content-type': file.type,
      'content-security-policy': SERVE_CSP,
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'cache-control': 'no-cache',
    });
    res.end(req.method === 'HEAD' ? undefined : file.body);
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', `http://${SERVE_HOST}`);
    const origin = req.headers.origin;
    const originOk =
      origin === undefined || origin === `http://${SERVE_HOST}:${port}` || origin === `http://localhost:${port}`;
    if (
      url.pathname !== WS_EVENTS_PATH ||
      !hostAllowed(req) ||
      !originOk ||
      tokenStatus(url.searchParams.get('token'))
    ) {
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      sockets.add(ws);
      ws.on('close', () => sockets.delete(ws));
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, SERVE_HOST, () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  const url = `http://${SERVE_HOST}:${port}/#token=${token}`;
  return {
    server,
    url,
    token,
    port,
    api,
    async close() {
      for (const s of sockets) s.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      await api.close();
    },
  };
}
