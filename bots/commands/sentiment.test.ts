import { describe, expect, it } from '@jest/globals';
import { scoreFeedbackSentiment } from './sentiment.js';

describe('scoreFeedbackSentiment', () => {
  it.each([
    ['The interview was great, thanks!', (s: number) => s > 0.5],
    ['really clear and friendly questions', (s: number) => s > 0.5],
    ['terrible, confusing and way too long', (s: number) => s < -0.5],
    ['not good', (s: number) => s < 0],
    ['not bad at all', (s: number) => s > 0],
    ['I answered the questions', (s: number) => s === 0],
  ])('%j', (text, check) => expect(check(scoreFeedbackSentiment(text))).toBe(true));

  it('stays within -1..1', () => {
    expect(scoreFeedbackSentiment('great '.repeat(200))).toBeLessThanOrEqual(1);
    expect(scoreFeedbackSentiment('awful '.repeat(200))).toBeGreaterThanOrEqual(-1);
  });
});
