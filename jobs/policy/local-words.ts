import { localise, type Conversation } from '../../core/domain/index.js';
import { ENGLISH_REMINDER, type ReminderWords } from './reminders.js';
import { ENGLISH_DATES, type DateWords } from './time-zones.js';

type Localised = Pick<Conversation, 'state'>;

/** How dates read for this conversation's candidate (the catalogues' `dates`, English without them). */
export function dateWordsFor(conversation: Localised): DateWords {
  return {
    locale: localise(conversation, 'dates.locale', {}, ENGLISH_DATES.locale),
    when: (parts) => localise(conversation, 'dates.when', parts, ENGLISH_DATES.when(parts)),
  };
}

/** A reminder's words in this conversation's language (the catalogues' `reminders`). */
export function reminderWordsFor(conversation: Localised): ReminderWords {
  return {
    ...dateWordsFor(conversation),
    reminder: (vars) => localise(conversation, 'reminders.reminder', vars, ENGLISH_REMINDER.reminder(vars)),
    join: (link) => localise(conversation, 'reminders.join', { link }, ENGLISH_REMINDER.join(link)),
  };
}
