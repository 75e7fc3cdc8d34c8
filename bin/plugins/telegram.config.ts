import type { z } from 'zod';

/** Env settings for the telegram plugin, merged into the app config. Document each in .env.example. */
export const telegramConfigShape = {} satisfies z.ZodRawShape;
