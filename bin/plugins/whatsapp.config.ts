import type { z } from 'zod';

/** Env settings for the whatsapp plugin, merged into the app config. Document each in .env.example. */
export const whatsappConfigShape = {} satisfies z.ZodRawShape;
