/** The kernel variant argument of every API method: the engine's one list (engine/host/types.ts). */
import { z } from 'zod';
import { KERNEL_VARIANTS, type KernelVariant } from '../../engine/host/types.js';

export const variantSchema = z.enum(KERNEL_VARIANTS as unknown as [KernelVariant, ...KernelVariant[]]);
