/** The kernel argument of every API method: the profile table's ids (engine/kernel/profiles.ts), one list. */
import { z } from 'zod';
import { KERNEL_PROFILE_ID_TUPLE } from '../../engine/kernel/profiles.js';

export const variantSchema = z.enum(KERNEL_PROFILE_ID_TUPLE);
