import { describe, expect, it } from '@jest/globals';
import { WORD_WEIGHTS } from './lexicon.js';
import { scoreSentiment } from './sentiment.js';
import { tokenize } from './text.js';

const score = (text: string) => scoreSentiment(text).score;

describe('scoreSentiment', () => {
  it.each<[string, number, string[], string[]]>([
    // text, score, positive terms, negative terms
    ['good', 0.6124, ['good'], []],
    ['This is not good 🙁', -0.7391, [], ['not good', '🙁']],
    ['not bad', 0.3612, ['not bad'], []],
    ["I don't like this", -0.3612, [], ['dont like']],
    ['Really looking forward to it!', 0.7579, ['really looking forward'], []],
    ['what a waste of time', -0.7184, [], ['waste of time']],
    ['you ghosted me 😡', -0.875, [], ['ghosted', '😡']],
    ["I'm excited about this role", 0.6124, ['excited'], []],
    ['Thanks :)', 0.7184, ['thanks', ':)'], []],
    ["can't wait!", 0.6124, ['cant wait'], []],
    ['not looking forward to this', -0.5023, [], ['not looking forward']],
    ['no problem', 0.3612, ['no problem'], []],
    ['I will be there at 10', 0, [], []],
    ['', 0, [], []],
  ])('%j -> %d', (text, expected, positive, negative) => {
    expect(scoreSentiment(text)).toMatchObject({ score: expected, positive, negative });
  });

  it('stays within -1..1 however much is piled up', () => {
    expect(score('terrible awful horrible disgusting scam 😡😡😡 waste of time')).toBeGreaterThanOrEqual(-1);
    expect(score('terrible awful horrible disgusting scam 😡😡😡 waste of time')).toBeLessThan(-0.95);
    expect(score('amazing wonderful fantastic thrilled 🎉🎉 🙂')).toBeGreaterThan(0.95);
    expect(score('amazing wonderful fantastic thrilled 🎉🎉 🙂')).toBeLessThanOrEqual(1);
  });

  it('reports the comparative score as summed weight per word', () => {
    expect(scoreSentiment('good').comparative).toBe(3);
    expect(scoreSentiment('this is good').comparative).toBe(1);
    expect(scoreSentiment('').comparative).toBe(0);
  });

  describe('negation', () => {
    it.each([
      ['good', 'not good'],
      ['I like it', "I don't like it"],
      ['I like it', 'I DON’T like it'],
      ['interested', 'not interested'],
      ['happy with it', 'never happy with it'],
    ])('%j flips to negative as %j', (plain, negated) => {
      expect(score(plain)).toBeGreaterThan(0);
      expect(score(negated)).toBeLessThan(0);
    });

    it('turns a negative word mildly positive', () => {
      expect(score('bad')).toBeLessThan(0);
      expect(score('not bad')).toBeGreaterThan(0);
      expect(score('not bad')).toBeLessThan(-score('bad'));
    });

    it('reaches up to three words back, within one clause', () => {
      expect(score("I don't think it's good")).toBeLessThan(0);
      expect(score('No. Good!')).toBeGreaterThan(0);
      expect(score('no, this is great')).toBe(score('this is great'));
    });
  });

  describe('intensifiers', () => {
    it('strengthen what follows', () => {
      expect(score('very good')).toBeGreaterThan(score('good'));
      expect(score('really bad')).toBeLessThan(score('bad'));
      expect(score('extremely excited')).toBeGreaterThan(score('excited'));
    });

    it('dampeners weaken it', () => {
      expect(score('slightly annoyed')).toBeGreaterThan(score('annoyed'));
      expect(score('slightly annoyed')).toBeLessThan(0);
    });

    it('count before a negation, not between it and the word', () => {
      expect(score("I really don't like it")).toBeLessThan(score("I don't like it"));
      expect(score('not very good')).toBe(score('not good'));
      expect(scoreSentiment("I really don't like it").negative).toEqual(['really dont like']);
    });
  });

  describe('emoji and emoticons', () => {
    it.each([['🙂'], ['😊'], ['👍'], ['👍🏽'], ['❤️'], [':)'], [':-)'], [':D'], ['🎉']])('%s is positive', (e) => {
      expect(score(e)).toBeGreaterThan(0);
    });

    it.each([['🙁'], ['☹️'], ['😡'], ['👎'], ['🙄'], [':('], [':-(']])('%s is negative', (e) => {
      expect(score(e)).toBeLessThan(0);
    });

    it('reads skin tones and variation selectors as the base emoji', () => {
      expect(scoreSentiment('👍🏽')).toEqual(scoreSentiment('👍'));
      expect(score('ok 👍🏿')).toBe(score('ok 👍'));
    });

    it('does not mistake a colon before letters for an emoticon', () => {
      expect(score('note:private')).toBe(0);
      expect(score('great:)')).toBeGreaterThan(score('great'));
    });
  });

  describe('recruiting words', () => {
    it.each<[string, 'pos' | 'neg']>([
      ['ghosted', 'neg'],
      ['waste of time', 'neg'],
      ['this process is wasting my time', 'neg'],
      ['excited', 'pos'],
      ['looking forward to the interview', 'pos'],
      ['I look forward to hearing from you', 'pos'],
      ['the offer was a lowball', 'neg'],
      ['sounds like a scam', 'neg'],
      ['this is my dream job', 'pos'],
    ])('%j is %s', (text, sign) => {
      if (sign === 'pos') expect(score(text)).toBeGreaterThan(0);
      else expect(score(text)).toBeLessThan(0);
    });

    it('leaves polite or logistical chat neutral', () => {
      for (const text of ["I'd like to reschedule", 'sorry for the late reply', 'I am busy until 5', 'It looks like Tuesday works']) expect(score(text)).toBe(0);
    });
  });

  it('holds a few hundred weighted words, all within -5..5', () => {
    expect(WORD_WEIGHTS.size).toBeGreaterThanOrEqual(250);
    for (const [word, weight] of WORD_WEIGHTS) {
      expect(Number.isInteger(weight) && weight !== 0 && Math.abs(weight) <= 5).toBe(true);
      expect(tokenize(word).map((t) => t.text)).toEqual([word]);
    }
  });
});
