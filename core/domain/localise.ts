import type { Conversation } from './conversation.js';

/** The candidate-facing texts the core (and the jobs) say themselves; their wording lives in the bots' catalogues. */
export type CoreTextKey =
  | 'notices.takeoverJoined'
  | 'notices.takeoverLeft'
  | 'notices.apology'
  | 'notices.nudgeFirst'
  | 'notices.nudgeAgain'
  | 'reminders.reminder'
  | 'reminders.join'
  | 'dates.locale'
  | 'dates.when'
  | `scheduling.${SchedulingTextKey}`
  | `voice.${'offer' | 'on' | 'off' | 'usage' | 'unavailable'}`;

/** The scheduling texts (slot offers, picks, moves, cancellations) the jobs say to candidates. */
export type SchedulingTextKey =
  | 'askZone'
  | 'unknownZone'
  | 'offer'
  | 'moveOffer'
  | 'taken'
  | 'noSlots'
  | 'pickPrompt'
  | 'none'
  | 'booked'
  | 'moved'
  | 'cancelled'
  | 'nothingToCancel'
  | 'cancelledByYou'
  | 'mailBooked'
  | 'mailCancelled';

/** Words a core text in the conversation's language, or undefined to keep the English default. */
export type Localiser = (conversation: Pick<Conversation, 'state'>, key: CoreTextKey, vars: Record<string, string>) => string | undefined;

let localiser: Localiser | undefined;

/**
 * Who words the core's own candidate-facing texts (the app registers the bots' catalogues; one per
 * process, as `onMalformedSlice`). The core never imports the bots: without one it speaks English.
 *
 * @example
 * onLocalise((conversation, key, vars) => t(languageOf(conversation), key, vars));
 */
export function onLocalise(next: Localiser | undefined): void {
  localiser = next;
}

/** `english` in the conversation's language when a localiser knows it. */
export function localise(conversation: Pick<Conversation, 'state'>, key: CoreTextKey, vars: Record<string, string>, english: string): string {
  return localiser?.(conversation, key, vars) ?? english;
}
