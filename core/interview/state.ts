import { z } from 'zod';
import { defineSlice, type Conversation, type ConversationState } from '../domain/index.js';
import { AssessmentSchema } from './assessment.js';
import { isAbandoned, markAbandoned } from './machine.js';
import { InterviewSessionSchema, type InterviewSession } from './session.js';

/**
 * The interview's slices of conversation state. Owner: the interview (this folder's pure
 * transitions and `bots/interviewer`); everyone else reads them.
 */
export const interviewSlice = defineSlice('interview', InterviewSessionSchema);
/** The assessment built when the interview completed. */
export const assessmentSlice = defineSlice('assessment', AssessmentSchema);
/** When the abandonment was recorded (ISO 8601): `InterviewAbandoned` is emitted once. */
export const abandonNoticeSlice = defineSlice('interviewAbandonNoticeAt', z.string());

/**
 * The state with a stale interview marked abandoned and the abandonment recorded, or undefined
 * when the interview is not abandoned by the interview's own rule (`isAbandoned`). The
 * abandonment job applies this; the interview middleware notices the same rule on the next turn.
 *
 * @example
 * const out = abandonStaleInterview(conversation, now, 30 * 60_000);
 * if (out) conversation.state = out.state; // out.session.status === 'abandoned'
 */
export function abandonStaleInterview(
  conversation: Pick<Conversation, 'state'> & { id?: string },
  now: Date,
  abandonAfterMs: number,
): { state: ConversationState; session: InterviewSession } | undefined {
  const session = interviewSlice.read(conversation);
  if (!session || !isAbandoned(session, now.getTime(), { abandonAfterMin: abandonAfterMs / 60_000 })) return undefined;
  const abandoned = markAbandoned(session);
  return { state: abandonNoticeSlice.write(interviewSlice.write(conversation.state, abandoned), now.toISOString()), session: abandoned };
}
