import type { z } from 'zod';

/** Env settings for the console plugin, merged into the app config. Document each in .env.example. */
export const consoleConfigShape = {} satisfies z.ZodRawShape;
