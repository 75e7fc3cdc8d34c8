import { isStaleInterview, nextEvery, readInterview } from '../policy/index.js';
import type { JobsDeps } from '../runtime/deps.js';
import type { JobSpec } from '../scheduler/agenda-scheduler.js';
import { allConversations } from './store-scan.js';

export const ABANDONMENT_JOB = 'interview-abandonment';

/**
 * Marks interviews in progress with no activity for the configured time as abandoned (the
 * interview plugin owns the session; only its `status` changes) and records `InterviewAbandoned`.
 * Conversations a recruiter has taken over are left alone.
 */
export function abandonmentJob(deps: JobsDeps): JobSpec {
  return {
    recurrence: (now) => nextEvery(now, deps.settings.riskSweepEveryMs),
    async run({ now }) {
      const stale = (c: { state: Record<string, unknown>; lastCandidateMessageAt?: Date | undefined; mode: string }) =>
        c.mode === 'bot' && isStaleInterview(readInterview(c.state.interview), c.lastCandidateMessageAt, now, deps.settings.abandonAfterMs);
      for await (const found of allConversations(deps.store, { stage: 'interviewing' })) {
        if (!stale(found)) continue;
        await deps.engine().mutate(found.id, ({ conversation }) => {
          const interview = readInterview(conversation.state.interview);
          if (!interview || !stale(conversation)) return undefined;
          conversation.state = {
            ...conversation.state,
            interview: { ...(conversation.state.interview as Record<string, unknown>), status: 'abandoned' },
            // The interview plugin records the abandonment once: tell it this one is recorded.
            interviewAbandonNoticeAt: now.toISOString(),
          };
          return { conversation, events: [{ type: 'InterviewAbandoned', questionsAsked: interview.questionsAsked }] };
        });
        deps.log.info({ conversationId: found.id }, 'jobs: stale interview marked abandoned');
      }
    },
  };
}
