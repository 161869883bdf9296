/**
 * Worker-thread entry for the kernel + module init flow (engine/flow), so a
 * big host's init (seconds) never blocks Electron's main process or the
 * serve loop. One worker per call; the engine pool has no init task yet.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { initTdx } from '../../engine/flow/init.js';
import type { Host, KernelVariant } from '../../engine/host/types.js';

const { host, variant } = workerData as { host: Host; variant: KernelVariant };
parentPort!.postMessage(initTdx(host, variant, { includePlan: false }));
