/**
 * What the grader knows about a question before any answer arrives: the stems of the question,
 * of its reference answer and of each key concept, weighted by how rare they are in the
 * question's bank (IDF over the bank's own text) and discounted when the question itself says
 * them (echoing the question is not knowing the answer). Built once per question and cached.
 */
import type { Question } from '../../../core/interview/types.js';
import { abbreviationTable, bankAbbreviations, type AbbreviationTable, type BankAbbreviations } from './abbreviations.js';
import { directionOf, type Direction } from './direction.js';
import { contentStems, rubricStems } from './lexicon.js';
import { indexStems, type StemIndex } from './match.js';
import { polarStems } from './red-flags.js';
import { askedCount, choicesOf, pickOf, polarityOf, type Choice, type Pick } from './question-rules.js';
import { resultsOf, type Results } from './results.js';

/**
 * The least share of the reference's length a complete answer needs when the question asks for
 * fewer items than the reference lists: a point of the reference can say less than one item of
 * an answer ("Name the 2 phases and explain how cwnd changes" against twelve short points).
 * Chosen on the grading benchmark's train split (0.3 to 0.5 score alike; none is 1).
 */
export const ASKED_SHARE_FLOOR = 0.4;
/** Weight left to a term that the question already contains. */
export const ECHO_WEIGHT = 0.25;

export interface WeightedTerm {
  stem: string;
  weight: number;
  /** The question text contains this stem. */
  echo: boolean;
}

export interface ConceptProfile {
  concept: string;
  weight: number;
  /** The concept and each synonym, as weighted terms; the best-covered one counts. */
  phrases: WeightedTerm[][];
  /** The concept's stems with negated ones marked "¬" (red-flags.ts polarStems). */
  polar: string[];
  /** Which way the concept says a quantity moves ("decreases": -1), 0 when it says none (direction.ts). */
  direction: Direction;
}

export interface QuestionProfile {
  question: ReadonlySet<string>;
  /** Distinct stems of the reference answer (or, without one, the strong-answer points and concepts). */
  reference: WeightedTerm[];
  /** The reference answer's and the question's stems, indexed: what an on-topic answer's words are among. */
  topicIndex: StemIndex;
  /** Count of content words in the reference: how much a complete answer says. */
  referenceLength: number;
  /**
   * The reference's content words a complete answer needs: all of them, or when the question asks
   * for fewer items than the reference has points ("state 4 objectives" of ten), that share of
   * them, but never under ASKED_SHARE_FLOOR of them.
   */
  completeLength: number;
  concepts: ConceptProfile[];
  /** Items the question asks for ("name two"), 0 when it names no number (question-rules.ts). */
  askedItems: number;
  /** Choices the question offers whose side the reference answer takes, and its yes/no. */
  choices: Choice[];
  polarity: 'yes' | 'no' | undefined;
  /** What the reference picks where the question asks which one thing to use (question-rules.ts pickOf). */
  pick: Pick | undefined;
  /** What the reference works out ("= 56.9512 seconds"), and every number it and the question write (results.ts). */
  results: Results;
  /** Everything the bank says about this question: a word outside it is the candidate's own. */
  vocabulary: ReadonlySet<string>;
  vocabularyIndex: StemIndex;
  /** The words of the whole bank (the question's own material when its bank is unknown). */
  domainIndex: StemIndex;
  /** The texts of the bank's other questions: answers to something else (score.ts chanceBlend); empty when its bank is unknown. */
  offTopic: readonly string[];
  idf: (stem: string) => number;
  /** The abbreviations the question says and the phrases it spells out (abbreviations.ts): an answer's other form counts. */
  abbreviations: AbbreviationTable;
}

/** Document frequencies over one bank's questions (text, rubric and reference of each). */
interface BankStats {
  docs: number;
  df: ReadonlyMap<string, number>;
  /** Every stem the bank uses: its domain's words. */
  domain: StemIndex;
  questions: readonly Question[];
  /** Read on the first question graded (abbreviations.ts bankAbbreviations, ~25 ms for the shipped banks). */
  abbreviations: () => BankAbbreviations;
}

const bankOf = new Map<string, BankStats>();
const profiles = new WeakMap<Question, QuestionProfile>();

/**
 * Records the bank's word statistics so its questions are graded with IDF from their own bank.
 * Called by the bank loader for every bank; a question never registered is graded with flat weights.
 *
 * @example
 * registerBank(bank.questions);
 */
export function registerBank(questions: readonly Question[]): void {
  const df = new Map<string, number>();
  for (const q of questions) for (const s of new Set(rubricStems(questionText(q)))) df.set(s, (df.get(s) ?? 0) + 1);
  let abbreviations: BankAbbreviations | undefined;
  const stats = { docs: questions.length, df, domain: indexStems([...df.keys()]), questions, abbreviations: () => (abbreviations ??= bankAbbreviations(questions.map(questionText))) };
  for (const q of questions) bankOf.set(q.id, stats);
}

/** The question's grading profile (cached per question object). */
export function profileOf(q: Question): QuestionProfile {
  const cached = profiles.get(q);
  if (cached) return cached;
  const profile = buildProfile(q, bankOf.get(q.id));
  profiles.set(q, profile);
  return profile;
}

function questionText(q: Question): string {
  const rubric = [...q.rubric.keyConcepts.flatMap((k) => [k.concept, ...k.synonyms]), ...q.rubric.strongAnswerPoints];
  return [q.text, q.referenceAnswer ?? '', ...rubric].join('\n');
}

function buildProfile(q: Question, stats: BankStats | undefined): QuestionProfile {
  const idf = stats && stats.docs >= 5 ? (s: string) => Math.log((stats.docs + 1) / ((stats.df.get(s) ?? 0) + 1)) + 1 : () => 1;
  const asked = new Set(rubricStems(q.text));
  const askedPolar = new Set(polarStems(q.text));
  // A word the question says is no echo when the phrase negates it and the question does not ("not independent").
  const termsOf = (phrase: string): WeightedTerm[] => {
    const negated = new Set(polarStems(phrase).filter((s) => s.startsWith('¬') && !askedPolar.has(s)).map((s) => s.slice(1)));
    return [...new Set(rubricStems(phrase))].map((stem) => term(stem, asked.has(stem) && !negated.has(stem)));
  };
  const term = (stem: string, echo = asked.has(stem)): WeightedTerm => ({ stem, echo, weight: idf(stem) * (echo ? ECHO_WEIGHT : 1) });
  const referenceText = q.referenceAnswer ?? [...q.rubric.strongAnswerPoints, ...q.rubric.keyConcepts.map((k) => k.concept)].join('\n');
  const refStems = contentStems(referenceText);
  const concepts = q.rubric.keyConcepts.map((k) => ({
    concept: k.concept,
    weight: k.weight,
    phrases: [k.concept, ...k.synonyms].map(termsOf).filter((p) => p.length > 0),
    polar: polarStems(k.concept),
    direction: directionOf(k.concept),
  }));
  const vocabulary = new Set([...asked, ...contentStems(questionText(q))]);
  const askedItems = askedCount(q.text);
  const askedShare = askedItems > 0 && askedItems < concepts.length ? Math.max(askedItems / concepts.length, ASKED_SHARE_FLOOR) : 1;
  return {
    question: asked,
    reference: [...new Set(refStems)].map((s) => term(s)),
    topicIndex: indexStems([...refStems, ...asked]),
    referenceLength: refStems.length,
    completeLength: refStems.length * askedShare,
    concepts,
    askedItems,
    choices: q.referenceAnswer ? choicesOf(q.text, q.referenceAnswer) : [],
    polarity: q.referenceAnswer ? polarityOf(q.text, q.referenceAnswer) : undefined,
    pick: q.referenceAnswer ? pickOf(q.text, q.referenceAnswer) : undefined,
    results: resultsOf(q.text, q.referenceAnswer),
    vocabulary,
    vocabularyIndex: indexStems([...vocabulary]),
    domainIndex: stats?.domain ?? indexStems([...vocabulary]),
    offTopic: stats ? stats.questions.filter((o) => o.id !== q.id).map((o) => o.text) : [],
    idf,
    abbreviations: abbreviationTable(questionText(q), stats?.abbreviations(), q.text),
  };
}
