import { z } from 'zod';
import { StageSchema, type Conversation } from '../../core/domain/index.js';

/** A question a command asked and is waiting on. */
export const PendingSchema = z.enum(['feedback', 'reschedule', 'delete', 'withdraw']);
export type Pending = z.infer<typeof PendingSchema>;

/** What candidate commands keep in `conversation.state.commands`. */
export const CommandsStateSchema = z.object({
  pending: PendingSchema.optional(),
  /** Restored when the candidate opts back in. */
  stageBeforeOptOut: StageSchema.optional(),
  rescheduleRequest: z.object({ text: z.string(), at: z.string() }).optional(),
});
export type CommandsState = z.infer<typeof CommandsStateSchema>;

/** The snapshot is stored JSON: read it defensively (an unreadable one counts as empty). */
export function readCommandsState(conversation: Pick<Conversation, 'state'>): CommandsState {
  const parsed = CommandsStateSchema.safeParse(conversation.state.commands ?? {});
  return parsed.success ? parsed.data : {};
}

/** Merge a patch into `conversation.state.commands`; `undefined` fields are removed. */
export function writeCommandsState(conversation: Conversation, patch: Partial<CommandsState>): void {
  const next: Record<string, unknown> = { ...readCommandsState(conversation), ...patch };
  for (const key of Object.keys(next)) if (next[key] === undefined) delete next[key];
  conversation.state = { ...conversation.state, commands: next };
}

/** An interview with the team, as the scheduling feature stores it in `conversation.state.schedule`. */
const ScheduleSchema = z.object({
  at: z.coerce.date().optional(),
  scheduledAt: z.coerce.date().optional(),
  link: z.string().optional(),
  timeZone: z.string().optional(),
});

export interface ScheduledInterview {
  at: Date;
  link?: string;
  timeZone?: string;
}

/** The scheduled interview with the team, if the snapshot has a readable one. */
export function readSchedule(conversation: Pick<Conversation, 'state'>): ScheduledInterview | undefined {
  const parsed = ScheduleSchema.safeParse(conversation.state.schedule);
  if (!parsed.success) return undefined;
  const at = parsed.data.at ?? parsed.data.scheduledAt;
  if (!at || Number.isNaN(at.getTime())) return undefined;
  return { at, ...(parsed.data.link ? { link: parsed.data.link } : {}), ...(parsed.data.timeZone ? { timeZone: parsed.data.timeZone } : {}) };
}

/** "Friday, 1 May 2026 at 10:00 (Europe/Lisbon)"; an unknown zone falls back to UTC. */
export function formatWhen(at: Date, timeZone = 'UTC'): string {
  try {
    return `${new Intl.DateTimeFormat('en-GB', { dateStyle: 'full', timeStyle: 'short', timeZone }).format(at)} (${timeZone})`;
  } catch {
    return `${new Intl.DateTimeFormat('en-GB', { dateStyle: 'full', timeStyle: 'short', timeZone: 'UTC' }).format(at)} (UTC)`;
  }
}
