import { describe, expect, it } from '@jest/globals';
import { ValidationError } from '../domain/index.js';
import { parseRiskInput, type RiskInput } from './input.js';

const NOW = Date.UTC(2026, 0, 10, 12);

/** The ValidationError a caller gets for a bad input (fails the test if nothing is thrown). */
function rejection(input: unknown): ValidationError {
  try {
    parseRiskInput(input as RiskInput);
  } catch (err) {
    if (err instanceof ValidationError) return err;
    throw err;
  }
  throw new Error('the input was accepted');
}

describe('parseRiskInput', () => {
  it('reads a Date and the same instant in epoch milliseconds as the same time', () => {
    const fromDates = parseRiskInput({ stage: 'intake', now: new Date(NOW), lastCandidateMessageAt: new Date(NOW - 3_600_000), lastBotMessageAt: new Date(NOW - 60_000) });
    expect(fromDates).toMatchObject({ now: NOW, lastCandidateMessageAt: NOW - 3_600_000, lastBotMessageAt: NOW - 60_000 });
    expect(parseRiskInput({ stage: 'intake', now: NOW })).toMatchObject({ now: NOW });
  });

  it('fills in what a caller left out: no nudges, no interview, nothing said, in bot mode', () => {
    expect(parseRiskInput({ stage: 'intake', now: NOW })).toEqual({
      stage: 'intake',
      now: NOW,
      unansweredNudges: 0,
      interview: 'none',
      responseLatenciesSec: [],
      answerComposites: [],
      recentCandidateMessages: [],
      missedInterview: false,
      optedOut: false,
      mode: 'bot',
    });
  });

  it('refuses a bad input naming every bad field, not just the first', () => {
    const err = rejection({ stage: 'intake', now: NOW, unansweredNudges: -1, answerComposites: [0.5, 1.5] });
    expect(err.issues).toHaveLength(2);
    expect(err.issues[0]).toMatch(/^unansweredNudges: /);
    expect(err.issues[1]).toMatch(/^answerComposites\.1: /);
    expect(err.message).toBe(`invalid risk input: ${err.issues[0]}; ${err.issues[1]}`);
  });

  it('says "(input)" when the input itself is not an object', () => {
    const err = rejection(null);
    expect(err.issues).toHaveLength(1);
    expect(err.issues[0]).toMatch(/^\(input\): ./);
    expect(err.message).toMatch(/^invalid risk input: \(input\): ./);
  });
});
