import { MAX_TEXT_LENGTH } from '../../core/domain/index.js';
import type { ChannelCapabilities } from '../../core/ports/index.js';

/** Mailgun routes post here (the route's URL must end in "mime": Mailgun then sends the whole message). */
export const MAILGUN_WEBHOOK_PATH = '/webhooks/email/mailgun/mime';

/** One-click unsubscribe (RFC 8058): `POST /email/unsubscribe/<token>`; GET shows a confirm button. */
export const UNSUBSCRIBE_PATH = '/email/unsubscribe';

/** IMAP keyword set on a mail once it is stored (or deliberately ignored): never processed twice. */
export const PROCESSED_KEYWORD = '$ParleyProcessed';

/**
 * What an email can show: long text (never split, so one message is one mail with one
 * Message-ID), no buttons (choices become numbered options answered by reply), audio
 * attachments as voice notes. Mail servers take a few mails a second comfortably.
 */
export const emailCapabilities: ChannelCapabilities = {
  maxTextLength: MAX_TEXT_LENGTH,
  buttons: false,
  maxButtons: 0,
  lists: false,
  maxListItems: 0,
  templates: false,
  voice: true,
  typing: false,
  maxSendsPerSecond: 5,
  // The Message-ID is stable per stored message, so a resend after a crash is recognised as the
  // same mail by most clients and threads in place: resend rather than lose a question.
  inFlightAfterCrash: 'resend',
};
