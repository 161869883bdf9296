/**
 * Child process for app-store.test.ts: pretends to be Electron's main process
 * (process.versions.electron set; the ABI stays Node's, so no Electron build
 * of this checkout can match) and reports, as JSON, what the app's faces get
 * when the Electron build is missing:
 *   node as-electron.js DB_PATH
 */
Object.defineProperty(process.versions, 'electron', { value: '38.8.6', enumerable: true });

const db = process.argv[2];
const { createLabApi } = await import('../../main/api/lab-api.js');
const { openStore } = await import('../../main/store/worker/open-store.js');
const { loadNative } = await import('../../native/index.js');
const { nativeBindingsForThisProcess } = await import('../../main/native-binding/this-process.js');

const api = createLabApi({ storePath: db, inProcess: true });
const listed = await api.call('listSessions', {});
await api.close();
let worker: { code?: string; message: string } | null = null;
try {
  await openStore(db, { mode: 'worker' });
} catch (e) {
  worker = { code: (e as { code?: string }).code, message: (e as Error).message };
}
const native = loadNative({});
process.stdout.write(JSON.stringify({ listed, worker, native, bindings: nativeBindingsForThisProcess() }));
