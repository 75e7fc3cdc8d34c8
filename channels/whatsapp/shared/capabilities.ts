import type { ChannelCapabilities } from '../../../core/ports/index.js';

/**
 * WhatsApp, whichever provider carries it: 4096-character text, up to 3 reply buttons or a list
 * of up to 10, approved templates outside the 24-hour customer-service window, voice notes.
 */
export const whatsappCapabilities: ChannelCapabilities = {
  maxTextLength: 4096,
  buttons: true,
  maxButtons: 3,
  lists: true,
  maxListItems: 10,
  templates: true,
  messagingWindowHours: 24,
  voice: true,
  typing: true,
  maxSendsPerSecond: 20,
  // Neither Meta nor Twilio takes an idempotency key, and their status callbacks cannot be matched
  // to a send whose acknowledgement (the message id) died with the process: resend, as Telegram
  // (at most one repeat of each message at the provider when the process died).
  inFlightAfterCrash: 'resend',
};

/** True when free-form messages are no longer allowed: the candidate last wrote over 24 h ago. */
export function outsideWindow(lastCandidateMessageAt: Date | undefined, now: Date, hours = 24): boolean {
  if (!lastCandidateMessageAt) return true;
  return now.getTime() - lastCandidateMessageAt.getTime() > hours * 3_600_000;
}
