import { z } from 'zod';
import { defineSlice, scheduleSlice, StageSchema, type Conversation } from '../../core/domain/index.js';

/** A question a command asked and is waiting on. */
export const PendingSchema = z.enum(['feedback', 'reschedule', 'delete', 'withdraw']);
export type Pending = z.infer<typeof PendingSchema>;

/** What candidate commands keep in `conversation.state.commands` (owner: bots/commands). */
export const CommandsStateSchema = z.object({
  pending: PendingSchema.optional(),
  /** Restored when the candidate opts back in. */
  stageBeforeOptOut: StageSchema.optional(),
  rescheduleRequest: z.object({ text: z.string(), at: z.string() }).optional(),
});
export type CommandsState = z.infer<typeof CommandsStateSchema>;

export const commandsSlice = defineSlice('commands', CommandsStateSchema);

/** The commands' state (an absent or unreadable one counts as empty). */
export function readCommandsState(conversation: Pick<Conversation, 'id' | 'state'>): CommandsState {
  return commandsSlice.read(conversation) ?? {};
}

/** Merge a patch into `conversation.state.commands`; `undefined` fields are removed. */
export function writeCommandsState(conversation: Conversation, patch: Partial<CommandsState>): void {
  const next = { ...readCommandsState(conversation), ...patch };
  for (const key of Object.keys(next) as (keyof CommandsState)[]) if (next[key] === undefined) delete next[key];
  conversation.state = commandsSlice.write(conversation.state, next);
}

export interface ScheduledInterview {
  at: Date;
  link?: string;
  timeZone?: string;
}

/** The scheduled interview with the team (`scheduleSlice`, written by the jobs' scheduling), if any. */
export function readSchedule(conversation: Pick<Conversation, 'id' | 'state'>): ScheduledInterview | undefined {
  const schedule = scheduleSlice.read(conversation);
  if (!schedule) return undefined;
  return { at: new Date(schedule.at), ...(schedule.link ? { link: schedule.link } : {}), ...(schedule.timeZone ? { timeZone: schedule.timeZone } : {}) };
}

/** "Friday, 1 May 2026 at 10:00 (Europe/Lisbon)"; an unknown zone falls back to UTC. */
export function formatWhen(at: Date, timeZone = 'UTC'): string {
  try {
    return `${new Intl.DateTimeFormat('en-GB', { dateStyle: 'full', timeStyle: 'short', timeZone }).format(at)} (${timeZone})`;
  } catch {
    return `${new Intl.DateTimeFormat('en-GB', { dateStyle: 'full', timeStyle: 'short', timeZone: 'UTC' }).format(at)} (UTC)`;
  }
}
