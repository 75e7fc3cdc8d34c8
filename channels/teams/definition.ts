import type { ChannelCapabilities } from '../../core/ports/index.js';

/** Where the Bot Framework delivers activities (POST), the Azure Bot resource's "Messaging endpoint". */
export const TEAMS_MESSAGES_PATH = '/api/messages';

/**
 * What a Teams chat can show. Teams caps a message at about 28 KB including markup: 7,000
 * characters leaves room for any script (4 bytes each) and the card around them. Choices are an
 * Adaptive Card's `Action.Submit` buttons (Teams shows six actions before "more options").
 * The Bot Framework throttles a bot at about 7 messages a second per conversation and 50 a second
 * in all; the engine's per-channel limiter keeps below that.
 */
export const teamsCapabilities: ChannelCapabilities = {
  maxTextLength: 7000,
  buttons: true,
  maxButtons: 6,
  lists: false,
  maxListItems: 0,
  templates: false,
  voice: true,
  typing: true,
  maxSendsPerSecond: 7,
  // The connector has no idempotency key: like Telegram, resend a crash's in-flight sends (at most
  // one repeat) rather than leave a candidate without their question.
  inFlightAfterCrash: 'resend',
};
