import type { ChannelCapabilities } from '../../../core/ports/index.js';
import type { WhatsAppProviderName } from './provider.js';

/**
 * What every WhatsApp provider shares: approved templates outside the 24-hour customer-service
 * window, voice notes, typing.
 */
const common = {
  templates: true,
  messagingWindowHours: 24,
  voice: true,
  typing: true,
  maxSendsPerSecond: 20,
  // Neither Meta nor Twilio takes an idempotency key, and their status callbacks cannot be matched
  // to a send whose acknowledgement (the message id) died with the process: resend, as Telegram
  // (at most one repeat of each message at the provider when the process died).
  inFlightAfterCrash: 'resend',
} as const satisfies Partial<ChannelCapabilities>;

/**
 * Meta Cloud API: 4,096-character text; interactive messages (up to 3 reply buttons, or a list of
 * up to 10 rows) have a 1,024-character body, 20-character button titles and 24-character row titles.
 */
export const metaCapabilities: ChannelCapabilities = {
  ...common,
  maxTextLength: 4096,
  buttons: true,
  maxButtons: 3,
  lists: true,
  maxListItems: 10,
  maxInteractiveTextLength: 1024,
  maxButtonLabelLength: 20,
  maxListItemLabelLength: 24,
};

/** Twilio: no buttons or lists for free-form messages (choices become numbered text); 1,600-character bodies. */
export const twilioCapabilities: ChannelCapabilities = { ...common, maxTextLength: 1600, buttons: false, maxButtons: 0, lists: false, maxListItems: 0 };

/** WhatsApp Web (Baileys): buttons are not delivered to linked devices, so choices become numbered text. */
export const baileysCapabilities: ChannelCapabilities = { ...common, maxTextLength: 4096, buttons: false, maxButtons: 0, lists: false, maxListItems: 0 };

/** Each provider's capabilities: the core lowers a message to the conversation's provider. */
export const providerCapabilities: Record<WhatsAppProviderName, ChannelCapabilities> = {
  meta: metaCapabilities,
  twilio: twilioCapabilities,
  baileys: baileysCapabilities,
};

/** True when free-form messages are no longer allowed: the candidate last wrote over 24 h ago. */
export function outsideWindow(lastCandidateMessageAt: Date | undefined, now: Date, hours = 24): boolean {
  if (!lastCandidateMessageAt) return true;
  return now.getTime() - lastCandidateMessageAt.getTime() > hours * 3_600_000;
}
