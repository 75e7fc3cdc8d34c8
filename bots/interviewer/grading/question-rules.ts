/**
 * What the question's own words say about a full answer, read from the bank (question text and
 * reference answer), never tuned per question: how many items it asks for ("name two reasons"),
 * and which side the reference takes when the question offers a choice ("connection-oriented or
 * connectionless?", "does this assumption hold?").
 */
import { STOP_WORDS, stem, tokenize } from './lexicon.js';
import { splitPoints } from './reference-rubric.js';

/** The side of a choice the reference answer takes, and the side it does not. */
export interface Choice {
  /** Stem and the word as the question writes it. */
  right: { stem: string; word: string };
  wrong: { stem: string; word: string };
}

const NUMBER_WORDS: Record<string, number> = { one: 1, two: 2, three: 3, four: 4, five: 5, six: 6 };
const NUMBER = '(\\d+|one|two|three|four|five|six)';
/** "Name the 3 service classes", "give 2 reasons ... and 1 weakness", "describe two benefits and two drawbacks". */
const ASKED = new RegExp(
  `\\b(?:name|give|state|list|discuss|describe|provide|mention)\\b(?:\\s+(?:the|at least|and \\w+|me|us))*\\s+${NUMBER}\\s+[a-z]+((?:\\s+(?:and|or)\\s+${NUMBER}\\s+[a-z]+)*)`,
  'g',
);
/** Words that start a request of their own: after "and" they do not repeat the count ("name two tasks and explain"). */
const REQUESTS = new Set(['explain', 'describe', 'justify', 'discuss', 'name', 'give', 'state', 'list', 'provide', 'mention', 'why', 'how', 'what']);
/** A request without a count of its own ("and explain the differences"; not "describe two benefits"). */
const OTHER_REQUEST = new RegExp(`\\b(?:explain|describe|justify|discuss)\\b(?!\\s+(?:the\\s+|at least\\s+)?${NUMBER}\\b)`, 'g');
/** A question sentence that opens with such a request is counted by OTHER_REQUEST already. */
const REQUEST_START = /^\s*(?:please\s+)?(?:explain|describe|justify|discuss)\b/;
/** "in 1-4 sentences", "in one sentence each": a length, not a count of items. */
const SENTENCES = /\bin (?:\d+\s*-\s*\d+|\d+|one|two|three|four|five|a single) sentences?\b/g;
const CLOSED = /(?:^|,\s*)(?:does|do|is|are|can|could|would|will|should|did|was|were|has|have)\s+(?!you\b|your\b)/;
/** The reference takes a side when it names it in its first words ("Connectionless, because..."). */
const OPENING_WORDS = 3;
const OPTION_STOP = new Set(['with', 'without', 'not', 'more', 'less', 'yes', 'no']);

/**
 * How many items the question asks for (0 when it names no number): a full answer needs that
 * many of the reference's points, not all of them when the reference lists alternatives. A count
 * covers a second noun joined by "and" ("give 1 advantage and disadvantage": 2), and each other
 * request of a counting question is one item more: "name the 3 classes and explain the
 * differences" (4), "What is X? Also, give 1 advantage and disadvantage" (3). A question sentence
 * about the counted things ("What are the objectives? State 4 objectives.") is no other request.
 *
 * @example
 * askedCount('Name the two modes of control plane distribution and name one downside for each.'); // 3
 */
export function askedCount(question: string): number {
  const text = question.toLowerCase().replace(/\([^)]*\)/g, ' ').replace(SENTENCES, ' ');
  let total = 0;
  const nouns: string[] = [];
  for (const m of text.matchAll(ASKED)) {
    const first = toNumber(m[1] as string);
    total += first;
    for (const more of (m[2] ?? '').matchAll(new RegExp(NUMBER, 'g'))) total += toNumber(more[1] as string);
    nouns.push(...[...m[0].matchAll(new RegExp(`${NUMBER}\\s+([a-z]+)`, 'g'))].map((n) => stem(n[2] as string)));
    // "1 advantage and disadvantage": the same count again.
    const next = /^\s+and\s+([a-z]+)/.exec(text.slice((m.index ?? 0) + m[0].length))?.[1];
    if (next && !REQUESTS.has(next) && !STOP_WORDS.has(next)) total += first;
  }
  if (total === 0) return 0;
  // Beside the counted items, each other request is one more: "... and explain how X changes",
  // a question about something else ("What is frame bursting? Also, give 1 advantage...").
  total += [...text.matchAll(OTHER_REQUEST)].length;
  for (const sentence of text.split(/(?<=[.!?])\s*/)) {
    if (sentence.trim().endsWith('?') && !REQUEST_START.test(sentence) && !tokenize(sentence).some((w) => nouns.includes(stem(w)))) total++;
  }
  return total;
}

function toNumber(word: string): number {
  return /^\d+$/.test(word) ? Number(word) : (NUMBER_WORDS[word] ?? 0);
}

/**
 * The choices the question offers ("X or Y?" in a question sentence) where the reference's first
 * point names exactly one side. Function words ("with or without") are no choice.
 *
 * @example
 * choicesOf('Is a connection-oriented or connectionless service better?', 'Connectionless, because...'); // right: connectionless
 */
export function choicesOf(question: string, reference: string): Choice[] {
  const first = new Set(tokenize(splitPoints(reference)[0] ?? '').map(stem));
  const opening = tokenize(reference).slice(0, OPENING_WORDS).map(stem);
  const out: Choice[] = [];
  for (const sentence of closedQuestions(question)) {
    const words = tokenize(sentence);
    for (let i = 1; i < words.length - 1; i++) {
      if (words[i] !== 'or') continue;
      const [a, b] = [words[i - 1] as string, words[i + 1] as string];
      if (![a, b].every((w) => w.length >= 4 && !STOP_WORDS.has(w) && !OPTION_STOP.has(w)) || stem(a) === stem(b)) continue;
      const [sa, sb] = [stem(a), stem(b)];
      if (first.has(sa) === first.has(sb) || !opening.includes(first.has(sa) ? sa : sb)) continue;
      out.push(first.has(sa) ? { right: { stem: sa, word: a }, wrong: { stem: sb, word: b } } : { right: { stem: sb, word: b }, wrong: { stem: sa, word: a } });
    }
  }
  return out;
}

/** "yes" or "no" when the question asks a yes/no question and the reference answer opens with one. */
export function polarityOf(question: string, reference: string): 'yes' | 'no' | undefined {
  const opening = /^\W*(yes|no)\b/i.exec(reference)?.[1]?.toLowerCase();
  if (opening !== 'yes' && opening !== 'no') return undefined;
  return closedQuestions(question).length > 0 ? opening : undefined;
}

/**
 * The side the answer takes against the reference's, when it takes the other one: it opens with
 * the other yes/no, or names the other option of a choice before (or without) the right one.
 *
 * @example
 * contradiction({ choices, polarity: undefined }, 'Connection-oriented, since...'); // 'chose "oriented" where the reference says "connectionless"'
 */
export function contradiction(rules: { choices: readonly Choice[]; polarity: 'yes' | 'no' | undefined }, answer: string): string | undefined {
  if (rules.polarity) {
    const said = /^\W*(yes|no)\b/i.exec(answer)?.[1]?.toLowerCase();
    if (said && said !== rules.polarity) return `answered "${said}" where the reference answer says "${rules.polarity}"`;
  }
  if (rules.choices.length === 0) return undefined;
  const stems = tokenize(answer).map(stem);
  for (const c of rules.choices) {
    const right = stems.indexOf(c.right.stem);
    const wrong = stems.indexOf(c.wrong.stem);
    if (wrong >= 0 && (right < 0 || wrong < right)) return `chose "${c.wrong.word}" where the reference answer says "${c.right.word}"`;
  }
  return undefined;
}

/**
 * The question's closed questions: sentences ending in "?" that open (or go on after a comma) with
 * an auxiliary whose subject is not the candidate ("Is it better to...", "Does this assumption
 * hold?"; not "Have you used...", "Do you prefer...", which ask about experience or taste).
 */
function closedQuestions(question: string): string[] {
  return question
    .split(/(?<=[.!?])\s*/)
    .filter((s) => s.trim().endsWith('?') && CLOSED.test(s.trim().toLowerCase()));
}
