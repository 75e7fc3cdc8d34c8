import { translator, type Language } from '../i18n/index.js';

/**
 * What the bot says about CVs, in one language (the catalogues' `cv` namespace).
 *
 * @example
 * cvTextsFor('es').feedbackHead('Python Developer') // 'Tu CV para Python Developer:'
 */
export function cvTextsFor(lang: Language = 'en') {
  const tr = translator(lang);
  return {
    read: (skills: readonly string[], years: number | undefined) =>
      [tr('cv.read'), skills.length ? tr('cv.found', { skills: skills.join(', ') }) : tr('cv.noSkills'), ...(years ? [years === 1 ? tr('cv.yearsOne') : tr('cv.yearsMany', { years })] : [])].join(' '),
    suggest: (skills: readonly string[], roleTitle: string) => tr('cv.suggest', { skills: skills.slice(0, 3).join(', '), role: roleTitle }),
    applyFor: (roleTitle: string) => tr('cv.applyFor', { role: roleTitle }),
    notACv: tr('cv.notACv'),
    tooLarge: (mb: number) => tr('cv.tooLarge', { mb }),
    unreadable: tr('cv.unreadable'),
    unavailable: tr('cv.unavailable'),
    noCv: tr('cv.noCv'),
    noRole: tr('cv.noRole'),
    feedbackHead: (roleTitle: string) => tr('cv.feedbackHead', { role: roleTitle }),
    shows: (skills: readonly string[]) => tr('cv.shows', { skills: skills.join(', ') }),
    lacks: (skills: readonly string[]) => tr('cv.lacks', { skills: skills.join(', ') }),
    allShown: tr('cv.allShown'),
  };
}

/** The CV texts in English (callers without a conversation). */
export const cvTexts = cvTextsFor('en');
