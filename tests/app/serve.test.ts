/**
 * `tdx-lab serve`: loopback only, the token guards every API request and
 * the event socket, the Host header is checked, the page gets a CSP, and
 * files outside the renderer build are never served.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import WebSocket from 'ws';
import { startServer, type RunningServer } from '../../main/serve/server.js';
import { TOKEN_HEADER, type ProgressEvent } from '../../main/common/api-contract.js';
import { RENDERER_DIR, SAMPLES_DIR, requireRendererBuild } from './app-helpers.js';
import { PROJECT_ROOT } from '../helpers/golden.js';
import { TDX_LAB_BIN, runTdxLab } from '../helpers/cli.js';

let s: RunningServer;

before(async () => {
  requireRendererBuild();
  s = await startServer({ rendererDir: RENDERER_DIR, samplesDir: SAMPLES_DIR, inProcess: true });
});
after(async () => {
  await s?.close();
});

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A raw HTTP request (fetch would not let us set a foreign Host header). */
function http(
  method: string,
  path: string,
  options: { headers?: Record<string, string>; body?: string } = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: s.port, method, path, headers: options.headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

test('binds to 127.0.0.1 only and prints a URL carrying the token in the fragment', () => {
  const a = s.server.address() as AddressInfo;
  assert.equal(a.address, '127.0.0.1');
  assert.equal(a.family, 'IPv4');
  assert.equal(s.url, `http://127.0.0.1:${a.port}/#token=${s.token}`);
  assert.match(s.token, /^[0-9a-f]{32}$/);
});

test('API requests without the token get 401, with a wrong one 403', async () => {
  const none = await http('POST', '/api/listSamples', { body: '{}' });
  assert.equal(none.status, 401);
  assert.match(JSON.parse(none.body).error.message, /missing API token/);
  const wrong = await http('POST', '/api/listSamples', { body: '{}', headers: { [TOKEN_HEADER]: 'f'.repeat(32) } });
  assert.equal(wrong.status, 403);
  const shortWrong = await http('POST', '/api/analyze', { body: '{}', headers: { [TOKEN_HEADER]: 'x' } });
  assert.equal(shortWrong.status, 403);
  const inQuery = await http('POST', `/api/listSamples?token=${s.token}`, { body: '{}' });
  assert.equal(inQuery.status, 401, 'the token is only accepted in its header, not in API URLs');
});

test("with the token the API answers, and bad arguments are a 400 with the contract's message", async () => {
  const ok = await http('POST', '/api/listSamples', { body: '{}', headers: { [TOKEN_HEADER]: s.token } });
  assert.equal(ok.status, 200);
  assert.ok(JSON.parse(ok.body).value.length >= 1);
  const bad = await http('POST', '/api/loadSample', { body: '{"name": 3}', headers: { [TOKEN_HEADER]: s.token } });
  assert.equal(bad.status, 400);
  assert.match(JSON.parse(bad.body).error.message, /^loadSample: argument \$\.name: /);
  const notJson = await http('POST', '/api/loadSample', { body: '{name', headers: { [TOKEN_HEADER]: s.token } });
  assert.equal(notJson.status, 400);
  assert.match(JSON.parse(notJson.body).error.message, /^request body: /);
  const unknown = await http('POST', '/api/rm', { body: '{}', headers: { [TOKEN_HEADER]: s.token } });
  assert.equal(unknown.status, 400);
  assert.match(JSON.parse(unknown.body).error.message, /unknown API method "rm"/);
  const get = await http('GET', '/api/listSamples', { headers: { [TOKEN_HEADER]: s.token } });
  assert.equal(get.status, 405);
});

test('a foreign Host header is refused (DNS rebinding)', async () => {
  const r = await http('POST', '/api/listSamples', {
    body: '{}',
    headers: { [TOKEN_HEADER]: s.token, host: `evil.example:${s.port}` },
  });
  assert.equal(r.status, 421);
  const page = await http('GET', '/', { headers: { host: 'evil.example' } });
  assert.equal(page.status, 421);
});

test('the page is served with a strict Content-Security-Policy; nothing outside the build is served', async () => {
  const page = await http('GET', '/');
  assert.equal(page.status, 200);
  assert.equal(page.body, readFileSync(join(RENDERER_DIR, 'index.html'), 'utf8'));
  const csp = String(page.headers['content-security-policy']);
  assert.match(csp, /default-src 'self'/);
  assert.match(csp, /script-src 'self'(;|$)/);
  assert.match(csp, /connect-src 'self' ws:\/\/127\.0\.0\.1:\*/);
  assert.match(csp, /frame-ancestors 'none'/);
  for (const p of [
    '/../package.json',
    '/..%2f..%2fpackage.json',
    '/%2e%2e/%2e%2e/package.json',
    '/assets/../../../package.json',
  ]) {
    const r = await http('GET', p);
    assert.equal(r.status, 404, p);
  }
});

test('the event socket needs the token and carries analyze progress', async () => {
  const refused = new WebSocket(`ws://127.0.0.1:${s.port}/events`);
  const code = await new Promise<number>((resolve) => {
    refused.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    refused.on('error', () => resolve(-1));
  });
  assert.equal(code, 403);

  const ws = new WebSocket(`ws://127.0.0.1:${s.port}/events?token=${s.token}`);
  await new Promise((resolve, reject) => {
    ws.on('open', resolve);
    ws.on('error', reject);
  });
  const events: ProgressEvent[] = [];
  ws.on('message', (m) => events.push(JSON.parse(String(m)).event));
  const sample = await http('POST', '/api/loadSample', {
    body: '{"name":"2s-server-512g"}',
    headers: { [TOKEN_HEADER]: s.token },
  });
  const hostJson = JSON.parse(sample.body).value.hostJson as string;
  const r = await http('POST', '/api/analyze', {
    body: JSON.stringify({ text: hostJson, variant: 'upstream' }),
    headers: { [TOKEN_HEADER]: s.token },
  });
  assert.equal(r.status, 200);
  // The last event is sent before the reply; give the socket a moment to deliver it.
  for (let i = 0; i < 50 && events.length < 2; i++) await new Promise((res) => setTimeout(res, 20));
  ws.close();
  assert.deepEqual(
    events.map((e) => e.phase),
    ['analyze', 'done'],
  );
  assert.ok(events.every((e) => e.method === 'analyze'));
});

test('`tdx-lab serve --port 0` prints a loopback URL with the token, answers with it, and stops on SIGTERM', async () => {
  const child = spawn(process.execPath, [TDX_LAB_BIN, 'serve', '--port', '0'], {
    cwd: PROJECT_ROOT,
    env: {
      ...process.env,
      TDX_LAB_RENDERER_DIR: RENDERER_DIR,
      TDX_LAB_DB: join(mkdtempSync(join(tmpdir(), 'tdx-lab-serve-')), 'lab.db'),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  try {
    let out = '';
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.setEncoding('utf8');
      child.stdout.on('data', (c: string) => {
        out += c;
        const m = /http:\/\/127\.0\.0\.1:\d+\/#token=[0-9a-f]{32}/.exec(out);
        if (m) resolve(m[0]);
      });
      child.once('exit', (code) => reject(new Error(`serve exited with ${code}: ${out}`)));
    });
    const u = new URL(url);
    const token = u.hash.slice('#token='.length);
    const r = await fetch(`${u.origin}/api/listSamples`, {
      method: 'POST',
      headers: { [TOKEN_HEADER]: token },
      body: '{}',
    });
    assert.equal(r.status, 200);
    const none = await fetch(`${u.origin}/api/listSamples`, { method: 'POST', body: '{}' });
    assert.equal(none.status, 401);
    const page = await fetch(`${u.origin}/`);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /<title>TDX Platform Lab<\/title>/);
  } finally {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    assert.equal(await exited, 0, 'serve stops cleanly on SIGTERM');
  }
});

test('`tdx-lab serve --port` refuses a non-number with a clear one-line error', () => {
  const r = runTdxLab(['serve', '--port', 'eighty']);
  assert.equal(r.status, 2);
  assert.equal(r.stderr, 'tdx-lab: --port: "eighty" is not a port number (0-65535)\n');
});
