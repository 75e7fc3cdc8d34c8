import type { AnswerEvaluation, Level, Question, Quality } from '../../core/interview/index.js';
import type { EvaluationRequest, Evaluator } from '../../core/ports/index.js';
import { containsPhrase, overlap, stems, tokenize } from './text-analysis.js';

const IDK = /^(i\s*(do\s*n[o']?t|dont)\s*know|idk|no idea|not sure|no clue|pass|skip|i have no idea|sorry,? i (do\s*n[o']?t|dont) know|i am not sure|i'?m not sure)\b/i;
const NEGATION_BEFORE = /\b(not true|isn'?t true|a (common )?(mistake|misconception|myth) (is|to think)|wrong to (say|think)|people (wrongly|often) think|contrary to|it'?s not that|does not mean|doesn'?t mean)\b[^.]*$/i;

/** Words an answer of this level should reach before it can count as complete. */
const EXPECTED_WORDS: Record<Level, number> = { warmup: 12, fundamental: 18, intermediate: 28, advanced: 38, expert: 45 };

/**
 * The offline evaluator: grades an answer against the question's rubric with stemmed concept
 * and synonym matching, misconception checks, specificity and length for the level. Fast and
 * deterministic; the default when no LLM is configured, and the LLM's fallback.
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
  if (!text || IDK.test(text)) {
    return { ...base, quality: 'poor', technicalAccuracy: 0, clarity: text ? 0.5 : 0, missedConcepts: allMissed, unparseable: false, rationale: text ? 'the candidate said they do not know' : 'empty answer' };
  }
  const tokens = tokenize(text);
  const answerStems = stems(text);
  const stemSet = new Set(answerStems);
  if (isGibberish(tokens, stemSet, question)) {
    return { ...base, quality: 'poor', technicalAccuracy: 0, clarity: 0.1, missedConcepts: allMissed, unparseable: true, rationale: 'the answer could not be read as an answer to the question' };
  }
  if (overlap(stemSet, question.text) >= 0.8 && answerStems.length <= stems(question.text).length + 3) {
    return { ...base, quality: 'poor', technicalAccuracy: 0.05, clarity: 0.3, missedConcepts: allMissed, unparseable: false, rationale: 'the answer repeats the question' };
  }
  const { covered, missed, coverage } = concepts(question, answerStems);
  const flags = redFlags(question, text, stemSet);
  const specificity = specificityBonus(text);
  const lengthFactor = Math.min(1, tokens.length / EXPECTED_WORDS[question.level]);
  const accuracy = clamp(coverage * (0.55 + 0.45 * lengthFactor) + specificity - 0.25 * flags.length);
  const clarity = clarityScore(text, tokens);
  const quality = toQuality(0.75 * accuracy + 0.25 * clarity, accuracy);
  return {
    ...base,
    quality,
    technicalAccuracy: round(accuracy),
    clarity: round(clarity),
    coveredConcepts: covered,
    missedConcepts: missed,
    redFlags: flags,
    unparseable: false,
    rationale: `covered ${covered.length}/${covered.length + missed.length} concepts${covered.length ? ` (${covered.join(', ')})` : ''}${missed.length ? `; missed: ${missed.join(', ')}` : ''}${flags.length ? `; ${flags.length} misconception${flags.length > 1 ? 's' : ''}` : ''}`,
  };
}

function concepts(question: Question, answerStems: string[]) {
  const covered: string[] = [];
  const missed: string[] = [];
  let got = 0;
  let total = 0;
  for (const k of question.rubric.keyConcepts) {
    total += k.weight;
    const hit = [k.concept, ...k.synonyms].some((phrase) => containsPhrase(answerStems, phrase));
    if (hit) {
      covered.push(k.concept);
      got += k.weight;
    } else missed.push(k.concept);
  }
  return { covered, missed, coverage: total ? got / total : 0 };
}

/** Misconceptions stated (not ones the candidate explicitly rejects). */
function redFlags(question: Question, text: string, stemSet: Set<string>): string[] {
  const sentences = text.split(/(?<=[.!?])\s+|\n+/);
  return question.rubric.redFlags.filter((flag) => {
    if (overlap(stemSet, flag) < 0.8) return false;
    const sentence = sentences.find((s) => overlap(new Set(stems(s)), flag) >= 0.8) ?? '';
    const before = sentence.slice(0, Math.max(0, sentence.toLowerCase().indexOf(stems(flag)[0] ?? '') ));
    return !NEGATION_BEFORE.test(before) && !/\b(not|never|isn'?t|doesn'?t|don'?t)\b/i.test(before.slice(-25));
  });
}

function specificityBonus(text: string): number {
  let bonus = 0;
  if (/`[^`]+`|\b\w+\(\)|\b[a-z]+[A-Z]\w+\b/.test(text)) bonus += 0.05; // code identifiers
  if (/\b(for example|e\.g\.|for instance|such as|in production|we measured|in my last)\b/i.test(text)) bonus += 0.05;
  if (/\d/.test(text)) bonus += 0.02;
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

function isGibberish(tokens: string[], stemSet: Set<string>, question: Question): boolean {
  const vocabulary = new Set(stems([question.text, ...question.rubric.keyConcepts.flatMap((k) => [k.concept, ...k.synonyms]), ...question.rubric.strongAnswerPoints].join(' ')));
  const related = [...stemSet].some((s) => vocabulary.has(s));
  const wordLike = tokens.filter((t) => /[aeiouy]/.test(t) && !/(.)\1\1/.test(t) && !/[^aeiouy\d]{5,}/.test(t)).length / Math.max(1, tokens.length);
  return wordLike < 0.5 || (!related && tokens.length < 12);
}

function toQuality(score: number, accuracy: number): Quality {
  if (score >= 0.8 && accuracy >= 0.75) return 'excellent';
  if (score >= 0.6) return 'good';
  if (score >= 0.38) return 'fair';
  return 'poor';
}

const clamp = (x: number) => Math.max(0, Math.min(1, x));
const round = (x: number) => Math.round(x * 100) / 100;
