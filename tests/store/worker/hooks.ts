/**
 * Module resolution hooks (node --import ./register.js): outside main/store/,
 * main/store/lab-store.js and record-run.js resolve to the shims, so tests,
 * the CLI and the crash writer open the store through its worker. Inside
 * main/store/ (the worker itself) and inside the shims, the real modules.
 */
const REAL_LAB_STORE = new URL('../../../main/store/lab-store.js', import.meta.url).href;
const REAL_RECORD_RUN = new URL('../../../main/store/record-run.js', import.meta.url).href;
const STORE_DIR = new URL('../../../main/store/', import.meta.url).href;
const SHIMS: Record<string, string> = {
  [REAL_LAB_STORE]: new URL('./shim-lab-store.js', import.meta.url).href,
  [REAL_RECORD_RUN]: new URL('./shim-record-run.js', import.meta.url).href,
};
const HERE = new URL('./', import.meta.url).href;

interface Resolved {
  url: string;
  format?: string | null;
  shortCircuit?: boolean;
}

export async function resolve(
  specifier: string,
  context: { parentURL?: string },
  next: (specifier: string, context: { parentURL?: string }) => Promise<Resolved>,
): Promise<Resolved> {
  const r = await next(specifier, context);
  const shim = SHIMS[r.url];
  const parent = context.parentURL ?? '';
  if (shim && !parent.startsWith(STORE_DIR) && !parent.startsWith(HERE)) return { ...r, url: shim, shortCircuit: true };
  return r;
}
