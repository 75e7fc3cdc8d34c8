/**
 * The interview plugin owns `conversation.state.interview`; the jobs only need to know whether a
 * session is still in progress and when it last moved. Read defensively: anything unexpected
 * counts as "not an interview in progress".
 */
export interface InterviewProgress {
  status: string;
  questionsAsked: number;
  /** When the pending question was asked (ms epoch), if one is pending. */
  pendingSince: number | undefined;
}

const FINISHED = new Set(['completed', 'abandoned', 'cancelled']);

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
 * An interview in progress where nothing has happened for `staleMs`: neither a question asked
 * nor an answer from the candidate.
 *
 * @example
 * isStaleInterview({ status: "active", questionsAsked: 3, pendingSince: t0 }, undefined, new Date(t0 + 2 * DAY), DAY) // true
 */
export function isStaleInterview(interview: InterviewProgress | undefined, lastCandidateAt: Date | undefined, now: Date, staleMs: number): boolean {
  if (!interview || FINISHED.has(interview.status)) return false;
  const last = Math.max(interview.pendingSince ?? 0, lastCandidateAt?.getTime() ?? 0);
  return last > 0 && now.getTime() - last >= staleMs;
}
