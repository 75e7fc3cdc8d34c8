import { InterviewSessionSchema, isAbandoned, markAbandoned, type InterviewSession } from '../../core/interview/index.js';

/**
 * The interview plugin owns `conversation.state.interview`; risk scoring only needs its status
 * and progress. Read defensively: anything unexpected counts as "not an interview in progress".
 */
export interface InterviewProgress {
  status: string;
  questionsAsked: number;
  /** When the pending question was asked (ms epoch), if one is pending. */
  pendingSince: number | undefined;
}

export function readInterview(state: unknown): InterviewProgress | undefined {
  if (typeof state !== 'object' || state === null) return undefined;
  const s = state as Record<string, unknown>;
  if (typeof s.status !== 'string') return undefined;
  const asked = Array.isArray(s.askedQuestionIds) ? s.askedQuestionIds.length : 0;
  const pending = typeof s.pending === 'object' && s.pending !== null ? (s.pending as Record<string, unknown>) : undefined;
  const since = typeof pending?.askedAt === 'number' ? pending.askedAt : typeof pending?.askedAt === 'string' ? Date.parse(pending.askedAt) : undefined;
  return { status: s.status, questionsAsked: asked, pendingSince: since !== undefined && Number.isFinite(since) ? since : undefined };
}

/**
 * The session the abandonment job stores for a stale interview, or undefined when it is not
 * abandoned. The rule and the change are the interview's own (`isAbandoned`, `markAbandoned` in
 * core/interview), so the job and the interview middleware can never disagree.
 *
 * @example
 * abandonStaleInterview(conversation.state.interview, now, 30 * 60_000) // { ...session, status: 'abandoned' } or undefined
 */
export function abandonStaleInterview(state: unknown, now: Date, abandonAfterMs: number): InterviewSession | undefined {
  const parsed = InterviewSessionSchema.safeParse(state);
  if (!parsed.success) return undefined;
  return isAbandoned(parsed.data, now.getTime(), { abandonAfterMin: abandonAfterMs / 60_000 }) ? markAbandoned(parsed.data) : undefined;
}
