import { localise, type Conversation } from '../../core/domain/index.js';
import { dateWordsFor, type DateWords } from '../policy/index.js';

/** The English wording (the default without a localiser, and the catalogues' `scheduling` source). */
const EN = {
  askZone: () => 'Before I suggest times: which time zone are you in? Reply with a city or an IANA zone (for example Lisbon or America/New_York).',
  unknownZone: (v: { text: string }) => `I don't know the time zone "${v.text}". Please reply with a city (for example Lisbon) or an IANA zone such as Europe/Lisbon.`,
  offer: (v: { company: string; zone: string }) => `Let's book your interview with ${v.company}. Here are the next free times (${v.zone}). Reply with the number of the one that suits you:`,
  moveOffer: (v: { company: string; zone: string }) => `No problem, let's move your interview with ${v.company}. Here are the next free times (${v.zone}). Reply with the number of the one that suits you:`,
  taken: (v: { zone: string }) => `Sorry, that time was just taken by someone else. Here are the next free times (${v.zone}):`,
  noSlots: (v: { company: string }) => `There are no free interview times right now. The ${v.company} team will get back to you with a time.`,
  pickPrompt: (v: { n: string }) => `Please reply with a number from 1 to ${v.n}, or "none" if none of these times work.`,
  none: (v: { company: string }) => `Understood. The ${v.company} team will get back to you with other times.`,
  booked: (v: { when: string }) => `You're booked: ${v.when}. A calendar invite is on its way.`,
  moved: (v: { when: string }) => `Done, your interview is moved to ${v.when}. An updated invite is on its way.`,
  cancelled: (v: { company: string }) => `Your interview with ${v.company} has been cancelled. The team will be in touch.`,
  nothingToCancel: () => 'You have no interview booked, so there is nothing to cancel.',
  cancelledByYou: (v: { when: string }) => `Done: your interview on ${v.when} is cancelled. A calendar cancellation is on its way. Write /reschedule if you would like a new time.`,
  mailBooked: (v: { when: string; recruiter: string }) => `Your interview is booked for ${v.when} with ${v.recruiter}. The calendar invite is attached.`,
  mailCancelled: (v: { when: string }) => `Your interview on ${v.when} is cancelled. The calendar cancellation is attached.`,
  join: (v: { link: string }) => `Join here: ${v.link}`,
};

type Texts = { [K in keyof typeof EN]: (...v: Parameters<(typeof EN)[K]>) => string };

/** What scheduling says to one candidate, in their language (catalogue namespace `scheduling`). */
export interface SchedulingTexts extends Texts {
  dates: DateWords;
}

/**
 * The scheduling texts for a conversation, through the core's `localise` hook (the bots'
 * catalogues when registered, English otherwise).
 *
 * @example
 * schedulingTexts(conversation).offer({ company: 'Acme', zone: 'Europe/Lisbon' })
 */
export function schedulingTexts(conversation: Pick<Conversation, 'state'>): SchedulingTexts {
  const texts = Object.fromEntries(
    Object.entries(EN).map(([key, english]) => [
      key,
      (vars: Record<string, string> = {}) => {
        const k = key === 'join' ? 'reminders.join' : (`scheduling.${key}` as const);
        return localise(conversation, k as Parameters<typeof localise>[1], vars, (english as (v: Record<string, string>) => string)(vars));
      },
    ]),
  ) as unknown as Texts;
  return { ...texts, dates: dateWordsFor(conversation) };
}
