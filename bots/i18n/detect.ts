import { detectAll } from 'tinyld';
import { LANGUAGES, type Language } from './catalogue.js';

export interface Detection {
  lang: Language;
  /** Sure enough to switch without asking. */
  confident: boolean;
}

/**
 * Greetings the statistical detector cannot place from one word ("hola", "olá"; it reads "hello"
 * as Spanish): a first word in this list settles the language.
 */
const GREETINGS: Record<Language, readonly string[]> = {
  en: ['hi', 'hello', 'hey', 'good morning', 'good afternoon', 'good evening'],
  es: ['hola', 'buenas', 'buenos dias', 'buenas tardes', 'buenas noches', 'que tal'],
  pt: ['ola', 'oi', 'bom dia', 'boa tarde', 'boa noite', 'tudo bem'],
  fr: ['bonjour', 'bonsoir', 'salut', 'coucou'],
  de: ['hallo', 'guten tag', 'guten morgen', 'guten abend', 'servus', 'moin', 'gruss gott'],
};

const fold = (s: string) =>
  s
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase();

function byGreeting(text: string): Language | undefined {
  const words = fold(text).replace(/[^\p{L}\s]/gu, ' ').trim().split(/\s+/);
  const first = words[0] ?? '';
  const firstTwo = words.slice(0, 2).join(' ');
  for (const [lang, greetings] of Object.entries(GREETINGS) as [Language, readonly string[]][]) {
    if (greetings.includes(first) || greetings.includes(firstTwo)) return lang;
  }
  return undefined;
}

/** Below this, tinyld's guess on our five languages is noise (seen on one-line chat messages). */
const WEAK = 0.05;
/** At or above this, and twice the runner-up, the guess is taken without asking. */
const STRONG = 0.5;
/** A weaker guess is still taken when the runner-up is this many times weaker ("Je voudrais postuler": fr .10, pt .01). */
const CLEAR_LEAD = 5;

/**
 * The language of a candidate's text among the five Parley speaks, offline (tinyld, restricted to
 * them), or undefined when the text says nothing (a name, "ok", a number, a command).
 *
 * @example
 * detectLanguage('Hola, quiero trabajar con vosotros') // { lang: 'es', confident: true }
 */
export function detectLanguage(text: string): Detection | undefined {
  const clean = text.replace(/(^|\s)\/\S+/g, ' ').replace(/[\d@#_*~`]+/g, ' ').trim();
  if (!clean) return undefined;
  const greeted = byGreeting(clean);
  // A short greeting settles it; past one, the detector has more to go on ("hi, me llamo Ana y
  // busco trabajo" is Spanish) and the greeting only confirms its guess.
  if (greeted && clean.split(/\s+/).length <= 3) return { lang: greeted, confident: true };
  const [top, second] = detectAll(clean, { only: [...LANGUAGES] });
  if (!top || top.accuracy < WEAK) return greeted ? { lang: greeted, confident: false } : undefined;
  const lang = top.lang as Language;
  if (greeted === lang) return { lang, confident: true };
  const runnerUp = second?.accuracy ?? 0;
  const confident = (top.accuracy >= STRONG && top.accuracy >= 2 * runnerUp) || (top.accuracy >= 2 * WEAK && top.accuracy >= CLEAR_LEAD * runnerUp);
  return { lang, confident };
}
