import type { OutboundMessage, Stage } from '../../core/domain/index.js';
import type { Question } from '../../core/interview/types.js';
import { translator, type Language } from '../i18n/index.js';

/** What the bot says around the interview, in `lang`, from the message catalogues (bots/i18n/locales). */
export function interviewTextsFor(lang: Language = 'en') {
  const tr = translator(lang);
  const twoChoices = (text: string, a: [string, string], b: [string, string]): OutboundMessage => ({
    text,
    choices: [
      { id: a[0], label: a[1] },
      { id: b[0], label: b[1] },
    ],
  });
  return {
    intro: (roleTitle: string, maxQuestions: number): string => tr('interview.intro', { role: roleTitle, max: maxQuestions }),
    question: (n: number, text: string): string => tr('interview.question', { n, text }),
    resumeQuestion: (n: number, text: string): string => tr('interview.resumeQuestion', { n, text }),
    /** Said with a question the bank has only in English. */
    inEnglish: tr('interview.inEnglish'),
    completed: (name: string | undefined): string => (name ? tr('interview.completedNamed', { name }) : tr('interview.completed')),
    alreadyCompleted: tr('interview.alreadyCompleted'),
    /** Free text after the interview: what happens next, and how to reach a person. */
    afterInterview: (stage: Stage): string =>
      `${tr(stage === 'scheduled' ? 'interview.afterScheduled' : stage === 'assessed' ? 'interview.afterAssessed' : 'interview.afterOther')} ${tr('interview.afterTail')}`,
    abandoned: (): OutboundMessage => twoChoices(tr('interview.abandoned'), ['continue', tr('interview.continue')], ['restart', tr('interview.startOver')]),
    abandonedUnclear: tr('interview.abandonedUnclear'),
    needsHuman: tr('interview.needsHuman'),
    /** The candidate writes while the interview waits for a recruiter. */
    holdWaiting: tr('interview.holdWaiting'),
    /** Nobody joined in time. */
    holdExpired: (): OutboundMessage => twoChoices(tr('interview.holdExpired'), ['continue', tr('interview.continue')], ['wait', tr('interview.waitForRecruiter')]),
    holdKeepWaiting: tr('interview.holdKeepWaiting'),
    /** An old button was tapped: it belongs to an earlier message, not to the question asked now. */
    staleChoice: (n: number, text: string): string => tr('interview.staleChoice', { n, text }),
    noBank: (role: string | undefined): string => tr('interview.noBank', { role: role ?? tr('interview.yourRole') }),
  };
}

export type InterviewTexts = ReturnType<typeof interviewTextsFor>;

/** The English texts (callers with no conversation at hand, and tests). */
export const interviewTexts: InterviewTexts = interviewTextsFor('en');

/**
 * A question as the candidate reads it: the bank's translation into `lang` when it has one;
 * otherwise the English text, with a note (outside English) that any language may be used to answer.
 */
export function questionText(question: Pick<Question, 'text' | 'translations'>, lang: Language = 'en'): { text: string; inEnglish: boolean } {
  if (lang === 'en') return { text: question.text, inEnglish: false };
  const translated = question.translations?.[lang];
  return translated ? { text: translated, inEnglish: false } : { text: question.text, inEnglish: true };
}

/** `Question n: ...` asked again (after a return, a handback, a stale button), translated as `questionMessage`. */
export function resumeMessage(n: number, question: Pick<Question, 'text' | 'translations'>, lang: Language = 'en', stale = false): OutboundMessage {
  const texts = interviewTextsFor(lang);
  const q = questionText(question, lang);
  return { text: (stale ? texts.staleChoice(n, q.text) : texts.resumeQuestion(n, q.text)) + (q.inEnglish ? `\n${texts.inEnglish}` : '') };
}

export function questionMessage(n: number, question: Pick<Question, 'text' | 'translations'>, phrased?: string, lang: Language = 'en'): OutboundMessage {
  const texts = interviewTextsFor(lang);
  const q = questionText(question, lang);
  // The evaluator's rephrasing is English: a translation from the bank wins over it.
  const text = phrased && (lang === 'en' || q.inEnglish) ? phrased : q.text;
  return { text: texts.question(n, text) + (q.inEnglish ? `\n${texts.inEnglish}` : '') };
}
