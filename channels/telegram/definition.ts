import type { ChannelCapabilities } from '../../core/ports/index.js';

/** Where Telegram delivers webhooks (POST). */
export const TELEGRAM_WEBHOOK_PATH = '/webhooks/telegram';

/** Update types Parley asks Telegram for (webhook and polling alike). */
export const TELEGRAM_ALLOWED_UPDATES = ['message', 'edited_message', 'callback_query'] as const;

/**
 * What a Telegram chat can show: 4096-character messages, inline keyboards (one button per row
 * here, so long labels stay readable), voice notes and "typing…". Telegram allows about 30
 * messages a second across all chats.
 */
export const telegramCapabilities: ChannelCapabilities = {
  maxTextLength: 4096,
  buttons: true,
  maxButtons: 20,
  lists: false,
  maxListItems: 0,
  templates: false,
  voice: true,
  typing: true,
  maxSendsPerSecond: 25,
  // The Bot API has no idempotency key and no delivery receipts to reconcile with, and a lost
  // interview question stalls the candidate: resend a crash's in-flight sends (at most one repeat
  // of each message that was at the provider when the process died).
  inFlightAfterCrash: 'resend',
};
