import { describe, expect, it } from '@jest/globals';
import { assessRisk, riskTransition, topFactors, type RiskInput } from './score.js';

const NOW = Date.UTC(2026, 0, 10, 12);
const H = 3_600_000;
const base: RiskInput = { stage: 'intake', now: NOW, lastCandidateMessageAt: NOW - H, lastBotMessageAt: NOW - H + 1000 };
const factor = (input: Partial<RiskInput>, name: string) => assessRisk({ ...base, ...input }).factors.find((f) => f.name === name)?.contribution ?? 0;

describe('assessRisk factors', () => {
  it('is low for an active candidate', () => {
    expect(assessRisk(base)).toMatchObject({ score: 0, level: 'low', factors: [], recommendedAction: 'none' });
  });

  it.each<[string, Partial<RiskInput>, string, number]>([
    ['26 h of silence in intake counts fully', { lastCandidateMessageAt: NOW - 26 * H, lastBotMessageAt: NOW - 26 * H + 1000 }, 'silence', 0.35],
    ['8 h of silence in intake counts a third', { lastCandidateMessageAt: NOW - 8 * H, lastBotMessageAt: NOW - 8 * H + 1000 }, 'silence', 0.117],
    ['26 h of silence in screening is nothing', { stage: 'screening', lastCandidateMessageAt: NOW - 26 * H, lastBotMessageAt: NOW - 26 * H }, 'silence', 0],
    ['silence when the candidate spoke last counts less', { lastCandidateMessageAt: NOW - 26 * H, lastBotMessageAt: NOW - 27 * H }, 'silence', 0.15],
    ['two unanswered nudges', { unansweredNudges: 2 }, 'unanswered-nudges', 0.16],
    ['nudges are capped', { unansweredNudges: 9 }, 'unanswered-nudges', 0.2],
    ['an abandoned interview', { interview: 'abandoned' }, 'interview-abandoned', 0.2],
    ['a paused interview', { interview: 'paused' }, 'interview-paused', 0.1],
    ['answers slowing down 5x', { responseLatenciesSec: [20, 20, 20, 100, 100, 100] }, 'slowing-responses', 0.1],
    ['answer quality falling by half', { answerComposites: [0.9, 0.9, 0.9, 0.4, 0.4, 0.4] }, 'falling-quality', 0.1],
    ['negative messages', { recentCandidateMessages: ['this is a waste of time', 'really annoying and frustrating 😡'] }, 'negative-sentiment', 0.15],
    ['a disengagement phrase', { recentCandidateMessages: ['Sorry, I found another job!'] }, 'disengagement', 0.45],
    ['a missed interview', { missedInterview: true }, 'missed-interview', 0.3],
  ])('%s', (_label, input, name, expected) => {
    expect(factor(input, name)).toBeCloseTo(expected, 2);
  });

  it('lets opt-out dominate', () => {
    const r = assessRisk({ ...base, optedOut: true, unansweredNudges: 3 });
    expect(r.score).toBe(1);
    expect(r.level).toBe('high');
    expect(topFactors(r, 1)[0]?.name).toBe('opted-out');
    expect(r.recommendedAction).toBe('none');
  });

  it('keeps contributions summing to the score, capped at 1', () => {
    const r = assessRisk({ ...base, lastCandidateMessageAt: NOW - 40 * H, lastBotMessageAt: NOW - 39 * H, unansweredNudges: 3, interview: 'abandoned', missedInterview: true, recentCandidateMessages: ['not interested anymore, stop messaging me'] });
    expect(r.score).toBe(1);
    expect(r.factors.reduce((n, f) => n + f.contribution, 0)).toBeCloseTo(r.score, 2);
  });

  it.each<[number, number, string]>([
    [0.31, 0.7, 'low'],
    [0.3, 0.7, 'medium'],
    [0.2, 0.31, 'medium'],
    [0.2, 0.3, 'high'],
  ])('a score of exactly 0.3 with thresholds medium %f / high %f is %s', (medium, high, level) => {
    const r = assessRisk({ ...base, missedInterview: true }, { ...assessRiskConfig(), medium, high });
    expect(r.score).toBe(0.3);
    expect(r.level).toBe(level);
  });

  it('uses 0.4 and 0.7 by default', () => {
    expect(assessRisk({ ...base, unansweredNudges: 2, missedInterview: true }).level).toBe('medium');
    expect(assessRisk({ ...base, missedInterview: true, recentCandidateMessages: ['found another job'] }).level).toBe('high');
  });

  it('recommends an action from the level and the top factor', () => {
    expect(assessRisk({ ...base, recentCandidateMessages: ['I accepted an offer elsewhere'] }).recommendedAction).toBe('recruiter-call');
    expect(assessRisk({ ...base, lastCandidateMessageAt: NOW - 30 * H, lastBotMessageAt: NOW - 29 * H, unansweredNudges: 1 }).recommendedAction).toBe('nudge');
    expect(assessRisk({ ...base, lastCandidateMessageAt: NOW - 30 * H, lastBotMessageAt: NOW - 29 * H, unansweredNudges: 2 }).recommendedAction).toBe('recruiter-call');
    expect(assessRisk({ ...base, interview: 'abandoned', recentCandidateMessages: ['this is stupid and a waste of time'], unansweredNudges: 2 }).recommendedAction).toBe('takeover');
  });

  it('explains its top factors in plain words', () => {
    const r = assessRisk({ ...base, lastCandidateMessageAt: NOW - 26 * H, lastBotMessageAt: NOW - 26 * H + 1000, unansweredNudges: 1 });
    expect(topFactors(r).map((f) => f.detail)).toEqual(['No reply for 26 h while in intake (expected within 4 h)', '1 reminder without an answer']);
  });
});

function assessRiskConfig() {
  return { medium: 0.4, high: 0.7, maxNudges: 2, expectedReplyHours: { new: 24, intake: 4, screening: 72, interviewing: 1, assessed: 168, scheduled: 72, hired: Infinity, rejected: Infinity, withdrawn: Infinity } };
}

describe('riskTransition (one alert per episode)', () => {
  it('alerts when crossing into high, not again while high, and again after dropping to low', () => {
    const a = riskTransition(undefined, { level: 'high' }, 1, 'cand_1');
    expect(a).toMatchObject({ alert: true, crossedIntoHigh: true, state: { episode: { id: 'cand_1:1' } } });
    const b = riskTransition(a.state, { level: 'high' }, 2, 'cand_1');
    expect(b.alert).toBe(false);
    const hover = riskTransition(riskTransition(b.state, { level: 'medium' }, 3, 'cand_1').state, { level: 'high' }, 4, 'cand_1');
    expect(hover).toMatchObject({ alert: false, crossedIntoHigh: true, state: { episode: { id: 'cand_1:1' } } });
    const low = riskTransition(hover.state, { level: 'low' }, 5, 'cand_1');
    expect(low.state.episode).toBeUndefined();
    expect(riskTransition(low.state, { level: 'high' }, 6, 'cand_1')).toMatchObject({ alert: true, state: { episode: { id: 'cand_1:6' } } });
  });
});
