/**
 * Measurements of one answer against a question's profile, each 0..1, blended by a handful of
 * global weights (score.ts). None is tuned per question.
 */
import { expandAbbreviations } from './abbreviations.js';
import { DIRECTION_STEMS, directionOf } from './direction.js';
import { contentStems, rubricStems } from './lexicon.js';
import { polarStems } from './red-flags.js';
import { indexStems, matchStem, type StemIndex } from './match.js';
import { ECHO_WEIGHT, type QuestionProfile, type WeightedTerm } from './profile.js';

export interface AnswerFeatures {
  /** Share of the reference answer's terms the answer has (IDF-weighted, question words discounted). */
  referenceRecall: number;
  /** Graded coverage of each key concept, 0..1, in rubric order. */
  perConcept: number[];
  /**
   * Weighted mean of `perConcept`; when the question asks for fewer items than the rubric lists
   * ("name two of..."), of the best-covered that many.
   */
  conceptCoverage: number;
  /** IDF-weighted cosine between the answer's and the reference's stems. */
  cosine: number;
  /** Share of the answer's content words that only repeat the question. */
  echoShare: number;
  /**
   * IDF-weighted share of the answer's words (of three letters or more) that the reference answer
   * or the question says too, tolerantly matched: how much of the answer is on the question's topic.
   */
  topicShare: number;
  /** Content words in the answer. */
  words: number;
  /** Content words in the answer per content word of the reference answer (how much of a complete answer's length it has). */
  lengthRatio: number;
  /**
   * Content words in the part of the reference answer a complete answer needs: all of it, or the
   * share of its points the question asks for ("name two" of eight).
   */
  referenceWords: number;
}

/** A word that may start a negation or a rejection (red-flags.ts has the exact rules). */
const MAY_NEGATE = /\b(?:not?|nor|never|neither|cannot|without|avoid|instead|rather|misconceptions?|myths?|mistaken(?:ly)?|wrong(?:ly)?|contrary)\b|n'?t\b/i;
const SENTENCE = /(?<=[.!?;])\s+|\n+/;
/**
 * What a sentence keeps of its coverage of a concept when it says the quantity moves the other way
 * ("increases" for the reference's "decreases"). Chosen on five folds of SAF's train questions
 * (0 to 1; 0 and 0.3 alike once a point's example is optional, 0.5 and 0.7 before). A stronger
 * rule, costing the whole answer, fired mostly on sentences about another quantity ("increases
 * efficiency" against "reduces overhead").
 */
export const DIRECTION_FLIP_KEEPS = 0.3;

/**
 * @example
 * measure(profileOf(question), 'An empty array runs the effect once, after mount.').conceptCoverage; // 0..1
 */
export function measure(profile: QuestionProfile, written: string): AnswerFeatures {
  const stems = contentStems(written);
  // An abbreviation counts as its phrase and the reverse ("MTU", "maximum transmission unit"): for the concepts, recall and cosine.
  const answer = expandAbbreviations(written, profile.abbreviations);
  const expanded = answer === written ? stems : contentStems(answer);
  const index = indexStems(expanded);
  // Rubric phrases keep words like "once" and "after" that the content-word list drops. A concept
  // is said in one sentence: its words scattered over the answer say less (SAF: Pearson +.007).
  const sentences = answer
    .split(SENTENCE)
    .filter((s) => s.trim())
    .map((s) => {
      const plain = rubricStems(s);
      // A sentence that says a quantity goes one way says it with any word of that way ("shrinks" for "decreases").
      const direction = directionOf(s);
      const index = indexStems(direction === 0 ? plain : [...plain, ...DIRECTION_STEMS[direction]]);
      // Without a negation word the marked stems are the plain ones (polarStems is the slow path).
      return { index, direction, polar: new Set(MAY_NEGATE.test(s) ? polarStems(s) : plain) };
    });
  const perConcept = profile.concepts.map((c) =>
    Math.max(
      0,
      ...sentences.flatMap((s) => {
        // "The diameter increases" where the concept says it decreases: the sentence's coverage counts less.
        const way = c.direction !== 0 && s.direction === -c.direction ? DIRECTION_FLIP_KEEPS : 1;
        return c.phrases.map((p) => way * phraseCoverage(p, s.index) * (1 - flipped(c.polar, s.polar) / Math.max(1, c.polar.length)));
      }),
    ),
  );
  return {
    referenceRecall: covered(profile.reference, index),
    perConcept,
    conceptCoverage: coverageOfBest(profile, perConcept),
    cosine: cosine(profile, expanded),
    echoShare: stems.length ? stems.filter((s) => profile.question.has(s)).length / stems.length : 0,
    topicShare: topicShare(profile, stems),
    words: stems.length,
    lengthRatio: profile.referenceLength ? stems.length / profile.referenceLength : 1,
    referenceWords: profile.completeLength,
  };
}

/**
 * The weighted mean coverage of the concepts a full answer needs: all of them, or the
 * `askedItems` best-covered when the question asks for fewer than the rubric lists.
 */
function coverageOfBest(profile: QuestionProfile, perConcept: readonly number[]): number {
  const scored = profile.concepts.map((c, i) => ({ weight: c.weight, coverage: perConcept[i] as number }));
  const needed = profile.askedItems > 0 && profile.askedItems < scored.length ? scored.sort((a, b) => b.coverage - a.coverage).slice(0, profile.askedItems) : scored;
  const total = needed.reduce((s, c) => s + c.weight, 0);
  return total ? needed.reduce((s, c) => s + c.weight * c.coverage, 0) / total : 0;
}

/**
 * How many of a concept's words the sentence says with the other polarity: "arrivals are
 * independent" for the concept "arrivals are not independent", or the reverse. Each costs the
 * concept its share of the sentence's coverage (red-flags.ts marks negated words).
 */
function flipped(concept: readonly string[], sentence: ReadonlySet<string>): number {
  let n = 0;
  for (const w of concept) {
    const negated = w.startsWith('¬');
    const bare = negated ? w.slice(1) : w;
    if (negated ? sentence.has(bare) && !sentence.has(w) : sentence.has(`¬${bare}`) && !sentence.has(bare)) n++;
  }
  return n;
}

/** Weighted share of `terms` the answer has, with tolerant matching. */
export function covered(terms: readonly WeightedTerm[], index: StemIndex): number {
  let got = 0;
  let total = 0;
  for (const t of terms) {
    total += t.weight;
    got += t.weight * matchStem(t.stem, index);
  }
  return total ? got / total : 0;
}

/**
 * How much of a concept phrase the answer says. Words the question already contains count for
 * little (question demoting); a phrase made only of them is worth ECHO_WEIGHT at most, so a
 * synonym that merely repeats the question is not a covered concept.
 */
export function phraseCoverage(terms: readonly WeightedTerm[], index: StemIndex): number {
  return terms.some((t) => !t.echo) ? covered(terms, index) : ECHO_WEIGHT * covered(terms, index);
}

function topicShare(profile: QuestionProfile, stems: readonly string[]): number {
  let on = 0;
  let total = 0;
  for (const s of stems) {
    // Letters and numbers ("A", "B", "10") are names and values, not the answer's topic.
    if (!/^[a-z]{3}/.test(s)) continue;
    const w = profile.idf(s);
    total += w;
    on += w * matchStem(s, profile.topicIndex);
  }
  return total ? on / total : 1;
}

function cosine(profile: QuestionProfile, stems: readonly string[]): number {
  const counts = new Map<string, number>();
  for (const s of stems) counts.set(s, (counts.get(s) ?? 0) + 1);
  let dot = 0;
  let na = 0;
  for (const [s, n] of counts) na += (n * profile.idf(s)) ** 2;
  let nr = 0;
  for (const t of profile.reference) {
    const w = profile.idf(t.stem);
    nr += w * w;
    dot += (counts.get(t.stem) ?? 0) * w * w;
  }
  return na && nr ? dot / Math.sqrt(na * nr) : 0;
}
