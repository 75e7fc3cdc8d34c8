import type { NewDomainEvent, OutboundMessage } from '../domain/index.js';
import type { ScheduledJob } from '../ports/index.js';

/** What a turn wants done, as data. The engine's runtime carries effects out after the commit. */
export type Effect =
  | { type: 'send'; message: OutboundMessage }
  | { type: 'emit'; event: NewDomainEvent }
  | { type: 'schedule'; job: ScheduledJob }
  | { type: 'cancelSchedule'; key: string }
  | { type: 'notifyOperators'; kind: OperatorNotificationKind; title: string; body: string };

export type OperatorNotificationKind = 'needs-human' | 'at-risk' | 'interview-completed' | 'new-candidate' | 'delivery-failed';

/** Build a `send` effect from text or a full message. */
export function send(message: string | OutboundMessage): Effect {
  return { type: 'send', message: typeof message === 'string' ? { text: message } : message };
}
