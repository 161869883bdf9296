/**
 * Loads the optional native addon (a Node-API module that only executes
 * CPUID): on Node, native/build/Release/tdx_probe.node; inside Electron, the
 * Electron build folder main/native-binding picks (native-electron/…), like
 * the SQLite driver. Loading never throws: when the addon is not built, cannot
 * load, or is hidden (TDX_LAB_NO_NATIVE=1), the result says why and the probe
 * goes on without CPUID facts. TDX_LAB_NATIVE=/path/to/tdx_probe.node picks a file.
 */
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { choiceProblem } from '../main/native-binding/select.js';
import { nativeBindingsForThisProcess } from '../main/native-binding/this-process.js';

export interface CpuidRegs {
  eax: number;
  ebx: number;
  ecx: number;
  edx: number;
}

export type CpuidFn = (leaf: number, subleaf?: number) => CpuidRegs;

export type NativeLoad = { ok: true; path: string; cpuid: CpuidFn } | { ok: false; reason: string };

export const ADDON_FILE = 'tdx_probe.node';

/** Where Node's build may be: above this file (dist/native or native/), or under the cwd. */
export function addonCandidates(): string[] {
  const out: string[] = [];
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    out.push(join(dir, 'native', 'build', 'Release', ADDON_FILE), join(dir, 'build', 'Release', ADDON_FILE));
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  out.push(join(process.cwd(), 'native', 'build', 'Release', ADDON_FILE));
  return [...new Set(out)];
}

export function loadNative(env: NodeJS.ProcessEnv = process.env): NativeLoad {
  if (env.TDX_LAB_NO_NATIVE === '1') return { ok: false, reason: 'native addon disabled (TDX_LAB_NO_NATIVE=1)' };
  if (!env.TDX_LAB_NATIVE && process.versions.electron) {
    // Electron's build only: Node's, though Node-API, is not what the app ships.
    const choice = nativeBindingsForThisProcess().cpuid;
    if (!choice.ok) return { ok: false, reason: choiceProblem(choice)! };
    return loadAddon(choice.file);
  }
  const candidates = env.TDX_LAB_NATIVE ? [env.TDX_LAB_NATIVE] : addonCandidates();
  const path = candidates.find((p) => existsSync(p));
  if (!path) {
    return {
      ok: false,
      reason: env.TDX_LAB_NATIVE
        ? `native addon not found at ${env.TDX_LAB_NATIVE}`
        : 'native addon not built (run `npx node-gyp rebuild --directory native`)',
    };
  }
  return loadAddon(path);
}

function loadAddon(path: string): NativeLoad {
  try {
    const mod = createRequire(import.meta.url)(path) as { supported?: boolean; cpuid?: unknown };
    if (typeof mod.cpuid !== 'function')
      return { ok: false, reason: `${path}: not the tdx_probe addon (no cpuid function)` };
    if (mod.supported === false) return { ok: false, reason: `${path}: built for a CPU without CPUID (not x86)` };
    return { ok: true, path, cpuid: mod.cpuid as CpuidFn };
  } catch (e) {
    return { ok: false, reason: `${path}: cannot load (${(e as Error).message.split('\n')[0]})` };
  }
}
