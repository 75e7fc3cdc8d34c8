import { describe, expect, it } from '@jest/globals';
import { gradeAnswer } from '../rubric-evaluator.js';
import { resultsOf, sameValue, wrongResult } from './results.js';
import { referenceQuestion } from '../../../test/support/grading.js';

// A calculation question in the style of SAF's queueing one (issue 11): the reference works out an
// intermediate value and a final result with its unit.
const calculation = referenceQuestion(
  'results-calc',
  'A server with a buffer of 4 packets receives 3 packets per second and serves 4 per second. For how many seconds of one minute do you expect the buffer not to be full? Show the steps.',
  'The utilization is 3/4. The probability that the buffer is full is P_B = ((1 - 0.75) * 0.75^4) / (1 - 0.75^5) = 0.1037. The buffer is not full for the rest of the minute: 60 * (1 - P_B) = 53.78 seconds.',
);

describe('a result other than the one the reference works out', () => {
  const steps = 'The utilization is 0.75, the blocking probability follows from the formula for a full buffer, and the time is the minute times one minus it';

  it('costs the answer and is said, where the same steps with the reference result are not', () => {
    const right = gradeAnswer(calculation, `${steps}, which gives 53.78 seconds.`);
    const wrong = gradeAnswer(calculation, `${steps}, which gives 48 seconds.`);
    expect(right.redFlags).toEqual([]);
    expect(wrong.redFlags).toEqual(['states 48 where the reference answer works out 53.78']);
    expect(wrong.technicalAccuracy).toBeLessThan(0.5 * right.technicalAccuracy);
  });

  it('reads the reference result rounded, cut, with a decimal comma or from rounded steps', () => {
    for (const result of ['54 seconds', '53.8 seconds', '53,78 s', '53.7 seconds', '53.75 seconds', '= 0.10, so 53.4 seconds']) {
      expect(gradeAnswer(calculation, `${steps}, which gives ${result}.`).redFlags).toEqual([]);
    }
  });

  it('is not a number the question or the reference gives, nor an answer that states no result', () => {
    expect(gradeAnswer(calculation, `${steps}: the server serves 4 packets per second, the utilization is 0.75.`).redFlags).toEqual([]);
    expect(gradeAnswer(calculation, `${steps}, so the buffer is rarely full.`).redFlags).toEqual([]);
  });

  it('never fires where the reference works nothing out', () => {
    const plain = referenceQuestion('results-plain', 'How does TCP slow start change the congestion window?', 'The congestion window starts at 1 segment and doubles every round trip until it reaches the threshold.');
    expect(resultsOf(plain.text, plain.referenceAnswer).results).toEqual([]);
    expect(gradeAnswer(plain, 'It starts at 1 and the window is 64 after six round trips.').redFlags).toEqual([]);
  });
});

describe('the numbers of a calculation', () => {
  it('takes results after "=" that the question does not give, with their unit, and not an operand', () => {
    const r = resultsOf(calculation.text, calculation.referenceAnswer);
    expect(r.results).toEqual(['0.1037', '53.78']);
    expect(r.units).toEqual(['seconds']);
    expect(resultsOf('Compute it.', 'x = 60 * 2 = 120 s; y = 3').results).toEqual(['120']);
    // A number the question gives is no result of the reference's, even after "=".
    expect(resultsOf('The link is watched for 60 seconds.', 'T = 60 seconds, so N = 540 packets')).toMatchObject({ results: ['540'], units: ['packets'] });
  });

  it('counts a rounded, cut or 1% off value as the same, with two significant digits', () => {
    expect(sameValue('56.9512', '57')).toBe(true);
    expect(sameValue('56.9512', '56.94')).toBe(true);
    expect(sameValue('0.8208', '0,8202')).toBe(true);
    expect(sameValue('56.9512', '57.97')).toBe(false);
    expect(sameValue('0.0508', '0.05')).toBe(false);
    expect(wrongResult(resultsOf('q', 'p = 0.0508'), 'p is 5.08%')).toBeUndefined();
    expect(wrongResult(resultsOf('q', 'p = 0.0508'), 'p is 7.5%')).toBe('states 7.5 where the reference answer works out 0.0508');
  });
});
