import { describe, expect, it } from '@jest/globals';
import { admitAlert, atRiskText, describeFactors, factorLabel, needsHumanText } from './alerts.js';
import { digestText } from './digest.js';
import { nextDailyAt, nextEvery } from './recurrence.js';
import { isPastRetention, retentionCutoff } from './retention.js';

const t = (iso: string) => new Date(iso);

describe('recurrence', () => {
  it.each([
    ['2026-05-01T01:59:59Z', 120, '2026-05-01T02:00:00.000Z'],
    ['2026-05-01T02:00:00Z', 120, '2026-05-02T02:00:00.000Z'],
    ['2026-05-01T23:00:00Z', 120, '2026-05-02T02:00:00.000Z'],
    ['2026-12-31T08:30:00Z', 8 * 60, '2027-01-01T08:00:00.000Z'],
  ])('daily: after %s at minute %i -> %s', (now, minute, expected) => {
    expect(nextDailyAt(t(now), minute).toISOString()).toBe(expected);
  });

  it.each([
    ['2026-05-01T10:03:20Z', 300_000, '2026-05-01T10:05:00.000Z'],
    ['2026-05-01T10:05:00Z', 300_000, '2026-05-01T10:10:00.000Z'],
    ['2026-05-01T10:05:00Z', 60_000, '2026-05-01T10:06:00.000Z'],
  ])('every: after %s by %i -> %s', (now, period, expected) => {
    expect(nextEvery(t(now), period).toISOString()).toBe(expected);
  });
});

describe('retention', () => {
  it.each([
    ['2026-03-01T00:00:00Z', true],
    ['2026-04-01T11:59:59Z', true],
    ['2026-04-01T12:00:00Z', false],
    ['2026-04-30T00:00:00Z', false],
  ])('created %s, 30 days kept, checked 2026-05-01T12:00Z -> delete %s', (at, expired) => {
    expect(isPastRetention(t(at), t('2026-05-01T12:00:00Z'), 30)).toBe(expired);
  });
  it('cuts off whole days back', () => {
    expect(retentionCutoff(t('2026-05-01T12:00:00Z'), 30).toISOString()).toBe('2026-04-01T12:00:00.000Z');
  });
});

describe('alerts', () => {
  it('admits at most max per sliding window', () => {
    const limit = { max: 2, windowMs: 60_000 };
    let recent: number[] = [];
    const admitted: boolean[] = [];
    for (const at of [0, 1000, 2000, 59_999, 60_000, 61_001]) {
      const r = admitAlert(recent, at, limit);
      admitted.push(r.admitted);
      recent = r.recent;
    }
    expect(admitted).toEqual([true, true, false, false, true, true]);
  });

  it('words alerts with the top factors', () => {
    const factors = [
      { name: 'hoursSinceLastMessage', contribution: 0.35 },
      { name: 'unanswered_nudges', contribution: 0.3 },
      { name: 'negativeSentiment', contribution: 0 },
      { name: 'slowingResponses', contribution: 0.05 },
      { name: 'answerQuality', contribution: 0.02 },
    ];
    expect(factorLabel('hoursSinceLastMessage')).toBe('hours since last message');
    expect(describeFactors(factors)).toBe('hours since last message (+0.35), unanswered nudges (+0.30), slowing responses (+0.05)');
    expect(atRiskText({ name: 'Ana Lima', stage: 'intake', score: 0.8123, level: 'high', factors, recommendedAction: 'recruiterCall' })).toEqual({
      title: 'Candidate at risk: Ana Lima',
      body: 'Risk 0.81 (high) in intake. Top factors: hours since last message (+0.35), unanswered nudges (+0.30), slowing responses (+0.05). Recommended: recruiter call.',
    });
    expect(needsHumanText(undefined, '3 answers in a row could not be understood').title).toBe('Needs a human: unnamed candidate');
  });
});

describe('digest', () => {
  it('lists new candidates, completed interviews and who is at risk, riskiest first', () => {
    expect(
      digestText({
        since: t('2026-05-01T02:00:00Z'),
        newCandidates: 4,
        completedInterviews: [{ name: 'Ana', role: 'react', score: 78, recommendation: 'hire' }],
        atRisk: [
          { name: 'Bo', stage: 'intake', score: 0.71, factors: [{ name: 'unansweredNudges', contribution: 0.4 }] },
          { name: undefined, stage: 'interviewing', score: 0.93, factors: [] },
        ],
      }),
    ).toBe(
      [
        'Parley daily digest (since 2026-05-01 02:00 UTC)',
        'New candidates: 4',
        'Interviews completed: 1',
        '  - Ana (react): 78/100, hire',
        'At risk now: 2',
        '  - unnamed (interviewing): 0.93',
        '  - Bo (intake): 0.71, unanswered nudges (+0.40)',
      ].join('\n'),
    );
  });
});
