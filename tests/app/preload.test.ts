/**
 * The Electron preload bundle: one CommonJS file that requires nothing but
 * 'electron', exposes exactly the contract as window.tdxLab, forwards calls
 * over the invoke channel, and turns error envelopes into thrown errors.
 * It runs here against a recording stand-in for the electron module (the
 * Electron binary is not needed).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { API_METHODS, IPC_INVOKE, IPC_MENU, IPC_PROGRESS, type TdxLabApi } from '../../main/common/api-contract.js';

/** dist/tests/app/ → dist/main/electron-preload/preload.cjs (scripts/build-preload.mjs). */
const PRELOAD = resolve(dirname(fileURLToPath(import.meta.url)), '../../main/electron-preload/preload.cjs');

function loadPreload() {
  if (!existsSync(PRELOAD))
    throw new Error(`no preload bundle at ${PRELOAD}: run \`npm run build\` (it runs scripts/build-preload.mjs)`);
  const code = readFileSync(PRELOAD, 'utf8');
  const exposed: Record<string, unknown> = {};
  const invokes: unknown[][] = [];
  const listeners = new Map<string, Set<(...a: unknown[]) => void>>();
  let nextReply: unknown = { ok: true, value: [] };
  const required: string[] = [];
  const electron = {
    contextBridge: {
      exposeInMainWorld: (key: string, value: unknown) => {
        exposed[key] = value;
      },
    },
    ipcRenderer: {
      invoke: async (...a: unknown[]) => {
        invokes.push(a);
        return nextReply;
      },
      on: (ch: string, l: (...a: unknown[]) => void) => {
        if (!listeners.has(ch)) listeners.set(ch, new Set());
        listeners.get(ch)!.add(l);
      },
      removeListener: (ch: string, l: (...a: unknown[]) => void) => listeners.get(ch)?.delete(l),
    },
  };
  const fakeRequire = (name: string) => {
    required.push(name);
    if (name === 'electron') return electron;
    throw new Error(`a sandboxed preload cannot require ${name}`);
  };
  const module = { exports: {} };
  new Function('require', 'module', 'exports', code)(fakeRequire, module, module.exports);
  return {
    api: exposed.tdxLab as TdxLabApi,
    exposedKeys: Object.keys(exposed),
    invokes,
    listeners,
    required,
    reply: (r: unknown) => (nextReply = r),
  };
}

test('the preload requires only electron and exposes exactly the contract as window.tdxLab', () => {
  const p = loadPreload();
  assert.deepEqual([...new Set(p.required)], ['electron']);
  assert.deepEqual(p.exposedKeys, ['tdxLab']);
  const keys = Object.keys(p.api).sort();
  assert.deepEqual(keys, [...API_METHODS, 'onMenu', 'onProgress', 'transport'].sort());
  assert.equal(p.api.transport, 'electron');
});

test('calls go over the invoke channel; error envelopes become thrown errors with the message', async () => {
  const p = loadPreload();
  p.reply({ ok: true, value: [{ name: 'a', description: 'b' }] });
  assert.deepEqual(await p.api.listSamples({}), [{ name: 'a', description: 'b' }]);
  assert.deepEqual(p.invokes[0], [IPC_INVOKE, 'listSamples', {}]);
  p.reply({
    ok: false,
    error: { code: 'bad-arguments', message: 'loadSample: argument $.name: missing (expected string)' },
  });
  await assert.rejects(() => p.api.loadSample({} as { name: string }), /loadSample: argument \$\.name: missing/);
});

test('progress and menu listeners get the value only (never the IPC event) and can unsubscribe', () => {
  const p = loadPreload();
  const got: unknown[] = [];
  const off = p.api.onProgress((e) => got.push(e));
  p.api.onMenu((c) => got.push(c));
  const fakeEvent = { sender: 'ipcRenderer' };
  for (const l of p.listeners.get(IPC_PROGRESS) ?? []) l(fakeEvent, { phase: 'plan' });
  for (const l of p.listeners.get(IPC_MENU) ?? []) l(fakeEvent, { kind: 'export-report' });
  assert.deepEqual(got, [{ phase: 'plan' }, { kind: 'export-report' }]);
  off();
  assert.equal(p.listeners.get(IPC_PROGRESS)?.size, 0);
});
