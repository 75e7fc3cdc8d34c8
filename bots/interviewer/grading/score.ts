/**
 * The calibrated score: a fixed blend of the answer's measurements. The weights are global (the
 * same for every question of every bank), chosen on the train split of the grading benchmark
 * (`npm run bench -- grading`) and checked on its held-out splits; never fitted per question.
 */
import { measure, type AnswerFeatures } from './features.js';
import type { QuestionProfile } from './profile.js';

/**
 * Half for the rubric's key concepts, a quarter each for word recall of and cosine with the
 * reference answer; repeating the question costs. Square roots make the first words of a concept
 * count more than the last ones: graders give full credit well before an answer repeats the whole
 * reference. (On the benchmark equal thirds do as well; the concepts' half keeps an answer that
 * names one concept of three below one that names them all.)
 */
export const BLEND = { concepts: 0.5, recall: 0.25, cosine: 0.25, echo: -0.5 } as const;
/**
 * Staying on the question's topic earns credit: ON_TOPIC.weight times the share of the answer's
 * words that the reference answer or the question says too (features.ts topicShare), counted up
 * to ON_TOPIC.upTo, so only an answer that talks mostly about something else misses some of it.
 * It ranks the answers to one question better, the weak ones above all (a wrong answer about the
 * question above a ramble about something else): on SAF's train split within-question r 0.459 ->
 * 0.468, higher on each of five folds of train questions, pooled r unchanged. Chosen on train
 * among the settings that keep every scripted weak answer under the weak-answer accuracy
 * (counting up to 0.4 scored higher and let one through).
 */
export const ON_TOPIC = { weight: 0.6, upTo: 0.3 } as const;

/**
 * Maps the blend to technicalAccuracy 0..1 linearly, 0.1 -> 0 and 1 -> 1 (the on-topic credit
 * raised every blend by up to 0.18). On the benchmark's train split, answers humans graded fully
 * correct have a median blend of 0.60 (-> 0.56), partly correct 0.53 (-> 0.48), incorrect 0.39
 * (-> 0.32): SAF's graders are generous, Parley's labels are not. The shipped banks' own strong
 * answers have a median of 1.02 (-> 1), their scripted weak answers 0.34 (-> 0.27).
 */
export const CALIBRATION = { zeroAt: 0.1, oneAt: 1 } as const;

/**
 * How complete an answer's length is: its content words over what a complete answer needs, which
 * is COMPLETENESS.fullAt of the reference answer's content words (of the share of them the
 * question asks for: profile.ts completeLength) but never more than
 * COMPLETENESS.capWords (a long reference lists alternatives; nobody has to name them all). Two
 * uses. It is COMPLETENESS.share of the accuracy (the content score the rest), counted only as far
 * as the answer touches the key concepts (fully from a coverage of COMPLETENESS.attemptAt): a long
 * answer that names nothing of the rubric is no attempt. And a shorter answer keeps only part of
 * its accuracy, down to COMPLETENESS.floor of it: a ten-word answer to a question whose complete
 * answer takes sixty cannot be fully right, however well chosen its words.
 * SAF's graders give most on-topic answers of a normal length most of the marks, even when they
 * share few words with the reference; a one-liner rarely. Chosen on the benchmark's train split
 * (share 0.3, fullAt 0.5, cap 40 words) among the settings that keep the scripted weak candidate
 * under the weak-answer accuracy; attemptAt 0.1 is a product rule that costs SAF agreement (0.02
 * on train and unseen answers): a fluent ramble that grazes one concept word stays poor.
 */
export const COMPLETENESS = { fullAt: 0.5, capWords: 40, floor: 0.3, share: 0.3, attemptAt: 0.1 } as const;

/**
 * What an answer that takes the other side of the question's choice keeps of its accuracy
 * ("connection-oriented" where the reference says "connectionless"; "no" where it says "yes").
 * On SAF such answers got 0.3 of the marks on average.
 */
export const WRONG_SIDE_KEEPS = 0.3;

/** The uncalibrated blend, about -0.5..1. */
export function blend(f: AnswerFeatures): number {
  return (
    BLEND.concepts * Math.sqrt(f.conceptCoverage) +
    BLEND.recall * Math.sqrt(f.referenceRecall) +
    BLEND.cosine * Math.sqrt(f.cosine) +
    BLEND.echo * f.echoShare +
    ON_TOPIC.weight * Math.min(ON_TOPIC.upTo, f.topicShare)
  );
}

/** Share of a complete answer's length the answer has, 0..1. */
export function completeness(f: Pick<AnswerFeatures, 'words' | 'referenceWords'>): number {
  const needed = Math.min(COMPLETENESS.fullAt * f.referenceWords, COMPLETENESS.capWords);
  return needed > 0 ? Math.min(1, f.words / needed) : 1;
}

/** Questions of a bank at most read as off-topic answers (evenly spread over the bank). */
const CHANCE_SAMPLE = 60;
const chanceCache = new WeakMap<QuestionProfile, number>();

/**
 * What the blend gives an answer to another question of the bank: the mean blend of the bank's
 * other question texts read as answers to this one, 0 or more (0 without a known bank of 5+
 * questions). A question whose reference shares the bank's everyday words ("data", "sender",
 * "packet") gives every answer part of its content score for free; humans do not. On the grading
 * benchmark this chance level follows the grader's per-question mean (r 0.48 over the 26 train
 * questions) and not the humans' (r -0.13). calibratedAccuracy counts content from it.
 */
export function chanceBlend(profile: QuestionProfile): number {
  const cached = chanceCache.get(profile);
  if (cached !== undefined) return cached;
  const texts = profile.offTopic;
  const step = Math.max(1, texts.length / CHANCE_SAMPLE);
  const picked: string[] = [];
  for (let i = 0; i < texts.length && picked.length < CHANCE_SAMPLE; i += step) picked.push(texts[Math.floor(i)] as string);
  const value = picked.length >= 4 ? Math.max(0, picked.reduce((t, x) => t + blend(measure(profile, x)), 0) / picked.length) : 0;
  chanceCache.set(profile, value);
  return value;
}

/** technicalAccuracy before red flags and bonuses, 0..1; `chance` is the question's chanceBlend. */
export function calibratedAccuracy(f: AnswerFeatures, wrongSide = false, chance = 0): number {
  const zeroAt = Math.max(CALIBRATION.zeroAt, Math.min(chance, CALIBRATION.oneAt / 2));
  const content = Math.max(0, Math.min(1, (blend(f) - zeroAt) / (CALIBRATION.oneAt - zeroAt)));
  const c = completeness(f);
  // Length earns credit only as far as the answer says something of the key concepts: "It sets the CSS class" is no attempt.
  const attempt = c * Math.min(1, f.conceptCoverage / COMPLETENESS.attemptAt);
  const accuracy = ((1 - COMPLETENESS.share) * content + COMPLETENESS.share * attempt) * (COMPLETENESS.floor + (1 - COMPLETENESS.floor) * c);
  return wrongSide ? WRONG_SIDE_KEEPS * accuracy : accuracy;
}
