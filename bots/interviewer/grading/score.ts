/**
 * The calibrated score: a fixed blend of the answer's measurements. The weights are global (the
 * same for every question of every bank), chosen on the train split of the grading benchmark
 * (`npm run bench -- grading`) and checked on its held-out splits; never fitted per question.
 */
import type { AnswerFeatures } from './features.js';

/**
 * Half for the rubric's key concepts, a quarter each for word recall of and cosine with the
 * reference answer; repeating the question costs. Square roots make the first words of a concept
 * count more than the last ones: graders give full credit well before an answer repeats the whole
 * reference. (On the benchmark equal thirds do as well; the concepts' half keeps an answer that
 * names one concept of three below one that names them all.)
 */
export const BLEND = { concepts: 0.5, recall: 0.25, cosine: 0.25, echo: -0.5 } as const;

/**
 * Maps the blend to technicalAccuracy 0..1 linearly, 0 -> 0 and 0.85 -> 1. On the benchmark,
 * answers humans graded fully correct have a median blend of 0.43 (-> 0.50), partly correct 0.37
 * (-> 0.44), incorrect 0.16 (-> 0.19): SAF's graders are generous, Parley's labels are not. The
 * shipped banks' own strong answers have a median of 0.83 (-> 0.97), an answer that only names
 * one concept of several 0.37 (-> 0.44, fair), two of three about 0.75 (-> 0.88).
 */
export const CALIBRATION = { zeroAt: 0, oneAt: 0.85 } as const;

/**
 * An answer with less than COMPLETENESS.fullAt of the reference's length (in content words) loses
 * accuracy in proportion, down to COMPLETENESS.floor of it: a ten-word answer to a question whose
 * complete answer takes sixty cannot be fully right, however well chosen its words. On the
 * benchmark this raises Pearson on all three splits (train .319 -> .323, unseen answers .320 ->
 * .328, unseen questions .622 -> .627); on the shipped banks it keeps one-line answers ("We had
 * Jenkins, it ran something when we pushed") below good: their scripted strong answers are 0.8
 * to 1.2 times the reference's length, the weak ones 0.1 to 0.3.
 */
export const COMPLETENESS = { fullAt: 0.2, floor: 0.3 } as const;

/** The uncalibrated blend, about -0.5..1. */
export function blend(f: AnswerFeatures): number {
  return (
    BLEND.concepts * Math.sqrt(f.conceptCoverage) +
    BLEND.recall * Math.sqrt(f.referenceRecall) +
    BLEND.cosine * Math.sqrt(f.cosine) +
    BLEND.echo * f.echoShare
  );
}

/** technicalAccuracy before red flags and bonuses, 0..1. */
export function calibratedAccuracy(f: AnswerFeatures): number {
  const completeness = COMPLETENESS.floor + (1 - COMPLETENESS.floor) * Math.min(1, f.lengthRatio / COMPLETENESS.fullAt);
  return Math.max(0, Math.min(1, (blend(f) - CALIBRATION.zeroAt) / (CALIBRATION.oneAt - CALIBRATION.zeroAt))) * completeness;
}
