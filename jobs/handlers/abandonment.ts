import { abandonStaleInterview, nextEvery } from '../policy/index.js';
import type { JobsDeps } from '../runtime/deps.js';
import type { JobSpec } from '../scheduler/agenda-scheduler.js';
import { allConversations } from './store-scan.js';

export const ABANDONMENT_JOB = 'interview-abandonment';

/**
 * Marks interviews the candidate walked away from as abandoned, by the interview's own rule and
 * transition (`abandonStaleInterview`), and records `InterviewAbandoned` once. Conversations a
 * recruiter has taken over are left alone.
 */
export function abandonmentJob(deps: JobsDeps): JobSpec {
  return {
    recurrence: (now) => nextEvery(now, deps.settings.riskSweepEveryMs),
    async run({ now }) {
      const abandon = (c: { state: Record<string, unknown>; mode: string }) => (c.mode === 'bot' ? abandonStaleInterview(c.state.interview, now, deps.settings.abandonAfterMs) : undefined);
      for await (const found of allConversations(deps.store, { stage: 'interviewing' })) {
        if (!abandon(found)) continue;
        await deps.engine().mutate(found.id, ({ conversation }) => {
          const abandoned = abandon(conversation);
          if (!abandoned) return undefined;
          // The interview middleware records the abandonment once: tell it this one is recorded.
          conversation.state = { ...conversation.state, interview: abandoned, interviewAbandonNoticeAt: now.toISOString() };
          return { conversation, events: [{ type: 'InterviewAbandoned', questionsAsked: abandoned.askedQuestionIds.length }] };
        });
        deps.log.info({ conversationId: found.id }, 'jobs: stale interview marked abandoned');
      }
    },
  };
}
