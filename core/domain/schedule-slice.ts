import { z } from 'zod';
import { defineSlice } from './state-slices.js';

const IsoTime = z.string().refine((s) => Number.isFinite(Date.parse(s)), 'not a date');

/**
 * `conversation.state.schedule`: the interview with the team, once one is booked. Written only by
 * the jobs' scheduling (`scheduleInterview`, and cancelling a booking); declared in the core
 * because the candidate commands, the risk input and the console read it too.
 */
export const ScheduleStateSchema = z.object({
  /** When the interview starts (ISO 8601). */
  at: IsoTime,
  /** The candidate's IANA zone the times are shown in. */
  timeZone: z.string().optional(),
  link: z.string().optional(),
  /** The candidate did not show up: a risk factor (the risk input reads it; nothing sets it yet). */
  missed: z.boolean().optional(),
});
export type ScheduleState = z.infer<typeof ScheduleStateSchema>;

export const scheduleSlice = defineSlice('schedule', ScheduleStateSchema);
