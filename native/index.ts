/**
 * Loads the optional native addon (native/build/Release/tdx_probe.node, a
 * Node-API module, so one binary serves Node and Electron). It only executes
 * CPUID. Loading never throws: when the addon is not built, cannot load, or
 * is hidden (TDX_LAB_NO_NATIVE=1), the result says why and the probe goes on
 * without CPUID facts. TDX_LAB_NATIVE=/path/to/tdx_probe.node picks a file.
 */
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface CpuidRegs {
  eax: number;
  ebx: number;
  ecx: number;
  edx: number;
}

export type CpuidFn = (leaf: number, subleaf?: number) => CpuidRegs;

export type NativeLoad = { ok: true; path: string; cpuid: CpuidFn } | { ok: false; reason: string };

export const ADDON_FILE = 'tdx_probe.node';

/** Where the addon may be: above this file (dist/native or native/), the cwd, Electron's resources. */
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
  const resources = (process as { resourcesPath?: string }).resourcesPath;
  if (resources) out.push(join(resources, 'native', ADDON_FILE));
  return [...new Set(out)];
}

export function loadNative(env: NodeJS.ProcessEnv = process.env): NativeLoad {
  if (env.TDX_LAB_NO_NATIVE === '1') return { ok: false, reason: 'native addon disabled (TDX_LAB_NO_NATIVE=1)' };
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
