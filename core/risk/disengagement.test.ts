import { describe, expect, it } from '@jest/globals';
import { disengagementPhrase, expandPattern, findDisengagement } from './disengagement.js';

describe('findDisengagement', () => {
  it.each<[string, string, number]>([
    ['Not interested, thanks.', 'not interested', 1],
    ['NOT. INTERESTED!!', 'not interested', 1],
    ['not-interested', 'not interested', 1],
    ['no, not interested', 'not interested', 1],
    ["I'm no longer interested in this role", 'no longer interested', 1],
    ['not interested in the position anymore', 'not interested', 1],
    ['I FOUND ANOTHER JOB!!!', 'found another job', 1],
    ['found another-job, sorry', 'found another job', 1],
    ['I found a new role last week', 'found a new role', 1],
    ['Thanks, but I accepted another offer.', 'accepted another offer', 1],
    ['I accepted an offer elsewhere', 'accepted an offer', 1],
    ['Sorry, I got another offer I can’t refuse', 'got another offer', 0.8],
    ["I’m no longer looking.", 'no longer looking', 1],
    ['please STOP messaging me!!', 'stop messaging me', 1],
    ["Don't contact me again", 'dont contact me', 1],
    ['I want to withdraw my application', 'withdraw my application', 1],
    ['Withdraw. My. Application.', 'withdraw my application', 1],
    ['Too busy right now...', 'too busy', 0.5],
    ['I’ve decided to stay with my current employer', 'decided to stay with my current employer', 0.8],
    ['honestly this is not for me', 'not for me', 0.6],
  ])('%j -> %j (%d)', (text, phrase, severity) => {
    expect(findDisengagement(text)).toEqual({ phrase, severity });
  });

  it.each([
    ["I'm interested!"],
    ['I’m still very interested 🙂'],
    ['Not only am I interested, I am excited'],
    ["I'm not too busy, let's go"],
    ["I haven't accepted another offer yet"],
    ['I never found another job I liked as much'],
    ['I found the job description confusing'],
    ["I'm not interested in frontend, more backend"],
    ['What is the next step?'],
    [''],
  ])('%j -> nothing', (text) => {
    expect(findDisengagement(text)).toBeUndefined();
  });

  it('reports the strongest phrase when a message has several', () => {
    expect(findDisengagement('too busy lately, and I accepted another offer')).toEqual({ phrase: 'accepted another offer', severity: 1 });
  });

  it('takes a custom phrase list', () => {
    const phrases = [{ pattern: '(going|moving) abroad', severity: 0.9 }];
    expect(findDisengagement("I'm moving abroad next month", phrases)).toEqual({ phrase: 'moving abroad', severity: 0.9 });
    expect(findDisengagement('not interested', phrases)).toBeUndefined();
  });

  it('disengagementPhrase gives just the phrase', () => {
    expect(disengagementPhrase('I FOUND ANOTHER JOB!!!')).toBe('found another job');
    expect(disengagementPhrase("I'm interested!")).toBeUndefined();
  });
});

describe('expandPattern', () => {
  it('expands every combination of alternatives', () => {
    expect(expandPattern('(a|b) c (d|e f)')).toEqual(['a c d', 'a c e f', 'b c d', 'b c e f']);
    expect(expandPattern('plain words')).toEqual(['plain words']);
  });
});
