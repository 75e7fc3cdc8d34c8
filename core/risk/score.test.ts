import { describe, expect, it } from '@jest/globals';
import { ValidationError, type Stage } from '../domain/index.js';
import { DEFAULT_RISK_CONFIG, resolveRiskConfig } from './config.js';
import type { RiskInput } from './input.js';
import { assessRisk, levelFor, recommendAction, topFactors, type RecommendedAction, type RiskAssessment, type RiskFactor, type RiskLevel } from './score.js';

const NOW = Date.UTC(2026, 0, 10, 12);
const H = 3_600_000;
/** An engaged candidate in intake: wrote an hour ago, the bot answered a minute later. */
const base: RiskInput = { stage: 'intake', now: NOW, lastCandidateMessageAt: NOW - H, lastBotMessageAt: NOW - H + 60_000 };
const silentFor = (hours: number): Partial<RiskInput> => ({ lastCandidateMessageAt: NOW - hours * H, lastBotMessageAt: NOW - hours * H + 60_000 });
const assess = (input: Partial<RiskInput>) => assessRisk({ ...base, ...input });
const sum = (a: RiskAssessment) => a.factors.reduce((n, f) => n + f.contribution, 0);

describe('assessRisk: each factor alone', () => {
  it('is zero, low and quiet for an engaged candidate', () => {
    expect(assess({})).toEqual({ score: 0, level: 'low', factors: [], recommendedAction: 'none' });
  });

  it.each<[string, Partial<RiskInput>, string, number]>([
    ['26 h of silence in intake (4 h expected)', silentFor(26), 'silence', 0.5401],
    ['8 h of silence in intake: twice the expectation is a third', silentFor(8), 'silence', 0.2],
    ['32 h of silence in intake: 8x saturates', silentFor(32), 'silence', 0.6],
    ['a week of silence in intake stays at the weight', silentFor(168), 'silence', 0.6],
    ['26 h quiet but the candidate wrote last: a third', { lastCandidateMessageAt: NOW - 26 * H, lastBotMessageAt: NOW - 27 * H }, 'silence', 0.18],
    ['never replied to our message 48 h ago in new (24 h)', { stage: 'new', lastCandidateMessageAt: undefined, lastBotMessageAt: NOW - 48 * H }, 'silence', 0.2],
    ['3 h of silence mid-interview (1 h expected)', { stage: 'interviewing', ...silentFor(3) }, 'silence', 0.317],
    ['one unanswered nudge', { unansweredNudges: 1 }, 'unanswered-nudges', 0.15],
    ['two unanswered nudges', { unansweredNudges: 2 }, 'unanswered-nudges', 0.3],
    ['nudges saturate at maxNudges', { unansweredNudges: 7 }, 'unanswered-nudges', 0.3],
    ['an abandoned interview', { interview: 'abandoned' }, 'interview-abandoned', 0.35],
    ['a paused interview', { interview: 'paused' }, 'interview-paused', 0.15],
    ['replies 3x slower than before', { responseLatenciesSec: [60, 60, 60, 180, 180, 180] }, 'slowing-responses', 0.0643],
    ['replies 8x slower than before', { responseLatenciesSec: [20, 30, 25, 200, 240, 180] }, 'slowing-responses', 0.15],
    ['answer quality down 0.3', { answerComposites: [0.8, 0.8, 0.5, 0.5, 0.5] }, 'falling-quality', 0.075],
    ['answer quality down 0.5', { answerComposites: [0.9, 0.8, 0.85, 0.4, 0.3, 0.35] }, 'falling-quality', 0.15],
    ['"not good"', { recentCandidateMessages: ['not good'] }, 'negative-sentiment', 0.2114],
    ['"this is a waste of time"', { recentCandidateMessages: ['this is a waste of time'] }, 'negative-sentiment', 0.3],
    ['a complaint followed by "fine"', { recentCandidateMessages: ['this is a waste of time', 'fine'] }, 'negative-sentiment', 0.0505],
    ['"I found another job"', { recentCandidateMessages: ['Sorry, I found another job!'] }, 'disengagement', 0.7],
    ['"too busy"', { recentCandidateMessages: ['too busy right now'] }, 'disengagement', 0.35],
    ['a missed interview', { missedInterview: true }, 'missed-interview', 0.45],
  ])('%s -> %s %d', (_label, input, name, contribution) => {
    const a = assess(input);
    expect(a.factors.map((f) => [f.name, f.contribution])).toEqual([[name, contribution]]);
    expect(a.score).toBe(contribution);
  });

  it.each<[string, Partial<RiskInput>]>([
    ['silence within the expectation', silentFor(3.9)],
    ['replies getting faster', { responseLatenciesSec: [200, 240, 180, 20, 30, 25] }],
    ['too little latency history', { responseLatenciesSec: [20, 200, 200, 200] }],
    ['answer quality improving', { answerComposites: [0.4, 0.5, 0.8, 0.9, 0.9] }],
    ['a small dip in answer quality', { answerComposites: [0.8, 0.8, 0.7, 0.7, 0.7] }],
    ['friendly messages', { recentCandidateMessages: ['thanks!', 'looking forward to it 🙂'] }],
    ['a complaint followed by warm thanks', { recentCandidateMessages: ['this is a waste of time', 'ok thanks, sounds good 🙂'] }],
    ['"I\'m interested"', { recentCandidateMessages: ["I'm interested!"] }],
    ['a completed interview', { interview: 'completed' }],
  ])('%s adds nothing', (_label, input) => {
    expect(assess(input)).toMatchObject({ score: 0, factors: [] });
  });

  it('explains silence relative to the stage', () => {
    expect(assess(silentFor(26)).factors[0]?.detail).toBe('No reply for 26 h while in intake (expected within 4 h)');
    expect(assess({ stage: 'scheduled', ...silentFor(200) }).factors[0]?.detail).toBe('No reply for 8 d while in scheduled (expected within 4 d)');
  });
});

describe('assessRisk: silence is relative to the stage', () => {
  it.each<[Stage, number, RiskLevel]>([
    ['interviewing', 0.6, 'medium'],
    ['intake', 0.5401, 'medium'],
    ['new', 0.0231, 'low'],
    ['screening', 0, 'low'],
    ['assessed', 0, 'low'],
    ['scheduled', 0, 'low'],
    ['hired', 0, 'low'],
    ['rejected', 0, 'low'],
    ['withdrawn', 0, 'low'],
  ])('26 h without a reply in %s scores %d (%s)', (stage, score, level) => {
    expect(assess({ stage, ...silentFor(26) })).toMatchObject({ score, level });
  });

  it('follows a configured expectation table', () => {
    const config = resolveRiskConfig({ expectedReplyHours: { screening: 6.5 } });
    expect(assessRisk({ ...base, stage: 'screening', ...silentFor(26) }, config).score).toBe(0.4);
  });
});

describe('assessRisk: totals', () => {
  const everything: Partial<RiskInput> = {
    ...silentFor(40),
    unansweredNudges: 3,
    interview: 'abandoned',
    missedInterview: true,
    responseLatenciesSec: [20, 20, 20, 300, 300, 300],
    answerComposites: [0.9, 0.9, 0.3, 0.3, 0.3],
    recentCandidateMessages: ['this is a waste of time', 'not interested anymore, stop messaging me'],
  };

  it('caps the score at 1 and scales every factor alike', () => {
    const a = assess(everything);
    expect(a.score).toBe(1);
    expect(a.level).toBe('high');
    expect(sum(a)).toBeCloseTo(1, 10);
    // Raw weights 0.7 + 0.6 + 0.45 + 0.35 + 0.3 + 0.3 + 0.15 + 0.15 (+ sentiment) > 1: the order is kept.
    expect(a.factors.map((f) => f.name).slice(0, 3)).toEqual(['disengagement', 'silence', 'missed-interview']);
    expect(a.factors.find((f) => f.name === 'disengagement')!.contribution).toBeLessThan(0.7);
  });

  it('lets opt-out dominate everything else', () => {
    const a = assess({ ...everything, optedOut: true });
    expect(a).toEqual({ score: 1, level: 'high', factors: [{ name: 'opted-out', contribution: 1, detail: 'Opted out: do not contact' }], recommendedAction: 'none' });
    expect(assess({ optedOut: true }).score).toBe(1);
  });

  it.each<[string, Partial<RiskInput>]>([
    ['silence and nudges', { ...silentFor(26), unansweredNudges: 1 }],
    ['interview trouble', { interview: 'paused', responseLatenciesSec: [60, 60, 60, 180, 180, 180], answerComposites: [0.8, 0.8, 0.5, 0.5, 0.5] }],
    ['tone and a missed interview', { missedInterview: true, recentCandidateMessages: ['not good', 'really annoying 🙁'] }],
    ['everything', everything],
  ])('contributions sum to the score: %s', (_label, input) => {
    const a = assess(input);
    expect(a.factors.length).toBeGreaterThan(1);
    expect(sum(a)).toBeCloseTo(a.score, 10);
    expect(a.score).toBeLessThanOrEqual(1);
  });

  it('orders factors by contribution', () => {
    const a = assess({ ...silentFor(26), unansweredNudges: 1, interview: 'paused' });
    expect(a.factors.map((f) => f.contribution)).toEqual([0.5401, 0.15, 0.15]);
    expect(a.factors.map((f) => f.name)).toEqual(['silence', 'unanswered-nudges', 'interview-paused']);
  });

  it('takes times as epoch ms or Date alike', () => {
    const asDates = assessRisk({ stage: 'intake', now: new Date(NOW), lastCandidateMessageAt: new Date(NOW - 26 * H), lastBotMessageAt: new Date(NOW - 25 * H) });
    expect(asDates).toEqual(assess({ lastCandidateMessageAt: NOW - 26 * H, lastBotMessageAt: NOW - 25 * H }));
  });

  it.each<[string, Partial<RiskInput>]>([
    ['a composite above 1', { answerComposites: [0.5, 1.5] }],
    ['a negative latency', { responseLatenciesSec: [-3] }],
    ['an unknown interview status', { interview: 'lost' as never }],
    ['an invalid date', { now: new Date(Number.NaN) }],
  ])('rejects %s with a ValidationError', (_label, input) => {
    expect(() => assess(input)).toThrow(ValidationError);
  });
});

describe('levels', () => {
  it.each<[number, RiskLevel]>([
    [0, 'low'],
    [0.3999, 'low'],
    [0.4, 'medium'],
    [0.6999, 'medium'],
    [0.7, 'high'],
    [1, 'high'],
  ])('levelFor(%d) with the default thresholds is %s', (score, level) => {
    expect(levelFor(score, DEFAULT_RISK_CONFIG)).toBe(level);
  });

  it.each<[number, RiskLevel]>([
    [0.3999, 'low'],
    [0.4, 'medium'],
    [0.6999, 'medium'],
    [0.7, 'high'],
  ])('a missed interview weighted %d scores exactly that and is %s', (weight, level) => {
    const a = assessRisk({ ...base, missedInterview: true }, resolveRiskConfig({ weights: { 'missed-interview': weight } }));
    expect(a.score).toBe(weight);
    expect(a.level).toBe(level);
  });

  it('follows configured thresholds', () => {
    const config = resolveRiskConfig({ medium: 0.2, high: 0.45 });
    expect(assessRisk({ ...base, missedInterview: true }, config).level).toBe('high');
    expect(assessRisk({ ...base, interview: 'abandoned' }, config).level).toBe('medium');
    expect(assessRisk({ ...base, interview: 'paused' }, config).level).toBe('low');
  });
});

describe('recommended action', () => {
  it.each<[string, RiskLevel, RecommendedAction, Partial<RiskInput>]>([
    ['engaged', 'low', 'none', {}],
    ['low risk: silence within reason', 'low', 'none', silentFor(8)],
    ['long silence, one nudge ignored', 'medium', 'nudge', { ...silentFor(26), unansweredNudges: 1 }],
    ['long silence, every nudge ignored', 'high', 'recruiter-call', { ...silentFor(26), unansweredNudges: 2 }],
    ['a disengagement phrase', 'high', 'recruiter-call', { recentCandidateMessages: ['I accepted an offer elsewhere'] }],
    ['a missed interview', 'medium', 'recruiter-call', { missedInterview: true }],
    ['abandoned interview and negative tone', 'medium', 'takeover', { interview: 'abandoned', recentCandidateMessages: ['this is stupid and a waste of time'] }],
    ['abandoned interview and a nudge ignored', 'medium', 'nudge', { interview: 'abandoned', unansweredNudges: 1 }],
    ['negative tone leading', 'medium', 'takeover', { interview: 'paused', recentCandidateMessages: ['what a waste of time'] }],
    ['opted out', 'high', 'none', { optedOut: true }],
    ['human mode: a nudge becomes a call', 'medium', 'recruiter-call', { ...silentFor(26), unansweredNudges: 1, mode: 'human' }],
    ['human mode: a takeover becomes a call', 'medium', 'recruiter-call', { interview: 'abandoned', recentCandidateMessages: ['what a waste of time'], mode: 'human' }],
  ])('%s -> %s, %s', (_label, level, action, input) => {
    expect(assess(input)).toMatchObject({ level, recommendedAction: action });
  });

  const f = (name: RiskFactor['name'], contribution: number) => ({ name, contribution });
  const bot = { unansweredNudges: 0, mode: 'bot' as const };
  it.each<[RiskLevel, ReturnType<typeof f>[], RecommendedAction]>([
    ['low', [f('disengagement', 0.35)], 'none'],
    ['medium', [f('disengagement', 0.4)], 'recruiter-call'],
    ['high', [f('silence', 0.6), f('missed-interview', 0.45)], 'nudge'],
    ['high', [f('missed-interview', 0.45), f('silence', 0.3)], 'recruiter-call'],
    ['medium', [f('falling-quality', 0.15), f('slowing-responses', 0.15), f('interview-paused', 0.15)], 'nudge'],
    ['medium', [f('slowing-responses', 0.2), f('falling-quality', 0.2)], 'nudge'],
    ['medium', [f('falling-quality', 0.25), f('slowing-responses', 0.2)], 'takeover'],
    ['medium', [f('interview-abandoned', 0.35), f('negative-sentiment', 0.05)], 'takeover'],
    ['medium', [f('interview-abandoned', 0.35), f('unanswered-nudges', 0.15)], 'nudge'],
  ])('recommendAction(%s, %j) -> %s', (level, factors, action) => {
    expect(recommendAction(level, factors, bot)).toBe(action);
  });

  it('stops recommending nudges once maxNudges are ignored', () => {
    const silence = [f('silence', 0.6)];
    expect(recommendAction('medium', silence, { unansweredNudges: 1, mode: 'bot' }, { maxNudges: 3 })).toBe('nudge');
    expect(recommendAction('medium', silence, { unansweredNudges: 3, mode: 'bot' }, { maxNudges: 3 })).toBe('recruiter-call');
    expect(recommendAction('medium', silence, bot, { maxNudges: 0 })).toBe('recruiter-call');
  });
});

describe('topFactors', () => {
  const a = assess({ ...silentFor(26), unansweredNudges: 1, interview: 'paused', missedInterview: true });

  it('gives the biggest factors with a sentence each', () => {
    expect(topFactors(a, 2)).toEqual([
      { name: 'silence', contribution: expect.any(Number), detail: 'No reply for 26 h while in intake (expected within 4 h)' },
      { name: 'missed-interview', contribution: expect.any(Number), detail: 'Missed the scheduled interview' },
    ]);
    expect(topFactors(a).map((x) => x.detail)).toEqual([
      'No reply for 26 h while in intake (expected within 4 h)',
      'Missed the scheduled interview',
      '1 nudge unanswered since they last wrote',
    ]);
  });

  it('sorts factors it is given, ties in factor order, and bounds n', () => {
    const given = { factors: [{ name: 'interview-paused' as const, contribution: 0.1 }, { name: 'silence' as const, contribution: 0.2 }, { name: 'unanswered-nudges' as const, contribution: 0.1 }] };
    expect(topFactors(given, 5).map((x) => x.name)).toEqual(['silence', 'unanswered-nudges', 'interview-paused']);
    expect(topFactors(given, 0)).toEqual([]);
  });
});

describe('resolveRiskConfig', () => {
  it('merges overrides into the defaults, group by group', () => {
    const c = resolveRiskConfig({ high: 0.8, expectedReplyHours: { intake: 2 }, weights: { silence: 0.5 } });
    expect(c.high).toBe(0.8);
    expect(c.expectedReplyHours).toEqual({ ...DEFAULT_RISK_CONFIG.expectedReplyHours, intake: 2 });
    expect(c.weights).toEqual({ ...DEFAULT_RISK_CONFIG.weights, silence: 0.5 });
    expect(resolveRiskConfig()).toEqual(DEFAULT_RISK_CONFIG);
  });

  it.each<[string, Parameters<typeof resolveRiskConfig>[0], string]>([
    ['medium not below high', { medium: 0.7, high: 0.7 }, 'medium: medium must be below high'],
    ['a weight above 1', { weights: { silence: 1.5 } }, 'weights.silence'],
    ['a zero expectation', { expectedReplyHours: { intake: 0 } }, 'expectedReplyHours.intake'],
  ])('rejects %s', (_label, overrides, issue) => {
    expect(() => resolveRiskConfig(overrides)).toThrow(ValidationError);
    try {
      resolveRiskConfig(overrides);
    } catch (err) {
      expect((err as ValidationError).issues.join('\n')).toContain(issue);
    }
  });
});
