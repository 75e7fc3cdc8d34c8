import type { z } from 'zod';

/** Env settings for the jobs plugin, merged into the app config. Document each in .env.example. */
export const jobsConfigShape = {} satisfies z.ZodRawShape;
