import type { ChannelCapabilities } from '../../core/ports/index.js';

/** What the web chat can show. Buttons render under the message; there is no provider rate limit. */
export const webchatCapabilities: ChannelCapabilities = {
  maxTextLength: 16_000,
  buttons: true,
  maxButtons: 12,
  lists: false,
  maxListItems: 0,
  templates: false,
  voice: false,
  typing: true,
  maxSendsPerSecond: Infinity,
  // A message a crash left mid-send is resent: the browser drops an id it already shows, so the
  // candidate never sees it twice.
  inFlightAfterCrash: 'resend',
  // A send is a socket write: acknowledged at once, in the turn's burst.
  acknowledgedInProcess: true,
};
