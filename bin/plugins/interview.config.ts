import type { z } from 'zod';

/** Env settings for the interview plugin, merged into the app config. Document each in .env.example. */
export const interviewConfigShape = {} satisfies z.ZodRawShape;
