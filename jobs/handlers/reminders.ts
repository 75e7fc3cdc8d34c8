import { NotFoundError, scheduleSlice, ValidationError, type Conversation, type NewDomainEvent } from '../../core/domain/index.js';
import { dateWordsFor, formatLocal, isValidTimeZone, reminderKey, reminderPlan, reminderText, reminderWordsFor, shouldSendReminder, zoneOr } from '../policy/index.js';
import { recordEvents, type JobsDeps } from '../runtime/deps.js';
import type { JobSpec } from '../scheduler/agenda-scheduler.js';

export const REMINDER_JOB = 'interview-reminder';

/** What `conversation.state.schedule` holds once an interview with the team is scheduled. */
export interface InterviewSchedule {
  at: Date;
  link: string | undefined;
  timeZone: string | undefined;
}

/** The scheduled interview on a conversation (`scheduleSlice`), undefined when none or unreadable. */
export function readSchedule(conversation: Pick<Conversation, 'id' | 'state'>): InterviewSchedule | undefined {
  const schedule = scheduleSlice.read(conversation);
  return schedule && { at: new Date(schedule.at), link: schedule.link, timeZone: schedule.timeZone };
}

/**
 * Schedule (or move) a candidate's interview with the team: recorded on the conversation
 * (`state.schedule`, stage `scheduled`), `InterviewScheduled` emitted, and the reminders planned.
 * Scheduling again moves the reminders; reminders whose time has passed are dropped.
 *
 * @example
 * await scheduleInterview(deps, conversationId, new Date('2026-03-03T14:00:00Z'), { link, timeZone: 'Europe/Lisbon', actor: 'operator:op_1' });
 */
export async function scheduleInterview(deps: JobsDeps, conversationId: string, at: Date, opts: { link?: string; timeZone?: string; actor: string }): Promise<void> {
  const now = deps.clock.now();
  if (!(at instanceof Date) || Number.isNaN(at.getTime())) throw new ValidationError('The interview time is not a valid date');
  if (at.getTime() <= now.getTime()) throw new ValidationError('The interview time must be in the future');
  if (opts.timeZone !== undefined && !isValidTimeZone(opts.timeZone)) throw new ValidationError(`Unknown time zone "${opts.timeZone}"; use an IANA name such as Europe/Lisbon`);
  const saved = await deps.engine().mutate(conversationId, ({ conversation, candidate }) => {
    if (candidate.optedOut) throw new ValidationError('The candidate has opted out: no interview can be scheduled');
    const timeZone = zoneOr(opts.timeZone ?? candidate.timeZone, deps.settings.defaultTimeZone);
    conversation.state = scheduleSlice.write(conversation.state, { at: at.toISOString(), timeZone, ...(opts.link ? { link: opts.link } : {}) });
    const events: NewDomainEvent[] = [{ type: 'InterviewScheduled', scheduledAt: at, timeZone, ...(opts.link ? { link: opts.link } : {}) }];
    if (candidate.stage !== 'scheduled') {
      events.push({ type: 'CandidateStateChanged', from: candidate.stage, to: 'scheduled' });
      candidate.stage = 'scheduled';
      conversation.stage = 'scheduled';
    }
    return { conversation, candidate, events, actor: opts.actor };
  });
  if (!saved) throw new NotFoundError('Conversation', conversationId);
  await planReminders(deps, conversationId, at);
}

async function planReminders(deps: JobsDeps, conversationId: string, at: Date): Promise<void> {
  const plan = reminderPlan(at, deps.settings.reminderLeads, deps.clock.now());
  for (const lead of deps.settings.reminderLeads) {
    const key = reminderKey(conversationId, lead.kind);
    const planned = plan.find((p) => p.kind === lead.kind);
    if (planned) await deps.scheduler.schedule({ name: REMINDER_JOB, key, runAt: planned.runAt, data: { conversationId, kind: lead.kind, at: at.toISOString() } });
    else await deps.scheduler.cancel(key);
  }
}

/** Drop a conversation's pending reminders (opt-out, cancelled interview). */
export async function cancelReminders(deps: JobsDeps, conversationId: string): Promise<void> {
  for (const lead of deps.settings.reminderLeads) await deps.scheduler.cancel(reminderKey(conversationId, lead.kind));
}

/**
 * Sends one reminder, in the candidate's time zone, unless it no longer applies: the interview
 * moved (a stale job) or it was already sent. Opt-out and human mode are the outbound policy's
 * (the reminder is stored `suppressed`, with the reason, and never reaches the provider).
 */
export function reminderJob(deps: JobsDeps): JobSpec {
  return {
    async run({ data, now }) {
      const conversationId = String(data.conversationId);
      const kind = String(data.kind);
      const conversation = await deps.store.getConversation(conversationId);
      const candidate = conversation && (await deps.store.getCandidate(conversation.candidateId));
      const schedule = conversation && readSchedule(conversation);
      if (!conversation || !candidate || !schedule || schedule.at.toISOString() !== data.at) return;
      if (!shouldSendReminder(kind, schedule.at, now, deps.settings.reminderLeads)) return;
      if (await alreadySent(deps, conversationId, kind)) return;
      const lead = deps.settings.reminderLeads.find((l) => l.kind === kind);
      const timeZone = zoneOr(schedule.timeZone ?? candidate.timeZone, deps.settings.defaultTimeZone);
      const text = reminderText({ beforeMs: lead?.beforeMs ?? 0, at: schedule.at, timeZone, company: deps.settings.company, link: schedule.link }, reminderWordsFor(conversation));
      // On the email channel this is the interview-reminder template (channels/email/templates).
      const interview = { when: formatLocal(schedule.at, timeZone, dateWordsFor(conversation)), ...(schedule.link ? { link: schedule.link } : {}) };
      const emailTemplate = { name: 'interview-reminder', data: { candidate: { name: candidate.name ?? 'there' }, ...(candidate.role ? { role: candidate.role } : {}), interview } };
      const message = await deps.engine().send(conversationId, { text, emailTemplate }, 'bot');
      await recordEvents(deps, [{ type: 'ReminderSent', kind, messageId: message.id, conversationId, candidateId: candidate.id }]);
    },
  };
}

/** A reminder of this kind went out since the interview was last (re)scheduled. */
async function alreadySent(deps: JobsDeps, conversationId: string, kind: string): Promise<boolean> {
  const events = await deps.store.listEvents({ conversationId, types: ['InterviewScheduled', 'ReminderSent'] });
  const since = events.findLastIndex((e) => e.type === 'InterviewScheduled');
  return events.slice(since + 1).some((e) => e.type === 'ReminderSent' && e.kind === kind);
}
