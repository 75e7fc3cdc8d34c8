import { phraseWords, tokenize } from './text.js';

/**
 * A phrase that says a candidate is leaving. `(a|b)` lists alternatives (expanded to every
 * combination), so the list stays readable without fuzzy matching: "found the job description
 * confusing" must not read as "found a job". `severity` 0..1 scales the factor's weight.
 */
export interface DisengagementPattern {
  pattern: string;
  severity: number;
}

/** The default phrases: clear goodbyes at 1, softer signals below. */
export const DISENGAGEMENT_PHRASES: readonly DisengagementPattern[] = [
  { pattern: '(not|no longer) interested', severity: 1 },
  { pattern: 'lost interest', severity: 1 },
  { pattern: 'found (a|another|a new|a better|a different) (job|position|role|opportunity)', severity: 1 },
  { pattern: '(accepted|took|taken|signed) another (offer|job|job offer|position|role)', severity: 1 },
  { pattern: '(got|received|have) another (offer|job offer)', severity: 0.8 },
  { pattern: 'accepted (an|a|a job|a different) (offer|job|position|role)', severity: 1 },
  { pattern: 'accepted (a|the|their|my employers) (counter offer|counteroffer)', severity: 1 },
  { pattern: '(going|decided to go|chose to go) with another (company|offer|employer)', severity: 1 },
  { pattern: '(no longer|stopped) looking', severity: 1 },
  { pattern: 'not looking anymore', severity: 1 },
  { pattern: 'stop (messaging|texting|contacting|emailing|writing to|spamming|bothering|calling) me', severity: 1 },
  { pattern: '(dont|do not) (message|text|contact|email|call) me', severity: 1 },
  { pattern: '(leave me alone|remove me|unsubscribe)', severity: 1 },
  { pattern: '(withdraw|withdrawing|withdrew) (my application|my candidacy|from the process|from consideration)', severity: 1 },
  { pattern: '(cancel|remove|delete) my (application|candidacy)', severity: 1 },
  { pattern: 'take me out of the process', severity: 1 },
  { pattern: '(staying|decided to stay) (at|with) my current (job|company|employer)', severity: 0.8 },
  { pattern: 'no time for this', severity: 0.7 },
  { pattern: '(not for me|changed my mind)', severity: 0.6 },
  { pattern: 'not worth (it|my time)', severity: 0.6 },
  { pattern: '(not a good fit|not the right time)', severity: 0.5 },
  { pattern: 'too busy', severity: 0.5 },
  { pattern: '(dont|do not) have (the time|time)', severity: 0.4 },
];

/** A negation just before a phrase cancels it: "I'm not too busy", "I haven't found another job". */
const GUARDS = new Set('not never dont doesnt didnt havent hasnt hadnt isnt arent wasnt werent wont cant cannot wouldnt hardly'.split(' '));
/** After "not interested in", these make it a goodbye ("in this role"); anything else is a preference ("in frontend"). */
const GOODBYE_OBJECTS = new Set('it this that anything you your working moving continuing proceeding pursuing joining changing interviewing applying further anymore'.split(' '));
const ARTICLES = new Set(['the', 'a', 'an', 'any']);
const ROLE_WORDS = new Set('role roles position positions job jobs opportunity opportunities offer process company vacancy opening interview application'.split(' '));

interface CompiledPhrase {
  text: string;
  words: string[];
  severity: number;
}

/** What `findDisengagement` reports: the phrase as listed and its severity. */
export interface DisengagementMatch {
  phrase: string;
  severity: number;
}

/**
 * The strongest disengagement phrase in a message, case- and punctuation-insensitive
 * ("NOT interested!!", "found another-job", "I’m no longer looking."), or undefined.
 *
 * @example
 * findDisengagement('Thanks, but I accepted another offer.') // { phrase: 'accepted another offer', severity: 1 }
 * findDisengagement("I'm interested!") // undefined
 */
export function findDisengagement(text: string, patterns: readonly DisengagementPattern[] = DISENGAGEMENT_PHRASES): DisengagementMatch | undefined {
  const phrases = patterns === DISENGAGEMENT_PHRASES ? DEFAULT_COMPILED : compile(patterns);
  const words = wordsOf(text);
  let best: DisengagementMatch | undefined;
  for (let i = 0; i < words.length; i++) {
    for (const p of phrases) {
      if (best && p.severity <= best.severity) continue;
      if (matches(words, i, p.words) && !negated(words, i) && !isPreference(words, i + p.words.length, p)) best = { phrase: p.text, severity: p.severity };
    }
  }
  return best;
}

/**
 * The disengagement phrase in a message, or undefined (`findDisengagement` without severity).
 *
 * @example
 * disengagementPhrase('I FOUND ANOTHER JOB!!!') // 'found another job'
 */
export function disengagementPhrase(text: string): string | undefined {
  return findDisengagement(text)?.phrase;
}

/** Expands `(a|b) c` into `a c` and `b c`, longest phrases first. */
export function expandPattern(pattern: string): string[] {
  const group = /\(([^()]*)\)/.exec(pattern);
  if (!group) return [pattern.replace(/\s+/g, ' ').trim()];
  const [whole, inner = ''] = group;
  return inner.split('|').flatMap((alt) => expandPattern(pattern.replace(whole, alt)));
}

function compile(patterns: readonly DisengagementPattern[]): CompiledPhrase[] {
  return patterns
    .flatMap((p) => expandPattern(p.pattern).map((text) => ({ text, words: phraseWords(text), severity: p.severity })))
    .filter((p) => p.words.length > 0)
    .sort((a, b) => b.severity - a.severity || b.words.length - a.words.length);
}

const DEFAULT_COMPILED = compile(DISENGAGEMENT_PHRASES);

/** A message's words; `clauseStart` marks a word after punctuation ("No. Not interested"). */
interface Word {
  text: string;
  clauseStart: boolean;
}

// Phrases match across punctuation ("Not. Interested."), but a negation guard does not reach over it.
function wordsOf(text: string): Word[] {
  const words: Word[] = [];
  let clauseStart = true;
  for (const t of tokenize(text)) {
    if (t.kind === 'break') clauseStart = true;
    if (t.kind !== 'word') continue;
    words.push({ text: t.text, clauseStart });
    clauseStart = false;
  }
  return words;
}

function matches(words: readonly Word[], at: number, phrase: readonly string[]): boolean {
  return phrase.every((w, k) => words[at + k]?.text === w);
}

function negated(words: readonly Word[], start: number): boolean {
  for (let i = start - 1; i >= 0 && i >= start - 2; i--) {
    if (words[i + 1]!.clauseStart) return false;
    if (GUARDS.has(words[i]!.text)) return true;
  }
  return false;
}

/** "not interested in frontend" states a preference; "not interested in this role" is a goodbye. */
function isPreference(words: readonly Word[], after: number, phrase: CompiledPhrase): boolean {
  if (phrase.words.at(-1) !== 'interested') return false;
  const inWord = words[after];
  if (inWord?.text !== 'in' || inWord.clauseStart) return false;
  const object = words[after + 1]?.text;
  if (object === undefined || GOODBYE_OBJECTS.has(object)) return false;
  const next = words[after + 2]?.text;
  return !(ARTICLES.has(object) && next !== undefined && ROLE_WORDS.has(next));
}
