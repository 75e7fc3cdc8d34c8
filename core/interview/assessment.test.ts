import { describe, expect, it } from '@jest/globals';
import { buildAssessment } from './assessment.js';
import { contradictionFlags, answerFlags, trigramOverlap } from './integrity.js';
import { answerQuestion, startInterview } from './machine.js';
import type { AnswerRecord } from './session.js';
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
    expect(weak.overallScore).toBeLessThan(30);
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
