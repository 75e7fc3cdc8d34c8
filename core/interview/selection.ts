import { LEVELS, type Level, type Question, type RoleBank } from './types.js';
import type { AnswerRecord, InterviewSession } from './session.js';

const levelIndex = (l: Level) => LEVELS.indexOf(l);

/** What an earlier answer tells us about the topics the candidate already covered. */
export type CoveredEvidence = Pick<AnswerRecord, 'text' | 'covered'>;

/** Share of a question's key concepts (by weight) an earlier answer must cover for it to be skipped. */
export const COVERED_TOPIC_SHARE = 0.6;

const normalise = (text: string) => ` ${text.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim()} `;

/**
 * True when the candidate's earlier answers already covered this question's topic: most of its
 * key concepts (the concept or one of its synonyms, as words) appear in what they said, or an
 * evaluator credited them with a concept of the same name. Warmup questions are never skipped.
 *
 * @example
 * topicCovered(gilQuestion, [{ text: 'The GIL lets one thread run bytecode, so use multiprocessing...', covered: [] }]) // true
 */
export function topicCovered(question: Question, earlier: readonly CoveredEvidence[]): boolean {
  return coveredBy(earlier)(question);
}

/**
 * `topicCovered` for many questions against the same earlier answers, which are read once (issue
 * 13: `pickQuestion` asks it of every question of the bank; normalising every answer again for
 * each question cost 2.3 ms per pick with 12 answers and 40 questions).
 */
export function coveredBy(earlier: readonly CoveredEvidence[]): (question: Question) => boolean {
  if (earlier.length === 0) return () => false;
  const said = earlier.map((a) => normalise(a.text)).join(' ');
  const credited = new Set(earlier.flatMap((a) => a.covered.map((c) => normalise(c))));
  // Every word of a phrase must be among the answers' words before the phrase is looked for (most are not).
  const words = new Set(said.split(' '));
  return (question) => {
    if (question.level === 'warmup') return false;
    const concepts = conceptPhrases(question);
    const total = concepts.reduce((n, k) => n + k.weight, 0);
    const covered = concepts.filter((k) => credited.has(k.concept) || k.phrases.some((p) => p.words.every((w) => words.has(w)) && said.includes(p.text)));
    const share = covered.reduce((n, k) => n + k.weight, 0) / total;
    return share >= COVERED_TOPIC_SHARE && (covered.length >= 2 || concepts.length === 1);
  };
}

/** A question's key concepts normalised (the concept, and it and its synonyms as phrases to find), once per question object. */
interface NormalisedConcept {
  concept: string;
  phrases: { text: string; words: string[] }[];
  weight: number;
}

const normalisedConcepts = new WeakMap<Question, NormalisedConcept[]>();

function conceptPhrases(question: Question): NormalisedConcept[] {
  let concepts = normalisedConcepts.get(question);
  if (!concepts) {
    concepts = question.rubric.keyConcepts.map((k) => ({
      concept: normalise(k.concept),
      phrases: [k.concept, ...k.synonyms]
        .map(normalise)
        .filter((p) => p.trim() !== '')
        .map((text) => ({ text, words: text.trim().split(' ') })),
      weight: k.weight,
    }));
    normalisedConcepts.set(question, concepts);
  }
  return concepts;
}

/**
 * A question of this skill and level, not yet asked and not on a topic the candidate already
 * covered (`earlier` answers). When none is left: another skill at its own level (skills
 * without a boundary first), then the same skill at the nearest level, then anything left.
 * Never an asked or covered question; deterministic (bank order).
 */
export function pickQuestion(
  bank: RoleBank,
  skill: string,
  level: Level,
  askedIds: readonly string[],
  bounded: readonly string[] = [],
  earlier: readonly CoveredEvidence[] = [],
  skillLevels: Readonly<Record<string, Level>> = {},
): Question | undefined {
  const asked = new Set(askedIds);
  const covered = coveredBy(earlier);
  const free = bank.questions.filter((q) => !asked.has(q.id) && !covered(q));
  const exact = free.find((q) => q.skill === skill && q.level === level);
  if (exact) return exact;
  const own = (q: Question) => (level === 'warmup' ? 'warmup' : (skillLevels[q.skill] ?? 'fundamental'));
  const otherSkill = free.filter((q) => q.skill !== skill && q.level === own(q));
  const picked = otherSkill.find((q) => !bounded.includes(q.skill)) ?? otherSkill[0];
  if (picked) return picked;
  const nearest = free
    .filter((q) => q.skill === skill)
    .sort((a, b) => Math.abs(levelIndex(a.level) - levelIndex(level)) - Math.abs(levelIndex(b.level) - levelIndex(level)))[0];
  return nearest ?? free[0];
}

/**
 * The skill to probe next: one not yet explored (without a boundary first), else the least
 * explored skill without a boundary, rotating past the current skill. Deterministic.
 */
export function nextSkill(session: Pick<InterviewSession, 'skills' | 'explored' | 'boundaries' | 'currentSkill'>, opts: { keepCurrent?: boolean } = {}): string {
  const { skills, explored, boundaries, currentSkill } = session;
  if (opts.keepCurrent && !boundaries[currentSkill]) return currentSkill;
  const start = skills.indexOf(currentSkill) + 1;
  const rotated = [...skills.slice(start), ...skills.slice(0, start)];
  const score = (s: string) => (boundaries[s] ? 100 : 0) + (explored[s]?.length ?? 0) * 10 + (s === currentSkill ? 5 : 0);
  return [...rotated].sort((a, b) => score(a) - score(b))[0] ?? currentSkill;
}
