// What the recruiter reads in an interview's assessment: the recommendation's reasons and next
// steps, the evidence quotes, the thresholds' exact edges, the duration. Written from the
// documented rules (assessment.ts doc comments, RECOMMENDATION_THRESHOLDS), not from its code.
import { describe, expect, it } from '@jest/globals';
import { buildAssessment } from './assessment.js';
import { startInterview } from './machine.js';
import type { AnswerRecord, InterviewSession } from './session.js';
import { syntheticBank } from './test-bank.js';

const bank = syntheticBank();
const T0 = Date.UTC(2026, 0, 1, 9);
type Row = [skill: string, level: AnswerRecord['level'], composite: number];

/** A finished session from hand-written answers, one every two minutes. */
function finished(rows: Row[], extra: Partial<InterviewSession> = {}): InterviewSession {
  const [start] = startInterview({ role: 'test', skills: bank.skills }, bank, T0);
  const answers: AnswerRecord[] = rows.map(([skill, level, composite], i) => ({
    questionId: `${skill}-${level}-1`,
    skill,
    level,
    quality: composite >= 0.7 ? 'good' : 'poor',
    accuracy: composite,
    clarity: composite,
    composite,
    text: `Answer ${i} about ${skill}, explained in my own words with an example from work.`,
    askedAt: T0 + i * 120_000 + 1000,
    answeredAt: T0 + (i + 1) * 120_000,
    covered: ['covered concept'],
    missed: ['missed concept'],
    redFlags: [],
    unparseable: false,
  }));
  return { ...start, pending: undefined, status: 'completed', answers, boundaries: {}, completedAt: T0 + rows.length * 120_000, ...extra };
}
/** Every skill answered at fundamental and intermediate with the same composite. */
const everySkill = (composite: number): Row[] => bank.skills.flatMap((s) => [[s.id, 'fundamental', composite], [s.id, 'intermediate', composite]] as Row[]);

describe('the recommendation a recruiter reads', () => {
  it.each<[number, string, RegExp, RegExp]>([
    [0.9, 'strong-yes', /^Overall score 90\/100 \(85 or more\)\.$/, /^Invite to the team interview soon/],
    [0.75, 'yes', /^Overall score 75\/100 \(70 or more\)\.$/, /^Invite to a technical interview with the team/],
    [0.6, 'maybe', /^Overall score 60\/100 is between 50 and 70/, /^Review the transcript before deciding/],
    [0.3, 'no', /^Overall score 30\/100 is below 50/, /^Not a match for this role/],
  ])('composite %f: %s, with its reason and exactly one next step', (composite, recommendation, reason, step) => {
    const a = buildAssessment(finished(everySkill(composite)), bank);
    expect(a.recommendation).toBe(recommendation);
    expect(a.recommendationReasons).toEqual([expect.stringMatching(reason)]);
    expect(a.nextSteps).toEqual([expect.stringMatching(step)]);
  });

  it.each<[number, string]>([
    [0.85, 'strong-yes'],
    [0.84, 'yes'],
    [0.7, 'yes'],
    [0.69, 'maybe'],
    [0.5, 'maybe'],
    [0.49, 'no'],
  ])('a score of exactly %f x 100 -> %s (each threshold counts as reached)', (composite, recommendation) => {
    expect(buildAssessment(finished(everySkill(composite)), bank).recommendation).toBe(recommendation);
  });

  it('a core skill failed at fundamental keeps a top score at yes, naming the skill as the bank does', () => {
    const named = { ...bank, skills: bank.skills.map((s) => ({ ...s, name: `Skill ${s.id.toUpperCase()}` })) };
    const session = finished(everySkill(0.95), { boundaries: { beta: { level: 'fundamental', questionId: 'beta-fundamental-1', at: T0 } } });
    const a = buildAssessment(session, named);
    expect(a.overallScore).toBeGreaterThanOrEqual(85);
    expect(a.recommendation).toBe('yes');
    expect(a.recommendationReasons).toContain('Fundamental questions missed in: Skill BETA.');
    expect(a.nextSteps).toEqual([expect.stringMatching(/^Invite to a technical interview/), 'Probe these skills in the next round: beta (fundamental).']);
  });

  it('a boundary above fundamental is probed next round but does not lower a top score', () => {
    const session = finished(everySkill(0.95), { boundaries: { beta: { level: 'advanced', questionId: 'beta-advanced-1', at: T0 } } });
    const a = buildAssessment(session, bank);
    expect(a.recommendation).toBe('strong-yes');
    expect(a.recommendationReasons).toHaveLength(1);
    expect(a.nextSteps[1]).toBe('Probe these skills in the next round: beta (advanced).');
  });
});

describe('strengths and weaknesses', () => {
  it('a strength needs a skill score of 70 or more and a level answered well', () => {
    const a = buildAssessment(finished([['alpha', 'intermediate', 0.7], ['beta', 'intermediate', 0.69], ['gamma', 'fundamental', 0.6], ['gamma', 'intermediate', 0.9]]), bank);
    expect(a.strengths.map((s) => s.skill)).toEqual(['alpha', 'gamma']);
    expect(a.strengths[1]?.quote).toMatch(/^Answer 3 about gamma/); // its best answer
    expect(a.strengths[0]).toEqual({ skill: 'alpha', summary: 'alpha: strong up to intermediate (score 70)', quote: expect.stringMatching(/^Answer 0 about alpha/), concepts: ['covered concept'] });
  });

  it('a weakness is a score under 50 or a skill where knowledge ran out, quoting the weakest answer', () => {
    const a = buildAssessment(
      finished([['alpha', 'fundamental', 0.5], ['beta', 'fundamental', 0.49], ['gamma', 'fundamental', 0.8], ['gamma', 'advanced', 0.6]], {
        boundaries: { gamma: { level: 'advanced', questionId: 'gamma-advanced-1', at: T0 } },
      }),
      bank,
    );
    expect(a.weaknesses.map((w) => w.skill)).toEqual(['beta', 'gamma']);
    expect(a.weaknesses[0]).toEqual({ skill: 'beta', summary: 'beta: weak answers (score 49)', quote: expect.stringMatching(/^Answer 1 about beta/), concepts: ['missed concept'] });
    expect(a.weaknesses[1]).toMatchObject({ summary: 'gamma: knowledge runs out at advanced', quote: expect.stringMatching(/^Answer 3 about gamma/) });
  });

  it('quotes a long answer on one line, cut to 200 characters with an ellipsis', () => {
    const session = finished([['alpha', 'fundamental', 0.9]]);
    const long = `First line\n\n  then   more ${'x'.repeat(300)}`;
    session.answers = session.answers.map((a) => ({ ...a, text: long }));
    const quote = buildAssessment(session, bank).strengths[0]?.quote ?? '';
    expect(quote).toHaveLength(200);
    expect(quote.startsWith('First line then more xxx')).toBe(true);
    expect(quote.endsWith('x…')).toBe(true);
    const short = finished([['alpha', 'fundamental', 0.9]]);
    short.answers = short.answers.map((a) => ({ ...a, text: '  exactly\tthis  ' }));
    expect(buildAssessment(short, bank).strengths[0]?.quote).toBe('exactly this');
  });
});

describe('duration and completion', () => {
  it('reports minutes from the start to completion, to a tenth, and why it ended', () => {
    const session = finished([['alpha', 'fundamental', 0.8]], { completedAt: T0 + 7 * 60_000 + 30_000, completionReason: 'max-questions' });
    const a = buildAssessment(session, bank);
    expect(a.durationMin).toBe(7.5);
    expect(a.completionReason).toBe('max-questions');
    expect(a.questionsAsked).toBe(1);
  });

  it('without a completion time, counts to the last answer, and leaves the reason out', () => {
    const session = finished([['alpha', 'fundamental', 0.8], ['beta', 'fundamental', 0.8]], { completedAt: undefined });
    const a = buildAssessment(session, bank);
    expect(a.durationMin).toBe(4);
    expect('completionReason' in a).toBe(false);
  });
});
