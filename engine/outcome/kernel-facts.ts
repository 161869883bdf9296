/**
 * What the outcome layer says about each kernel, read from the one profile
 * table (engine/kernel/profiles.ts): which releases it stands for (fixes name
 * them), where its reserved-area holes come from, when it initializes TDX.
 */
import type { KernelVariant } from '../host/types.js';
import { kernelProfile } from '../kernel/profiles.js';

export function kernelReleases(k: KernelVariant): string {
  return kernelProfile(k).releases;
}

/** Reserved-area holes from the CMR list (golden README, kernel variants) rather than memblock. */
export function holesFromCmrs(k: KernelVariant): boolean {
  return kernelProfile(k).holes === 'cmrs';
}

/** The kernel initializes TDX at boot, before kmem can online any device memory. */
export function initsAtBoot(k: KernelVariant): boolean {
  return kernelProfile(k).initAt === 'boot';
}

/** "Ubuntu 6.8.0-1006-intel or later (profile cmr-holes)": a kernel named for people. */
export function kernelNamed(k: KernelVariant): string {
  return kernelProfile(k).install;
}

/** The kernel as a menu names it. */
export function kernelLabel(k: KernelVariant): string {
  return kernelProfile(k).title;
}
