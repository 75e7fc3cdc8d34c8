import type { AnswerRecord } from '../../core/interview/index.js';
import { detectLanguage, LANGUAGE_NAMES, type Language } from '../i18n/index.js';

/**
 * What the assessment must say when the offline grader met answers that are not in English: it
 * matches the English rubric's terms and translates nothing, so it graded those answers as written
 * (their scores may understate them), or could not grade them at all. Undefined when every answer
 * reads as English (or nothing can be told).
 *
 * @example
 * offlineLanguageNote(session.answers) // '2 of 5 answers were in Español: ...'
 */
export function offlineLanguageNote(answers: readonly Pick<AnswerRecord, 'text' | 'unparseable'>[]): string | undefined {
  const foreign = answers
    .map((a) => ({ a, lang: detectLanguage(a.text)?.lang }))
    .filter((x): x is { a: (typeof answers)[number]; lang: Exclude<Language, 'en'> } => x.lang !== undefined && x.lang !== 'en');
  if (!foreign.length) return undefined;
  const names = [...new Set(foreign.map((f) => LANGUAGE_NAMES[f.lang]))].join(', ');
  const ungraded = foreign.filter((f) => f.a.unparseable).length;
  const graded = foreign.length - ungraded;
  const parts = [
    graded
      ? `${graded} of ${answers.length} answers were in ${names} and the offline grader graded them as written, without translation (it matches the English rubric's terms): their scores may understate them`
      : '',
    ungraded ? `${ungraded} answer${ungraded > 1 ? 's' : ''} in ${names} could not be graded by the offline grader (it reads English only): read ${ungraded > 1 ? 'them' : 'it'} yourself` : '',
  ].filter(Boolean);
  return `${parts.join('; ')}. Set OPENAI_API_KEY for grading across languages.`;
}
