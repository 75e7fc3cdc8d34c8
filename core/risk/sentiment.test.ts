import { describe, expect, it } from '@jest/globals';
import { disengagementPhrase, scoreSentiment } from './sentiment.js';

describe('scoreSentiment', () => {
  it.each<[string, 'pos' | 'neg' | 'zero']>([
    ['Thanks, this is great!', 'pos'],
    ['I am really excited and looking forward to it 🙂', 'pos'],
    ['This is terrible and annoying', 'neg'],
    ['not good at all', 'neg'],
    ["I don't like this", 'neg'],
    ['not bad', 'pos'],
    ['what a waste of time', 'neg'],
    ['you ghosted me for two weeks 😡', 'neg'],
    ['I will be there at 10', 'zero'],
  ])('%s -> %s', (text, sign) => {
    const s = scoreSentiment(text).score;
    if (sign === 'pos') expect(s).toBeGreaterThan(0);
    if (sign === 'neg') expect(s).toBeLessThan(0);
    if (sign === 'zero') expect(s).toBe(0);
  });

  it('intensifiers strengthen a word', () => {
    expect(scoreSentiment('really bad').score).toBeLessThan(scoreSentiment('bad').score);
  });
});

describe('disengagementPhrase', () => {
  it.each([
    ['Not interested, thanks.', 'not interested'],
    ['I FOUND ANOTHER JOB!!!', 'found another job'],
    ['I accepted an offer last week', 'accepted an offer'],
    ['please stop messaging me', 'stop messaging me'],
    ["I'm no longer looking", 'no longer looking'],
    ['I want to withdraw my application', 'withdraw my application'],
    ["I'm interested!", undefined],
    ["I'm not interested in frontend, more backend", undefined],
    ['What is the next step?', undefined],
  ])('%s -> %s', (text, expected) => expect(disengagementPhrase(text)).toBe(expected));
});
