import { z } from 'zod';
import { defineSlice } from '../../core/domain/index.js';

/**
 * The interview middleware's own bookkeeping beside the session (`interviewSlice` in
 * core/interview). Owner and only reader: `interview-middleware.ts`.
 */

/** Spend so far on LLM evaluation for this interview. */
export const usageSlice = defineSlice('interviewUsage', z.object({ tokens: z.number().nonnegative(), usd: z.number().nonnegative() }));
/** Unreadable answers in a row (at the limit a recruiter is asked in). */
export const unparseableStreakSlice = defineSlice('unparseableStreak', z.number().int().nonnegative());
