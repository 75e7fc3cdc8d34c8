import type { Conversation } from '../../core/domain/index.js';
import { abandonStaleInterview } from '../../core/interview/index.js';
import { nextEvery } from '../policy/index.js';
import type { JobsDeps } from '../runtime/deps.js';
import type { JobSpec } from '../scheduler/agenda-scheduler.js';
import { allConversations } from './store-scan.js';

export const ABANDONMENT_JOB = 'interview-abandonment';

/**
 * Marks interviews the candidate walked away from as abandoned, by the interview's own rule and
 * transition (`abandonStaleInterview` in core/interview), and records `InterviewAbandoned` once. Conversations a
 * recruiter has taken over are left alone.
 */
export function abandonmentJob(deps: JobsDeps): JobSpec {
  return {
    recurrence: (now) => nextEvery(now, deps.settings.riskSweepEveryMs),
    async run({ now }) {
      const abandon = (c: Conversation) => (c.mode === 'bot' ? abandonStaleInterview(c, now, deps.settings.abandonAfterMs) : undefined);
      for await (const found of allConversations(deps.store, { stage: 'interviewing' })) {
        if (!abandon(found)) continue;
        await deps.engine().mutate(found.id, ({ conversation }) => {
          const abandoned = abandon(conversation);
          if (!abandoned) return undefined;
          // The interview's transition also records the abandonment, so the middleware does not again.
          conversation.state = abandoned.state;
          return { conversation, events: [{ type: 'InterviewAbandoned', questionsAsked: abandoned.session.askedQuestionIds.length }] };
        });
        deps.log.info({ conversationId: found.id }, 'jobs: stale interview marked abandoned');
      }
    },
  };
}
