import type { AnswerEvaluation, Level, Question, Quality } from '../../core/interview/index.js';
import type { EvaluationRequest, Evaluator } from '../../core/ports/index.js';
import { measure } from './grading/features.js';
import { contentStems } from './grading/lexicon.js';
import { matchStem } from './grading/match.js';
import { profileOf, type QuestionProfile } from './grading/profile.js';
import { contradiction } from './grading/question-rules.js';
import { statedRedFlags } from './grading/red-flags.js';
import { WRONG_RESULT_KEEPS, wrongResult } from './grading/results.js';
import { calibratedAccuracy, chanceBlend } from './grading/score.js';
import { overlap, stems, tokenize } from './text-analysis.js';

/** "I don't know" and friends, at the start of the answer; "pass" only as a word of its own (not "pass-by-reference"). */
const IDK =
  /^(?:(?:sorry,? )?i\s*(?:do\s*n[o']?t|dont)\s*(?:know|remember)|idk|dunno|no idea|not sure|no clue|i have no idea|i am not sure|i'?m not sure|i can'?t remember|i forgot|never heard of (?:it|this|that)|(?:i'?ll |i will |let me |can i )?(?:pass|skip))(?![\w-])/i;

/** Words an answer of this level should reach before it can be excellent (a third of it at least). */
const EXPECTED_WORDS: Record<Level, number> = { warmup: 12, fundamental: 18, intermediate: 28, advanced: 38, expert: 45 };
/** A concept at least this covered is reported as covered; above zero, as partly covered. */
const COVERED = 0.5;

/**
 * The offline evaluator: compares the answer with the question's reference answer and key
 * concepts (stems, tolerant of morphology and typos, words the question already says
 * discounted), blends the measures with global calibrated weights (grading/score.ts), and
 * checks misconceptions. Fast and deterministic; the default when no LLM is configured, and the
 * LLM's fallback. Agreement with human graders: `npm run bench -- grading`.
 */
export class RubricEvaluator implements Evaluator {
  readonly name = 'rubric';

  async evaluate(req: EvaluationRequest): Promise<AnswerEvaluation & { evaluator: string }> {
    return { ...gradeAnswer(req.question, req.answer), evaluator: 'rubric' };
  }
}

/** The grading itself, synchronous (benchmarks call it directly). */
export function gradeAnswer(question: Question, answer: string): AnswerEvaluation {
  const text = answer.trim();
  const base = { skills: [question.skill], coveredConcepts: [] as string[], redFlags: [] as string[] };
  const allMissed = question.rubric.keyConcepts.map((k) => k.concept);
  const profile = profileOf(question);
  if (!text || saysDontKnow(text, profile)) {
    return { ...base, quality: 'poor', technicalAccuracy: 0, clarity: text ? 0.5 : 0, missedConcepts: allMissed, unparseable: false, rationale: text ? 'the candidate said they do not know' : 'empty answer' };
  }
  const tokens = tokenize(text);
  const answerStems = stems(text);
  if (isUnreadable(text, tokens, answerStems, profile)) {
    return { ...base, quality: 'poor', technicalAccuracy: 0, clarity: 0.1, missedConcepts: allMissed, unparseable: true, rationale: 'the answer could not be read as an answer to the question' };
  }
  const stemSet = new Set(answerStems);
  if (overlap(stemSet, question.text) >= 0.8 && answerStems.length <= profile.question.size + 3) {
    return { ...base, quality: 'poor', technicalAccuracy: 0.05, clarity: 0.3, missedConcepts: allMissed, unparseable: false, rationale: 'the answer repeats the question' };
  }
  const features = measure(profile, text);
  const misconceptions = statedRedFlags(text, question.rubric.redFlags);
  // Taking the other side of the question's choice is a misconception too, priced by the score itself.
  const wrongSide = contradiction(profile, text);
  // So is stating another result where the reference works one out ("58 seconds" for "56.9512 seconds"; issue 11).
  const wrongNumber = wrongResult(profile.results, text);
  const flags = [...misconceptions, ...(wrongSide ? [wrongSide] : []), ...(wrongNumber ? [wrongNumber] : [])];
  const content = calibratedAccuracy(features, wrongSide !== undefined, chanceBlend(profile)) * (wrongNumber ? WRONG_RESULT_KEEPS : 1);
  const accuracy = clamp(content + specificityBonus(text) - 0.25 * misconceptions.length);
  const clarity = clarityScore(text, tokens);
  const quality = toQuality(accuracy, clarity, tokens.length >= EXPECTED_WORDS[question.level] / 3, flags.length);
  const names = question.rubric.keyConcepts.map((k) => k.concept);
  const covered = names.filter((_, i) => (features.perConcept[i] ?? 0) >= COVERED);
  const partly = names.map((n, i) => [n, features.perConcept[i] ?? 0] as const).filter(([, c]) => c > 0 && c < COVERED);
  const missed = names.filter((_, i) => (features.perConcept[i] ?? 0) < COVERED);
  return {
    ...base,
    quality,
    technicalAccuracy: round(accuracy),
    clarity: round(clarity),
    coveredConcepts: covered,
    missedConcepts: missed,
    redFlags: flags,
    unparseable: false,
    rationale: [
      `covered ${covered.length}/${names.length} concepts${covered.length ? ` (${covered.join(', ')})` : ''}`,
      partly.length ? `partly: ${partly.map(([n, c]) => `${n} (${Math.round(c * 100)}%)`).join(', ')}` : '',
      missed.length > partly.length ? `missed: ${missed.filter((m) => !partly.some(([n]) => n === m)).join(', ')}` : '',
      flags.length ? `${flags.length} misconception${flags.length > 1 ? 's' : ''}` : '',
    ].filter(Boolean).join('; '),
  };
}

/**
 * An honest "I don't know": the answer opens with one and adds at most a few words, none of them
 * about the question ("no idea, sorry" but not "Pass by reference." nor "not sure, but X").
 */
function saysDontKnow(text: string, profile: QuestionProfile): boolean {
  const m = IDK.exec(text);
  if (!m) return false;
  const rest = contentStems(text.slice(m[0].length));
  return rest.length <= 3 && !rest.some((s) => profile.vocabulary.has(s));
}

/**
 * Not an answer at all: mostly keyboard noise, or a short text with no number, no code and no
 * word of the whole bank's subject (even tolerantly matched). A short answer in other words than
 * the rubric's is still graded.
 */
function isUnreadable(text: string, tokens: string[], answerStems: string[], profile: QuestionProfile): boolean {
  const wordLike = tokens.filter((t) => /\d/.test(t) || (/[aeiouy]/.test(t) && !/(.)\1\1/.test(t) && !/[^aeiouy]{5,}/.test(t))).length / Math.max(1, tokens.length);
  if (wordLike < 0.5) return true;
  if (tokens.length >= 12 || /\d|`|\w\(\)|\b[a-z]+[A-Z]\w*/.test(text)) return false;
  return !answerStems.some((s) => matchStem(s, profile.domainIndex) > 0);
}

function specificityBonus(text: string): number {
  let bonus = 0;
  if (/`[^`]+`|\b\w+\(\)|\b[a-z]+[A-Z]\w+\b/.test(text)) bonus += 0.03; // code identifiers
  if (/\b(for example|e\.g\.|for instance|such as|in production|we measured|in my last)\b/i.test(text)) bonus += 0.03;
  return bonus;
}

function clarityScore(text: string, tokens: string[]): number {
  const unique = new Set(tokens).size / Math.max(1, tokens.length);
  const sentences = text.split(/[.!?]+/).filter((s) => s.trim().length > 0);
  const avgLen = tokens.length / Math.max(1, sentences.length);
  let score = 0.5 + 0.5 * Math.min(1, unique / 0.6);
  if (avgLen > 45) score -= 0.15; // one endless sentence
  if (tokens.length > 5 && text === text.toUpperCase()) score -= 0.2;
  if (tokens.length < 4) score -= 0.2;
  return clamp(score);
}

/**
 * The label, from accuracy above all: clarity adds at most 0.15, so a fluent wrong answer stays
 * poor. Fair starts at the interview's weak-answer accuracy (core/interview/machine.ts
 * WEAK_ACCURACY 0.4), so a poor label and a weak answer agree; good needs accuracy >= 0.55;
 * excellent also needs an answer long enough for its level. A stated misconception is fair at best.
 */
function toQuality(accuracy: number, clarity: number, longEnough: boolean, misconceptions: number): Quality {
  const score = 0.85 * accuracy + 0.15 * clarity;
  if (accuracy < FAIR_ACCURACY) return 'poor';
  if (misconceptions > 0) return 'fair';
  if (score >= 0.8 && accuracy >= 0.75 && longEnough) return 'excellent';
  if (score >= 0.6 && accuracy >= 0.55) return 'good';
  return 'fair';
}
const FAIR_ACCURACY = 0.4;

const clamp = (x: number) => Math.max(0, Math.min(1, x));
const round = (x: number) => Math.round(x * 100) / 100;
