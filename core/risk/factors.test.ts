import { describe, expect, it } from '@jest/globals';
import { DEFAULT_RISK_CONFIG, type RiskConfig } from './config.js';
import { formatHours, rawFactors } from './factors.js';
import { parseRiskInput, type RiskInput } from './input.js';

// The factors a recruiter reads under a risk score: which apply, how much each adds, and the
// sentence explaining it, at the edges of each rule (defaults: DEFAULT_RISK_CONFIG).
const HOUR = 3_600_000;
const now = Date.parse('2026-03-02T10:00:00Z');
const factors = (input: Partial<RiskInput>, config: RiskConfig = DEFAULT_RISK_CONFIG) =>
  rawFactors(parseRiskInput({ stage: 'intake', now, ...input }), config);
const one = (input: Partial<RiskInput>, config?: RiskConfig) => {
  const found = factors(input, config);
  expect(found).toHaveLength(1);
  return found[0]!;
};
const withConfig = (patch: Partial<RiskConfig>): RiskConfig => ({ ...DEFAULT_RISK_CONFIG, ...patch });

describe('formatHours: durations for people', () => {
  it.each([
    [0.5, '30 min'],
    [59.4 / 60, '59 min'],
    [1, '1 h'],
    [26, '26 h'],
    [71.4, '71 h'],
    [72, '3 d'],
    [200, '8 d'],
  ])('%p h -> %s', (hours, text) => {
    expect(formatHours(hours)).toBe(text);
  });
});

describe('silence', () => {
  // intake expects a reply within 4 h; severity is log(ratio) / log(8).
  it('does not count a candidate quiet for exactly the expected time', () => {
    expect(factors({ lastCandidateMessageAt: now - 4 * HOUR, lastBotMessageAt: now - 3 * HOUR })).toEqual([]);
    expect(one({ lastCandidateMessageAt: now - 4 * HOUR - 60_000, lastBotMessageAt: now - 3 * HOUR }).detail).toBe('No reply for 4 h while in intake (expected within 4 h)');
  });

  it('counts a bot message unanswered for twice the expected time as a third of the weight', () => {
    const f = one({ lastCandidateMessageAt: now - 8 * HOUR, lastBotMessageAt: now - 7 * HOUR });
    expect(f).toEqual({ name: 'silence', raw: expect.any(Number), detail: 'No reply for 8 h while in intake (expected within 4 h)' });
    expect(f.raw).toBeCloseTo(0.6 / 3, 10);
  });

  it('saturates at 8x the expected time (the full weight) and stays there', () => {
    expect(one({ lastCandidateMessageAt: now - 32 * HOUR, lastBotMessageAt: now - 31 * HOUR }).raw).toBeCloseTo(0.6, 10);
    expect(one({ lastCandidateMessageAt: now - 200 * HOUR, lastBotMessageAt: now - 100 * HOUR }).raw).toBe(0.6);
  });

  it('counts a candidate who never replied from our last message, at the full weight', () => {
    const f = one({ lastBotMessageAt: now - 8 * HOUR });
    expect(f.detail).toBe('Never replied: 8 h since our last message while in intake (expected within 4 h)');
    expect(f.raw).toBeCloseTo(0.2, 10);
  });

  it('counts only a third when the candidate wrote last (the ball may be in our court)', () => {
    const f = one({ lastCandidateMessageAt: now - 8 * HOUR, lastBotMessageAt: now - 9 * HOUR });
    expect(f.detail).toBe('Quiet for 8 h while in intake (expected within 4 h); they wrote last');
    expect(f.raw).toBeCloseTo(0.2 / 3, 10);
    expect(one({ lastCandidateMessageAt: now - 8 * HOUR }).raw).toBeCloseTo(0.2 / 3, 10);
  });

  it('treats a bot message at the same instant as the candidate\'s as unanswered', () => {
    const f = one({ lastCandidateMessageAt: now - 8 * HOUR, lastBotMessageAt: now - 8 * HOUR });
    expect(f.detail).toBe('No reply for 8 h while in intake (expected within 4 h)');
    expect(f.raw).toBeCloseTo(0.2, 10);
  });

  it('names the expectation in the stage\'s own unit (1 h while interviewing, days when scheduled)', () => {
    expect(one({ stage: 'interviewing', lastBotMessageAt: now - 2 * HOUR }).detail).toBe('Never replied: 2 h since our last message while in interviewing (expected within 1 h)');
    expect(one({ stage: 'scheduled', lastBotMessageAt: now - 200 * HOUR }).detail).toBe('Never replied: 8 d since our last message while in scheduled (expected within 4 d)');
  });

  it('is not scored in closed stages, nor before anyone wrote', () => {
    expect(factors({ stage: 'rejected', lastBotMessageAt: now - 500 * HOUR })).toEqual([]);
    expect(factors({})).toEqual([]);
  });
});

describe('unanswered nudges', () => {
  it.each([
    [1, 0.15, '1 nudge unanswered since they last wrote'],
    [2, 0.3, '2 nudges unanswered since they last wrote'],
    [3, 0.3, '3 nudges unanswered since they last wrote'],
  ])('%p ignored -> %p', (n, raw, detail) => {
    expect(one({ unansweredNudges: n })).toEqual({ name: 'unanswered-nudges', raw, detail });
  });

  it('none ignored: no factor', () => {
    expect(factors({ unansweredNudges: 0 })).toEqual([]);
  });

  it('with maxNudges 0 the first ignored nudge counts in full', () => {
    expect(one({ unansweredNudges: 1 }, withConfig({ maxNudges: 0 })).raw).toBe(0.3);
  });
});

describe('the interview', () => {
  it.each([
    ['abandoned', { name: 'interview-abandoned', raw: 0.35, detail: 'Left the interview midway (abandoned)' }],
    ['paused', { name: 'interview-paused', raw: 0.15, detail: 'Paused the interview midway' }],
  ] as const)('%s', (interview, expected) => {
    expect(one({ interview })).toEqual(expected);
  });

  it.each(['none', 'in-progress', 'completed'] as const)('%s: no factor', (interview) => {
    expect(factors({ interview })).toEqual([]);
  });

  it('a missed interview', () => {
    expect(one({ missedInterview: true })).toEqual({ name: 'missed-interview', raw: 0.45, detail: 'Missed the scheduled interview' });
    expect(factors({ missedInterview: false })).toEqual([]);
  });
});

describe('slowing responses (median of the last 3 vs the earlier ones, at least 2)', () => {
  it('needs 3 recent and 2 earlier latencies', () => {
    expect(factors({ responseLatenciesSec: [60, 240, 240, 240] })).toEqual([]);
    expect(one({ responseLatenciesSec: [60, 60, 240, 240, 240] }).name).toBe('slowing-responses');
  });

  it('scales from 1.5x (nothing) to 5x (the full weight)', () => {
    const f = one({ responseLatenciesSec: [60, 60, 240, 240, 240] });
    expect(f.detail).toBe('Replies slowing: 4 min lately vs 60 s before (4.0x)');
    expect(f.raw).toBeCloseTo((0.15 * 2.5) / 3.5, 10);
    expect(factors({ responseLatenciesSec: [60, 60, 90, 90, 90] })).toEqual([]);
    expect(one({ responseLatenciesSec: [60, 60, 300, 300, 300] }).raw).toBeCloseTo(0.15, 10);
    expect(one({ responseLatenciesSec: [60, 60, 900, 900, 900] }).raw).toBe(0.15);
  });

  it('compares medians, so one slow answer is not a trend', () => {
    // Earlier: 200, 7, 10 -> median 10 s (floored to 30 s for the ratio); lately 300 s.
    const f = one({ responseLatenciesSec: [200, 7, 10, 300, 300, 300] });
    expect(f.detail).toBe('Replies slowing: 5 min lately vs 10 s before (30.0x)');
    expect(factors({ responseLatenciesSec: [60, 60, 60, 60, 1000] })).toEqual([]);
    // An even number of earlier latencies: the mean of the middle two (60 and 120 -> 90 s).
    expect(one({ responseLatenciesSec: [60, 120, 600, 600, 600] }).detail).toBe('Replies slowing: 10 min lately vs 2 min before (6.7x)');
  });

  it('takes the last 3 as recent and all the earlier ones as the baseline', () => {
    // recent 100, 240, 300 -> 240 s; earlier 60 x 4 -> 60 s
    expect(one({ responseLatenciesSec: [60, 60, 60, 60, 100, 240, 300] }).detail).toBe('Replies slowing: 4 min lately vs 60 s before (4.0x)');
    // earlier 30, 60, 90, 120 -> 75 s; recent 400 s
    expect(one({ responseLatenciesSec: [30, 60, 90, 120, 400, 400, 400] }).detail).toBe('Replies slowing: 7 min lately vs 75 s before (5.3x)');
  });

  it('floors quick replies at 30 s, so 10 s -> 40 s is not a slowdown', () => {
    expect(factors({ responseLatenciesSec: [10, 10, 40, 40, 40] })).toEqual([]);
  });

  it('shows the ratio against at least 1 s', () => {
    expect(one({ responseLatenciesSec: [0.5, 0.5, 200, 200, 200] }).detail).toBe('Replies slowing: 3 min lately vs 1 s before (200.0x)');
  });

  it('writes 89 s in seconds and 90 s in minutes', () => {
    expect(one({ responseLatenciesSec: [20, 20, 89, 89, 89] }, withConfig({ latency: { ...DEFAULT_RISK_CONFIG.latency, floorSec: 1 } })).detail).toBe(
      'Replies slowing: 89 s lately vs 20 s before (4.5x)',
    );
    expect(one({ responseLatenciesSec: [20, 20, 90, 90, 90] }, withConfig({ latency: { ...DEFAULT_RISK_CONFIG.latency, floorSec: 1 } })).detail).toBe(
      'Replies slowing: 2 min lately vs 20 s before (4.5x)',
    );
  });
});

describe('falling answer quality (mean of the last 3 vs the earlier ones, at least 2)', () => {
  it('needs 3 recent and 2 earlier answers', () => {
    expect(factors({ answerComposites: [0.9, 0.2, 0.2, 0.2] })).toEqual([]);
  });

  it('scales from a 0.15 drop (nothing) to 0.45 (the full weight), on means', () => {
    const f = one({ answerComposites: [1, 0.6, 0.5, 0.5, 0.2] });
    expect(f).toEqual({ name: 'falling-quality', raw: expect.any(Number), detail: 'Answer quality falling: 0.40 lately vs 0.80 before' });
    expect(f.raw).toBeCloseTo((0.15 * 0.25) / 0.3, 10);
    expect(factors({ answerComposites: [0.8, 0.8, 0.7, 0.7, 0.7] })).toEqual([]);
    expect(one({ answerComposites: [0.9, 0.9, 0.3, 0.3, 0.3] }).raw).toBe(0.15);
    expect(factors({ answerComposites: [0.5, 0.5, 0.9, 0.9, 0.9] })).toEqual([]);
  });
});

describe('negative sentiment (the last 3 messages, newer and negative ones weigh more)', () => {
  it('a clearly negative message counts in full, naming the words', () => {
    expect(one({ recentCandidateMessages: ['This is terrible'] })).toEqual({
      name: 'negative-sentiment',
      raw: 0.3,
      detail: 'Negative tone in recent messages (-0.72: "terrible")',
    });
  });

  it('a later thank-you softens an earlier complaint; a later complaint outweighs an earlier thank-you', () => {
    expect(factors({ recentCandidateMessages: ['what a waste of time', 'ok, thanks!'] })).toEqual([]);
    const f = one({ recentCandidateMessages: ['ok, thanks!', 'what a waste of time'] });
    // weights 1 (positive, oldest) and 2 x 2 (negative, newest): (0.6124 - 4 x 0.7184) / 5
    expect(f.detail).toBe('Negative tone in recent messages (-0.45: "waste of time")');
    expect(f.raw).toBeCloseTo((0.3 * (0.45224 - 0.15)) / 0.5, 10);
  });

  it('a neutral message weighs as a positive one (only negative ones count double)', () => {
    // weights 1 x 2 (negative) and 2 x 1 (neutral): -0.7184 x 2 / 4
    expect(one({ recentCandidateMessages: ['This is terrible', 'hello'] }).detail).toBe('Negative tone in recent messages (-0.36: "terrible")');
  });

  it('looks at the last 3 messages only', () => {
    expect(factors({ recentCandidateMessages: ['This is terrible', 'This is terrible', 'This is terrible', 'fine', 'fine', 'fine'] })).toEqual([]);
  });

  it('names the last 3 distinct negative words', () => {
    expect(one({ recentCandidateMessages: ['This is not good 🙁', 'I hate this', 'awful process'] }).detail).toBe(
      'Negative tone in recent messages (-0.69: "🙁", "hate", "awful")',
    );
    expect(one({ recentCandidateMessages: ['I hate this', 'I hate this'] }).detail).toBe('Negative tone in recent messages (-0.61: "hate")');
  });

  it('positive or no messages: no factor', () => {
    expect(factors({ recentCandidateMessages: ['Really looking forward to it!'] })).toEqual([]);
    expect(factors({ recentCandidateMessages: [] })).toEqual([]);
  });
});

describe('disengagement (the strongest phrase in the last 5 messages)', () => {
  it('names the strongest phrase, whichever message it is in', () => {
    const f = factors({ recentCandidateMessages: ['too busy', 'not interested', 'no time for this'] }).find((x) => x.name === 'disengagement');
    expect(f).toEqual({ name: 'disengagement', raw: 0.7, detail: 'Said "not interested"' });
  });

  it('keeps the first of two equally strong phrases', () => {
    const f = factors({ recentCandidateMessages: ['too busy', 'not a good fit'] }).find((x) => x.name === 'disengagement');
    expect(f).toEqual({ name: 'disengagement', raw: 0.35, detail: 'Said "too busy"' });
  });

  it('looks at the last 5 messages only', () => {
    const messages = ['not interested', 'ok', 'ok', 'ok', 'ok', 'too busy'];
    expect(factors({ recentCandidateMessages: messages }).find((x) => x.name === 'disengagement')).toEqual({ name: 'disengagement', raw: 0.35, detail: 'Said "too busy"' });
  });
});

describe('rawFactors', () => {
  it('drops a factor whose weight is 0', () => {
    expect(factors({ missedInterview: true }, withConfig({ weights: { ...DEFAULT_RISK_CONFIG.weights, 'missed-interview': 0 } }))).toEqual([]);
  });
});
