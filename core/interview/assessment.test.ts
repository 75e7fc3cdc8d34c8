import { describe, expect, it } from '@jest/globals';
import { answerScore, buildAssessment } from './assessment.js';
import { contradictionFlags, answerFlags, trigramOverlap } from './integrity.js';
import { answerQuestion, startInterview } from './machine.js';
import type { AnswerRecord, InterviewSession } from './session.js';
import { syntheticBank } from './test-bank.js';
import type { AnswerEvaluation, Quality } from './types.js';
import { selectMemory } from './memory.js';

const bank = syntheticBank();
const T0 = Date.UTC(2026, 0, 1, 9);
const evaluation = (quality: Quality, accuracy: number): AnswerEvaluation => ({ quality, technicalAccuracy: accuracy, clarity: 0.8, skills: [], coveredConcepts: quality === 'poor' ? [] : ['concept'], missedConcepts: quality === 'poor' ? ['concept'] : [], redFlags: [], unparseable: false });

function interview(quality: Quality, accuracy: number, text: (i: number) => string) {
  let [s] = startInterview({ role: 'test', skills: bank.skills }, bank, T0);
  for (let i = 0; i < 15 && s.status === 'in-progress'; i++) [s] = answerQuestion(s, { evaluation: evaluation(quality, accuracy), answerText: text(i), now: T0 + (i + 1) * 120_000 }, bank);
  return s;
}

describe('buildAssessment', () => {
  const strong = buildAssessment(interview('excellent', 0.95, (i) => `A thorough explanation number ${i} with concrete examples from production work and trade-offs.`), bank);
  const weak = buildAssessment(interview('poor', 0.1, () => "I don't know"), bank);

  it('orders a strong candidate above a weak one, with a recommendation to match', () => {
    expect(strong.overallScore).toBeGreaterThan(70);
    expect(weak.overallScore).toBeLessThan(50);
    expect(strong.recommendation).toMatch(/yes/);
    expect(weak.recommendation).toBe('no');
  });

  it('maps skill boundaries, and backs strengths and weaknesses with quoted evidence', () => {
    expect(Object.values(weak.boundaries)).toContain('fundamental');
    expect(weak.weaknesses[0]).toMatchObject({ quote: "I don't know", concepts: ['concept'] });
    expect(strong.strengths.length).toBeGreaterThan(0);
    expect(strong.strengths[0]?.quote).toMatch(/A thorough explanation/);
    expect(strong.nextSteps[0]).toMatch(/Invite/);
    expect(weak.nextSteps.join(' ')).toMatch(/Probe these skills/);
  });

  it('scores every skill 0-100 and reports the level reached', () => {
    for (const score of Object.values(strong.skillScores)) expect(score).toBeGreaterThanOrEqual(0);
    expect(Object.values(strong.levelReached)).toEqual(expect.arrayContaining(['expert']));
    expect(strong.integrityScore).toBe(100);
  });
});

describe('one score definition', () => {
  it.each<[string, [AnswerRecord['level'], number][], number]>([
    ['no answers', [], 0],
    ['one answer', [['fundamental', 0.8]], 80],
    ['harder questions weigh more', [['fundamental', 0.8], ['advanced', 0.5]], 60],
    ['warmup weighs half', [['warmup', 1], ['fundamental', 0.4]], 60],
  ])('%s', (_label, answers, expected) => {
    expect(answerScore(answers.map(([level, composite]) => ({ level, composite })))).toBe(expected);
  });
});

/** A finished session from hand-written answers: [skill, level, composite, seconds to answer]. */
function finished(rows: [string, AnswerRecord['level'], number, number][], boundaries: InterviewSession['boundaries'] = {}): InterviewSession {
  const [start] = startInterview({ role: 'test', skills: bank.skills }, bank, T0);
  let t = T0;
  const answers: AnswerRecord[] = rows.map(([skill, level, composite, seconds], i) => {
    const askedAt = t + 1000;
    t = askedAt + seconds * 1000;
    const quality = composite >= 0.85 ? 'excellent' : composite >= 0.7 ? 'good' : composite >= 0.5 ? 'fair' : 'poor';
    return { questionId: `${skill}-${level}-${(i % 2) + 1}`, skill, level, quality, accuracy: composite, clarity: composite, composite, text: `Answer ${i} about ${skill}, explained in my own words with an example from work.`, askedAt, answeredAt: t, covered: [], missed: [], redFlags: [], unparseable: false };
  });
  return { ...start, pending: undefined, status: 'completed', answers, boundaries, completedAt: t, completionReason: 'max-questions' };
}

describe('recommendation', () => {
  const all = (composite: number, seconds = 90) => finished(bank.skills.flatMap((s) => (['fundamental', 'intermediate', 'advanced'] as const).map((l): [string, AnswerRecord['level'], number, number] => [s.id, l, composite, seconds])));

  it.each<[number, string]>([
    [0.97, 'strong-yes'],
    [0.8, 'yes'],
    [0.6, 'maybe'],
    [0.3, 'no'],
  ])('answers of composite %f -> %s', (composite, expected) => {
    expect(buildAssessment(all(composite), bank).recommendation).toBe(expected);
  });

  it('integrity flags never by themselves turn a top score into maybe: they are raised for a human', () => {
    // Every long answer arrives two seconds after its question: too fast for anyone to type.
    const session = all(0.99, 2);
    session.answers = session.answers.map((a) => ({ ...a, text: Array.from({ length: 90 }, (_, i) => `word${i}`).join(' ') }));
    const a = buildAssessment(session, bank);
    expect(a.overallScore).toBeGreaterThanOrEqual(95);
    expect(a.integrityScore).toBeLessThan(50);
    expect(a.integrityFlags.length).toBeGreaterThan(0);
    expect(a.recommendation).toBe('yes');
    expect(a.recommendationReasons.join(' ')).toMatch(/Integrity flags/);
    expect(a.nextSteps.join(' ')).toMatch(/integrity flags/);
  });

  it('a candidate who failed a fundamental question is not "strong up to expert" in that skill', () => {
    const session = finished(
      [
        ['alpha', 'fundamental', 0.2, 90],
        ['alpha', 'expert', 0.95, 90],
        ['beta', 'fundamental', 0.9, 90],
        ['beta', 'intermediate', 0.9, 90],
      ],
      { alpha: { level: 'fundamental', questionId: 'alpha-fundamental-1', at: T0 } },
    );
    const a = buildAssessment(session, bank);
    expect(a.levelReached.alpha).toBeUndefined();
    expect(a.levelReached.beta).toBe('intermediate');
    expect(a.strengths.map((s) => s.skill)).not.toContain('alpha');
    expect(a.weaknesses.find((w) => w.skill === 'alpha')?.summary).toMatch(/runs out at fundamental/);
    expect(a.recommendationReasons.join(' ')).toMatch(/Fundamental questions missed in: alpha/);
  });

  it('the overall score is the mean of the skill scores shown, each core skill weighing the same', () => {
    const a = buildAssessment(finished([['alpha', 'fundamental', 0.9, 90], ['alpha', 'expert', 1, 90], ['beta', 'advanced', 0.4, 90]]), bank);
    expect(a.skillScores).toMatchObject({ alpha: 97, beta: 40 }); // alpha: (1 x 0.9 + 2.5 x 1) / 3.5
    expect(a.overallScore).toBe(69); // (97 + 40) / 2: skills never asked about do not count
  });
});

describe('integrity flags', () => {
  const record = (text: string, seconds: number, questionId = 'q1'): AnswerRecord => ({ questionId, skill: 's', level: 'fundamental', quality: 'good', accuracy: 0.7, clarity: 0.7, composite: 0.7, text, askedAt: T0, answeredAt: T0 + seconds * 1000, covered: [], missed: [], redFlags: [], unparseable: false });
  const q = { id: 'q1', text: 'How does the JavaScript event loop schedule microtasks and macrotasks?', readingTimeSec: 30 };
  const long = (n: number) => Array.from({ length: n }, (_, i) => `word${i}`).join(' ');

  it.each([
    ['a long answer in a few seconds', long(60), 8, ['too-fast']],
    ['a 100-word burst right after the question', long(100), 12, ['too-fast', 'paste-burst']],
    ['a normal answer', long(40), 90, []],
    ['a short quick answer', 'microtasks first', 3, []],
  ])('%s', (_label, text, seconds, types) => {
    expect(answerFlags(record(text, seconds), q).map((f) => f.type)).toEqual(types);
  });

  it('flags an answer that copies the question', () => {
    const flags = answerFlags(record('how does the javascript event loop schedule microtasks and macrotasks', 120), q);
    expect(flags.map((f) => f.type)).toEqual(['copied-question']);
    expect(trigramOverlap('totally different words here now', q.text)).toBe(0);
  });

  it('flags a contradiction between answers, with evidence', () => {
    const flags = contradictionFlags([record('I have never used Redux in any project', 60, 'q1'), record('We use Redux daily for all global state', 60, 'q2')]);
    expect(flags).toEqual([expect.objectContaining({ type: 'contradiction', questionId: 'q2', evidence: expect.stringContaining('redux') })]);
    expect(contradictionFlags([record('I use Redux daily', 60)])).toEqual([]);
  });
});

describe('selectMemory', () => {
  it('keeps the first 2 and last 10 messages', () => {
    const msgs = Array.from({ length: 20 }, (_, i) => i);
    expect(selectMemory(msgs)).toEqual([0, 1, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19]);
    expect(selectMemory([1, 2, 3])).toEqual([1, 2, 3]);
  });
});
