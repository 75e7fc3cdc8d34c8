import type { OutboundMessage } from '../../core/domain/index.js';
import { translator, type Language } from '../i18n/index.js';

/** What the bot says during intake, in `lang`, from the message catalogues (bots/i18n/locales). */
export function intakeTexts(lang: Language = 'en') {
  const tr = translator(lang);
  return {
    greeting: (company: string): OutboundMessage => ({ text: tr('intake.greeting', { company }) }),
    greetingAgain: (): OutboundMessage => ({ text: tr('intake.welcomeBack') }),
    consent: tr('intake.consent'),
    consentUnclear: tr('intake.consentUnclear'),
    declined: tr('intake.declined'),
    askName: tr('intake.askName'),
    nameUnclear: tr('intake.nameUnclear'),
    askRole: (name: string) => tr('intake.askRole', { name }),
    askRolePlain: tr('intake.askRolePlain'),
    roleUnclear: tr('intake.roleUnclear'),
    confirmed: (name: string, role: string) => tr('intake.confirmed', { name, role }),
    defaultName: tr('intake.defaultName'),
    waitingForInterview: tr('intake.waitingForInterview'),
  };
}

/** The English texts (tests and callers that have no conversation at hand). */
export const texts = intakeTexts('en');

export function consentQuestion(lang: Language = 'en'): OutboundMessage {
  const tr = translator(lang);
  return {
    text: tr('intake.consent'),
    choices: [
      { id: 'yes', label: tr('intake.consentYes') },
      { id: 'no', label: tr('intake.consentNo') },
    ],
  };
}
