/**
 * What the outcome layer says about each kernel variant: which releases it
 * stands for (fixes name them) and where its reserved-area holes come from.
 * Read from one table, so advice never hard-codes a kernel in a rule.
 */
import type { KernelVariant } from '../host/types.js';

interface KernelFacts {
  /** A short label for a menu: "upstream (torvalds/linux)". */
  label: string;
  /** The kernels a platform engineer can install to get this behaviour, short: a fix's name. */
  install: string;
  /** The releases it stands for, in a sentence. */
  releases: string;
  /** Reserved-area holes from the CMR list (golden README, kernel variants) rather than memblock. */
  holesFromCmrs: boolean;
}

const FACTS: Record<KernelVariant, KernelFacts> = {
  upstream: {
    label: 'upstream (torvalds/linux)',
    install: 'mainline Linux (profile upstream)',
    releases:
      'mainline Linux (torvalds/linux), and vendor kernels without the CMR-hole change such as Ubuntu 6.14.0-1009-intel (canonical/tdx #415)',
    holesFromCmrs: false,
  },
  'cmr-holes': {
    label: 'cmr-holes (Ubuntu 6.8 -intel)',
    install: 'Ubuntu 6.8.0-1006-intel or later (profile cmr-holes)',
    releases:
      "Ubuntu 6.8.0-1006-intel and later 6.8 -intel kernels, which carry Kai Huang's change that takes reserved areas from the CMRs",
    holesFromCmrs: true,
  },
};

export function kernelReleases(k: KernelVariant): string {
  return FACTS[k].releases;
}

export function holesFromCmrs(k: KernelVariant): boolean {
  return FACTS[k].holesFromCmrs;
}

/** "Ubuntu 6.8.0-1006-intel or later (profile cmr-holes)": a kernel named for people. */
export function kernelNamed(k: KernelVariant): string {
  return FACTS[k].install;
}

/** The kernel as a menu names it. */
export function kernelLabel(k: KernelVariant): string {
  return FACTS[k].label;
}
