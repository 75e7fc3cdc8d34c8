import { describe, expect, it } from '@jest/globals';
import { answerBand, answerQuestion, composite, isAbandoned, markAbandoned, restartInterview, resumeInterview, startInterview, type InterviewAction } from './machine.js';
import { DEFAULT_INTERVIEW_CONFIG, InterviewSessionSchema } from './session.js';
import { syntheticBank } from './test-bank.js';
import type { AnswerEvaluation, Level, Quality } from './types.js';

const bank = syntheticBank();
const T0 = Date.UTC(2026, 0, 1, 9);
const MIN = 60_000;

const EVAL: Record<Quality, AnswerEvaluation> = {
  excellent: { quality: 'excellent', technicalAccuracy: 0.95, clarity: 0.9, skills: [], coveredConcepts: [], missedConcepts: [], redFlags: [], unparseable: false },
  good: { quality: 'good', technicalAccuracy: 0.75, clarity: 0.8, skills: [], coveredConcepts: [], missedConcepts: [], redFlags: [], unparseable: false },
  fair: { quality: 'fair', technicalAccuracy: 0.55, clarity: 0.6, skills: [], coveredConcepts: [], missedConcepts: [], redFlags: [], unparseable: false },
  poor: { quality: 'poor', technicalAccuracy: 0.1, clarity: 0.4, skills: [], coveredConcepts: [], missedConcepts: [], redFlags: [], unparseable: false },
};

/** Run a script of answer qualities from the start; returns the session and every action. */
function run(qualities: Quality[], config = DEFAULT_INTERVIEW_CONFIG, stepMs = MIN) {
  let [session, actions] = startInterview({ role: 'test', skills: bank.skills }, bank, T0, config);
  const all: InterviewAction[] = [...actions];
  qualities.forEach((q, i) => {
    [session, actions] = answerQuestion(session, { evaluation: EVAL[q], answerText: `answer ${i}`, now: T0 + (i + 1) * stepMs }, bank, config);
    all.push(...actions);
  });
  return { session, actions: all, levels: all.filter((a) => a.type === 'ask').map((a) => (a as { question: { level: Level } }).question.level) };
}

describe('composite', () => {
  it.each<[Quality, number, number, number]>([
    ['excellent', 1, 1, 1],
    ['good', 0.5, 0.5, 0.525],
    ['fair', 0.8, 0.6, 0.71],
    ['poor', 0, 0, 0.025],
  ])('%s, accuracy %f, clarity %f -> %f', (quality, technicalAccuracy, clarity, expected) => {
    expect(composite({ quality, technicalAccuracy, clarity })).toBeCloseTo(expected, 6);
  });
});

/** Run a script where each answer's quality depends on the skill it answers. */
function runBySkill(quality: (skill: string, level: Level, i: number) => Quality, n = 15) {
  let [session, actions] = startInterview({ role: 'test', skills: bank.skills }, bank, T0);
  const all: InterviewAction[] = [...actions];
  for (let i = 0; i < n && session.status === 'in-progress'; i++) {
    const pending = session.pending!;
    [session, actions] = answerQuestion(session, { evaluation: EVAL[quality(pending.skill, pending.level, i)], answerText: `answer ${i}`, now: T0 + (i + 1) * MIN }, bank);
    all.push(...actions);
  }
  const asked = all.filter((a) => a.type === 'ask').map((a) => (a as { question: { skill: string; level: Level } }).question);
  return { session, actions: all, asked };
}

describe('answer bands', () => {
  it.each<[Quality, string]>([
    ['excellent', 'strong'],
    ['good', 'strong'],
    ['fair', 'middling'],
    ['poor', 'weak'],
  ])('%s -> %s', (quality, expected) => {
    const e = EVAL[quality];
    expect(answerBand({ quality, composite: composite(e), accuracy: e.technicalAccuracy })).toBe(expected);
  });
  it.each<[string, Quality, number, number, string]>([
    ['a poor grade is weak whatever the composite', 'poor', 0.65, 0.7, 'weak'],
    ['a low composite is weak whatever the grade', 'good', 0.45, 0.5, 'weak'],
    ['a clear but inaccurate answer is weak', 'fair', 0.56, 0.35, 'weak'],
    ['a high composite with middling accuracy is not strong', 'good', 0.72, 0.55, 'middling'],
    ['accurate and clear is strong', 'good', 0.72, 0.65, 'strong'],
  ])('%s', (_label, quality, c, accuracy, expected) => {
    expect(answerBand({ quality, composite: c, accuracy })).toBe(expected);
  });
});

describe('difficulty per skill', () => {
  // The synthetic bank's skills in order: alpha, beta, gamma, delta. Warmup is alpha then beta.
  it.each<[string, Quality[], Record<string, Level>, Level]>([
    ['starts at warmup', [], {}, 'warmup'],
    ['warmup lasts 2 questions, then fundamental', ['fair', 'fair'], {}, 'fundamental'],
    ['a strong answer moves only its skill up, and stays on it', ['good', 'good', 'excellent'], { gamma: 'intermediate' }, 'intermediate'],
    ['a middling answer keeps the level and moves to another skill', ['good', 'good', 'fair'], {}, 'fundamental'],
    ['a weak answer at intermediate lowers that skill to fundamental', ['good', 'good', 'excellent', 'poor'], { gamma: 'fundamental' }, 'fundamental'],
    ['strong answers climb one skill to expert and never above', ['good', 'good', 'excellent', 'excellent', 'excellent', 'excellent'], { gamma: 'expert' }, 'fundamental'],
  ])('%s', (_label, qualities, skillLevels, level) => {
    const { session } = run(qualities);
    expect(session.skillLevels).toEqual(skillLevels);
    expect(session.pending?.level ?? session.level).toBe(level);
  });

  it.each<[string, Quality[], Record<string, Level>]>([
    ['a poor fundamental answer bounds that skill at fundamental', ['good', 'good', 'poor'], { gamma: 'fundamental' }],
    ['a weak answer after climbing bounds the skill where it failed', ['good', 'good', 'excellent', 'excellent', 'poor'], { gamma: 'advanced' }],
    ['each skill gets its own boundary', ['good', 'good', 'poor', 'excellent', 'poor'], { gamma: 'fundamental', delta: 'intermediate' }],
    ['no boundary while answers are middling', ['good', 'good', 'fair', 'fair', 'fair', 'fair'], {}],
  ])('%s', (_label, qualities, boundaries) => {
    const { session } = run(qualities);
    expect(Object.fromEntries(Object.entries(session.boundaries).map(([k, v]) => [k, v.level]))).toEqual(boundaries);
  });

  it('a candidate strong in one skill and weak in another: each skill gets its own level and boundary', () => {
    const { session, asked } = runBySkill((skill, level) => (level === 'warmup' ? 'good' : skill === 'alpha' ? 'poor' : skill === 'gamma' ? 'excellent' : 'fair'));
    expect(session.boundaries.alpha?.level).toBe('fundamental');
    expect(session.boundaries.gamma).toBeUndefined();
    // The weak skill is never asked above fundamental; the strong one climbs.
    expect(asked.filter((q) => q.skill === 'alpha' && q.level !== 'warmup').every((q) => q.level === 'fundamental')).toBe(true);
    expect(asked.some((q) => q.skill === 'gamma' && (q.level === 'advanced' || q.level === 'expert'))).toBe(true);
  });

  it('a skill that failed at fundamental is not raised by strong answers elsewhere', () => {
    const { asked } = runBySkill((skill, level) => (level === 'warmup' ? 'excellent' : skill === 'beta' ? 'poor' : 'excellent'));
    expect(asked.filter((q) => q.skill === 'beta').map((q) => q.level).filter((l) => l !== 'warmup' && l !== 'fundamental')).toEqual([]);
  });

  it('records the boundary and the level change as actions', () => {
    const { actions } = run(['good', 'good', 'excellent', 'poor']);
    expect(actions).toContainEqual({ type: 'boundary', skill: 'gamma', level: 'intermediate' });
    expect(actions).toContainEqual({ type: 'levelChanged', skill: 'gamma', from: 'intermediate', to: 'fundamental', reason: 'poor answer' });
  });

  it('stays and probes another skill at the same level', () => {
    const { session, actions } = run(['good', 'good', 'fair']);
    const asks = actions.filter((a) => a.type === 'ask') as { question: { skill: string; level: Level } }[];
    expect(asks.at(-1)?.question.level).toBe('fundamental');
    expect(asks.at(-1)?.question.skill).not.toBe(session.answers.at(-1)?.skill);
  });

  it('prefers skills not yet explored, and skills without a boundary', () => {
    const { actions } = run(['fair', 'fair', 'fair', 'fair']);
    const skills = (actions.filter((a) => a.type === 'ask') as { question: { skill: string } }[]).map((a) => a.question.skill);
    expect(new Set(skills.slice(0, 4)).size).toBe(4);
    const bounded = run(['good', 'good', 'poor']);
    expect(bounded.session.pending?.skill).not.toBe(Object.keys(bounded.session.boundaries)[0]);
  });

  it('never asks the same question twice', () => {
    const { session } = run(Array(15).fill('fair'));
    expect(new Set(session.askedQuestionIds).size).toBe(session.askedQuestionIds.length);
  });
});

describe('completion', () => {
  it('completes with enough evidence once >= 8 answers and every core skill is bounded or explored at two levels', () => {
    const { session, actions } = run(['good', 'good', ...Array(14).fill('fair')]);
    expect(session.status).toBe('completed');
    expect(actions.at(-1)).toEqual({ type: 'complete', reason: session.completionReason });
    expect(session.answers.length).toBeGreaterThanOrEqual(8);
    expect(session.answers.length).toBeLessThanOrEqual(15);
  });

  it('completes at 15 questions at the latest', () => {
    const { session } = run(Array(20).fill('excellent'));
    expect(session.status).toBe('completed');
    expect(session.answers.length).toBeLessThanOrEqual(15);
  });

  it('completes at the time limit', () => {
    const { session } = run(['fair', 'fair', 'fair'], { ...DEFAULT_INTERVIEW_CONFIG, timeLimitMin: 2 });
    expect(session).toMatchObject({ status: 'completed', completionReason: 'time-limit' });
    expect(session.answers).toHaveLength(2);
  });

  it('ignores answers after completion', () => {
    const { session } = run(Array(15).fill('fair'));
    expect(answerQuestion(session, { evaluation: EVAL.good, answerText: 'late', now: T0 + 99 * MIN }, bank)).toEqual([session, []]);
  });

  it('a strong candidate reaches advanced or expert; a weak one gets a boundary at fundamental', () => {
    const strong = run(Array(15).fill('excellent'));
    expect(strong.levels).toEqual(expect.arrayContaining(['advanced']));
    const weak = run(Array(15).fill('poor'));
    expect(Object.values(weak.session.boundaries).map((b) => b.level)).toContain('fundamental');
    expect(weak.levels).not.toContain('intermediate');
  });
});

describe('recovery and abandonment', () => {
  it('is abandoned after 30 minutes without an answer, and resumes with the same pending question', () => {
    const { session } = run(['good', 'good']);
    expect(isAbandoned(session, T0 + 2 * MIN + 29 * MIN)).toBe(false);
    expect(isAbandoned(session, T0 + 2 * MIN + 31 * MIN)).toBe(true);
    const abandoned = markAbandoned(session);
    expect(abandoned.status).toBe('abandoned');
    const [resumed, actions] = resumeInterview(abandoned, bank, T0 + 60 * MIN);
    expect(resumed.status).toBe('in-progress');
    expect(actions).toEqual([{ type: 'ask', question: bank.questions.find((q) => q.id === session.pending?.questionId) }]);
    expect(resumed.askedQuestionIds).toEqual(session.askedQuestionIds);
  });

  it('restarts from warmup with the same role', () => {
    const { session } = run(['good', 'good', 'excellent']);
    const [fresh] = restartInterview(session, bank, T0 + 90 * MIN);
    expect(fresh).toMatchObject({ role: 'test', level: 'warmup', answers: [], status: 'in-progress' });
  });

  it('round-trips through JSON and continues identically', () => {
    const { session } = run(['good', 'good', 'excellent', 'fair']);
    const restored = InterviewSessionSchema.parse(JSON.parse(JSON.stringify(session)));
    const a = answerQuestion(session, { evaluation: EVAL.good, answerText: 'x', now: T0 + 10 * MIN }, bank);
    const b = answerQuestion(restored, { evaluation: EVAL.good, answerText: 'x', now: T0 + 10 * MIN }, bank);
    expect(b).toEqual(a);
  });
});
