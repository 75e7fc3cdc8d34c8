/**
 * What the question's own words say about a full answer, read from the bank (question text and
 * reference answer), never tuned per question: how many items it asks for ("name two reasons"),
 * and which side the reference takes when the question offers a choice ("connection-oriented or
 * connectionless?", "does this assumption hold?").
 */
import { STOP_WORDS, contentStems, stem, tokenize } from './lexicon.js';
import { indexStems, matchStem } from './match.js';
import { splitPoints } from './reference-rubric.js';

/** The side of a choice the reference answer takes, and the side it does not. */
export interface Choice {
  /** Stem and the word as the question writes it. */
  right: { stem: string; word: string };
  wrong: { stem: string; word: string };
}

/** The option the reference answer picks for a "which ... should be used?" question. */
export interface Pick {
  /** The reference's pick as it writes it ("binary encoding"). */
  words: string;
  /** Its stems that the question does not say: what an answer must name to pick it too. */
  stems: string[];
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
 * "Which/what ... should be used / would you use / is best / do you recommend": a question that
 * asks for one thing to choose. Not a question about the candidate's taste or experience ("Which
 * do you prefer?", "Which tools have you used?", "What do you use at work?").
 */
const PICK_QUESTION =
  /(?:^|[,;:]\s*|\band\s+)(?:which|what)\b(?:\s+[\w/-]+){0,8}?\s+(?:should|would|shall|could|is|are|do|does)\b(?:\s+[\w-]+){0,4}?\s+(?:use|used|using|recommend|recommended|choose|chosen|pick|picked|select|selected|best|better|preferable|preferred|suitable|appropriate|apply|applied|employ|employed)\b/;
/** "What is DHCP used for?", "What are hooks used for?": a question about a thing's purpose, not a choice. */
const PURPOSE = /\bwhat\s+(?:is|are)\b[^?]*\bused\s+for\b/;
const ABOUT_CANDIDATE = /\b(?:you|your)\b.*\b(?:prefer|like|enjoy|favou?rite|tried)\b|\b(?:have|has|did|do)\s+you\s+(?:ever\s+|usually\s+|typically\s+|mostly\s+)?(?:use|used|work|worked|tried)\b/;
/** Where a first phrase ends: punctuation, a dash, or a word that starts a reason or a clause. */
const PHRASE_END = /[,;:.!?()[\]\n–—"]|\s-\s|\b(?:because|since|as|so|due|therefore|thus|hence|which|that|while|whereas|but)\b/;
/** A text that opens with a reason or a condition names no pick first ("As all clocks are perfect, ..."). */
const OPENS_WITH_REASON = /^\W*(?:because|since|as|if|when|whenever|given|although|though|while|due|considering|assuming|to)\b/;
/** "I would recommend X", "we should use X", "I suggest to use the X": the pick follows the verb. */
const CHOOSING = /\b(?:use|using|recommend|suggest|choose|pick|select|prefer|go\s+with|opt\s+for|apply|employ)\b(?:\s+(?:to\s+use|using|to|the|a|an))*\s+(\S.*)$/;
/** A phrase that opens with a pronoun is a statement about something named before ("It assigns addresses"), not a pick. */
const PRONOUN = /^\W*(?:it|its|this|that|these|those|they|there|we|you|i|he|she|one)\b/;
/** "X should be used", "X is the best": the pick is what comes before the first verb. */
const VERB = /\b(?:is|are|was|were|be|been|should|would|could|can|will|may|might|must|shall|has|have|had|does|do|did|works?|fits?|suits?|seems?|provides?|offers?|gives?|needs?|makes?|allows?|uses?)\b/;
/** Words of a first phrase that name no option: choosing, opinion, a rubric's own talk. */
const NO_OPTION = new Set(
  'use using used recommend recommended suggest choose chose pick select prefer preferred think believe opinion best better option options choice solution answer answers good correct possible sensible scenario case situation here'
    .split(' ')
    .map(stem),
);
/** A pick longer than this many words is a statement, not a pick. */
const PICK_WORDS = 5;

/**
 * The pick a text opens with: its first phrase (before a comma, "because", "as", "since" or a
 * verb), or what follows "I would use/recommend", as stems without the words of choosing.
 * Undefined when the text opens with a reason, or the phrase is too long to be a pick.
 */
export function firstPick(text: string): { words: string; stems: string[] } | undefined {
  const lower = text.toLowerCase().replace(/[’']/g, '');
  if (OPENS_WITH_REASON.test(lower)) return undefined;
  let phrase = lower.split(PHRASE_END)[0] ?? '';
  const chosen = CHOOSING.exec(phrase)?.[1];
  if (chosen) phrase = chosen;
  else if (PRONOUN.test(phrase)) return undefined;
  else phrase = phrase.split(VERB)[0] ?? '';
  const stems = contentStems(phrase).filter((s) => !NO_OPTION.has(s));
  if (stems.length === 0 || stems.length > PICK_WORDS) return undefined;
  const words = tokenize(phrase).filter((w) => !STOP_WORDS.has(w));
  return { words: words.join(' '), stems };
}

/**
 * The reference's pick when the question asks which one thing to choose or use ("Which of the
 * encoding techniques should be used?") and the reference opens with it ("Binary encoding, as
 * ..."): its words the question does not already say. Undefined otherwise.
 *
 * @example
 * pickOf('Which HTTP method should be used to update part of a resource?', 'PATCH, because...'); // { words: 'patch', stems: ['patch'] }
 */
export function pickOf(question: string, reference: string): Pick | undefined {
  const asks = question
    .toLowerCase()
    .split(/(?<=[.!?])\s*/)
    .some((s) => PICK_QUESTION.test(s) && !ABOUT_CANDIDATE.test(s) && !PURPOSE.test(s));
  if (!asks) return undefined;
  const pick = firstPick(reference);
  if (!pick || pick.stems.some((s) => /\d/.test(s))) return undefined;
  const asked = new Set(contentStems(question));
  const stems = pick.stems.filter((s) => !asked.has(s));
  return stems.length ? { words: pick.words, stems } : undefined;
}

/**
 * Whether the answer picks something else than the reference: its own first phrase names a word
 * that neither the question nor the reference's pick says, and the answer never names the pick.
 */
function otherPick(pick: Pick, question: ReadonlySet<string>, answer: string): string | undefined {
  const own = firstPick(answer);
  if (!own || !own.stems.some((s) => !question.has(s) && !pick.stems.includes(s))) return undefined;
  const stems = contentStems(answer);
  const index = indexStems(stems);
  const named = pick.stems.some((p) => matchStem(p, index) > 0 || (p.length >= 4 && stems.some((s) => s.startsWith(p))));
  return named ? undefined : own.words;
}

/**
 * The side the answer takes against the reference's, when it takes the other one: it opens with
 * the other yes/no, names the other option of a choice before (or without) the right one, or
 * picks another thing than the reference where the question asks which one to use.
 *
 * @example
 * contradiction({ choices, polarity: undefined }, 'Connection-oriented, since...'); // 'chose "oriented" where the reference says "connectionless"'
 */
export function contradiction(
  rules: { choices: readonly Choice[]; polarity: 'yes' | 'no' | undefined; pick?: Pick | undefined; question?: ReadonlySet<string> },
  answer: string,
): string | undefined {
  if (rules.polarity) {
    const said = /^\W*(yes|no)\b/i.exec(answer)?.[1]?.toLowerCase();
    if (said && said !== rules.polarity) return `answered "${said}" where the reference answer says "${rules.polarity}"`;
  }
  if (rules.pick) {
    const other = otherPick(rules.pick, rules.question ?? new Set(), answer);
    if (other) return `chose "${other}" where the reference answer says "${rules.pick.words}"`;
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
