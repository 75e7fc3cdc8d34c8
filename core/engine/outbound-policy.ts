import type { Candidate, Conversation, Message, SuppressionReason } from '../domain/index.js';

/** What the outbound policy looks at: the stored message and the state as it is now. */
export interface OutboundPolicyInput {
  message: Pick<Message, 'author' | 'purpose'>;
  conversation: Pick<Conversation, 'mode'>;
  candidate: Pick<Candidate, 'optedOut' | 'unreachable'>;
}

export type OutboundDecision = { send: true } | { send: false; reason: SuppressionReason };

/**
 * The one rule every message to a candidate passes, whoever wrote it (a turn's reply, an
 * operator, a reminder, a nudge, a handback prompt, the failure apology). Like botbuilder's
 * `onSendActivities`, it runs on the send path itself, so a proactive send cannot bypass it.
 * The dispatcher applies it right before the provider call, to the state as it is then.
 *
 * - unreachable (the provider said the candidate cannot be reached): nothing is sent;
 * - opted out: only the opt-out confirmation (`purpose: 'opt-out-confirmation'`) is sent;
 * - human mode (a recruiter holds the chat): only operators' messages, and that confirmation.
 *
 * @example
 * decideOutbound({ message: { author: 'bot' }, conversation: { mode: 'bot' }, candidate: { optedOut: true } })
 * // { send: false, reason: 'opted-out' }
 */
export function decideOutbound({ message, conversation, candidate }: OutboundPolicyInput): OutboundDecision {
  if (candidate.unreachable) return { send: false, reason: 'unreachable' };
  const confirmation = message.purpose === 'opt-out-confirmation';
  if (candidate.optedOut && !confirmation) return { send: false, reason: 'opted-out' };
  if (conversation.mode === 'human' && message.author !== 'operator' && !confirmation) return { send: false, reason: 'human-mode' };
  return { send: true };
}
