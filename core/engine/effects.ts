import type { NewDomainEvent, OutboundMessage } from '../domain/index.js';
import type { ScheduledJob } from '../ports/index.js';

/** What a turn wants done, as data. The engine's runtime carries effects out after the commit. */
export type Effect =
  | { type: 'send'; message: OutboundMessage }
  | { type: 'emit'; event: NewDomainEvent }
  | { type: 'schedule'; job: ScheduledJob }
  | { type: 'cancelSchedule'; key: string }
  | { type: 'notifyOperators'; kind: OperatorNotificationKind; title: string; body: string }
  /**
   * Show "typing…" once the turn has committed: the candidate is waiting for a reply this turn
   * does not send (an answer collected during the interview's quiet period). Best effort.
   */
  | { type: 'typing' };

export type OperatorNotificationKind = 'needs-human' | 'at-risk' | 'interview-completed' | 'new-candidate' | 'delivery-failed';

/** Build a `send` effect from text or a full message. */
export function send(message: string | OutboundMessage): Effect {
  return { type: 'send', message: typeof message === 'string' ? { text: message } : message };
}
