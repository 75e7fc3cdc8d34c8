// Edges of the assessment a recruiter reads that the other assessment tests leave open: the
// integrity score's exact figure and its floor, which flags reach the next steps, the core
// skills the overall score is taken over, an interview with no answers, warm-up answers and
// the skill boundary in "strong up to", which answer an evidence quote comes from.
import { describe, expect, it } from '@jest/globals';
import { buildAssessment, overallOf } from './assessment.js';
import { startInterview } from './machine.js';
import type { AnswerRecord, InterviewSession } from './session.js';
import { syntheticBank } from './test-bank.js';

const bank = syntheticBank();
const T0 = Date.UTC(2026, 0, 1, 9);
type Row = [skill: string, level: AnswerRecord['level'], composite: number, text?: string, seconds?: number];

/** A finished session from hand-written answers; each is asked 1 s after the previous one and answered `seconds` (120) later. */
function finished(rows: Row[], extra: Partial<InterviewSession> = {}, b = bank): InterviewSession {
  const [start] = startInterview({ role: 'test', skills: b.skills }, b, T0);
  let t = T0;
  const answers: AnswerRecord[] = rows.map(([skill, level, composite, text, seconds = 120], i) => {
    const askedAt = t + 1000;
    t = askedAt + seconds * 1000;
    return {
      questionId: `${skill}-${level}-1`,
      skill,
      level,
      quality: composite >= 0.7 ? 'good' : 'poor',
      accuracy: composite,
      clarity: composite,
      composite,
      text: text ?? `Answer ${i} about ${skill}.`,
      askedAt,
      answeredAt: t,
      covered: [`covered ${i}`],
      missed: [`missed ${i}`],
      redFlags: [],
      unparseable: false,
    };
  });
  return { ...start, pending: undefined, status: 'completed', answers, boundaries: {}, completedAt: t, ...extra };
}
const everySkill = (composite: number): Row[] => bank.skills.flatMap((s) => [[s.id, 'fundamental', composite], [s.id, 'intermediate', composite]] as Row[]);
/** 90 words sent 2 s after the question: a high too-fast flag (confidence 0.95) and a paste burst (high, 0.8). */
const burst = Array.from({ length: 90 }, (_, i) => `word${i}`).join(' ');

describe('the integrity score', () => {
  it('takes 15 x confidence off 100 for a medium flag (a contradiction, confidence 0.6), and raises it in the next steps', () => {
    const a = buildAssessment(finished([...everySkill(0.9), ['alpha', 'advanced', 0.9, 'I have never used Redux at work'], ['beta', 'advanced', 0.9, 'We use Redux daily for state']]), bank);
    expect(a.integrityFlags.map((f) => [f.type, f.severity])).toEqual([['contradiction', 'medium']]);
    expect(a.integrityScore).toBe(91);
    expect(a.recommendation).toBe('strong-yes'); // 91 is no reason for review
    expect(a.recommendationReasons).toHaveLength(1);
    expect(a.nextSteps.at(-1)).toBe('Some answers carry integrity flags: ask about them in a live conversation before concluding anything.');
  });

  it('takes 5 x confidence off for a low flag, which stays out of the next steps', () => {
    // 6 of the answer's 8 word trigrams repeat the question "Explain alpha at the fundamental level, question 1.": overlap 0.75, low.
    const a = buildAssessment(finished([['alpha', 'fundamental', 0.9, 'Explain alpha at the fundamental level question 1 is hard']]), bank);
    expect(a.integrityFlags).toEqual([expect.objectContaining({ type: 'copied-question', severity: 'low', confidence: 0.75 })]);
    expect(a.integrityScore).toBe(96); // 100 - 3.75, rounded
    expect(a.nextSteps).toEqual([expect.stringMatching(/^Invite to the team interview soon/)]);
  });

  it('takes 30 x confidence off for a high flag: one pasted burst leaves 48 and asks for review', () => {
    const a = buildAssessment(finished([['alpha', 'fundamental', 0.9, burst, 2]]), bank);
    expect(a.integrityFlags.map((f) => [f.type, f.severity, f.confidence])).toEqual([['too-fast', 'high', 0.95], ['paste-burst', 'high', 0.8]]);
    expect(a.integrityScore).toBe(48); // 100 - 30 x 0.95 - 30 x 0.8 = 47.5, rounded
    expect(a.recommendation).toBe('yes');
    expect(a.recommendationReasons[1]).toBe('Integrity flags (score 48/100) are worth asking about; they are evidence, not a verdict.');
  });

  it('asks for review below 50 only: a score of exactly 50 keeps a strong-yes', () => {
    // 90 words 10 s after the question: too-fast high at confidence 0.87 (26.1) + paste burst (24) = 50.1 off -> 50.
    const at50 = buildAssessment(finished([['alpha', 'fundamental', 0.9, burst, 10]]), bank);
    expect(at50.integrityScore).toBe(50);
    expect(at50.recommendation).toBe('strong-yes');
    expect(at50.recommendationReasons).toEqual(['Overall score 90/100 (85 or more).']);
    // 8 s: confidence 0.9 (27) + 24 = 51 off -> 49.
    const at49 = buildAssessment(finished([['alpha', 'fundamental', 0.9, burst, 8]]), bank);
    expect(at49.integrityScore).toBe(49);
    expect(at49.recommendation).toBe('yes');
  });

  it('never goes below 0, however many flags', () => {
    const a = buildAssessment(finished([['alpha', 'fundamental', 0.9, burst, 2], ['beta', 'fundamental', 0.9, burst, 2], ['gamma', 'fundamental', 0.9, burst, 2]]), bank);
    expect(a.integrityFlags).toHaveLength(6);
    expect(a.integrityScore).toBe(0);
  });

  it('does not flag an answer to a question the bank no longer has', () => {
    const session = finished([['alpha', 'fundamental', 0.9, burst, 2]]);
    session.answers = session.answers.map((x) => ({ ...x, questionId: 'retired-question' }));
    const a = buildAssessment(session, bank);
    expect(a.integrityFlags).toEqual([]);
    expect(a.integrityScore).toBe(100);
  });
});

describe('the overall score', () => {
  it('is taken over the core skills only when the role names some', () => {
    const b = { ...bank, skills: bank.skills.map((s) => ({ ...s, core: s.id === 'alpha' || s.id === 'beta' })) };
    const a = buildAssessment(finished([['alpha', 'fundamental', 0.9], ['beta', 'fundamental', 0.8], ['gamma', 'fundamental', 0.2]], {}, b), b);
    expect(a.skillScores).toMatchObject({ alpha: 90, beta: 80, gamma: 20 });
    expect(a.overallScore).toBe(85);
    expect(a.recommendation).toBe('strong-yes');
  });

  it('is taken over every skill asked about when none is marked core', () => {
    const b = { ...bank, skills: bank.skills.map((s) => ({ ...s, core: false })) };
    const a = buildAssessment(finished([['alpha', 'fundamental', 0.9], ['gamma', 'fundamental', 0.2]], {}, b), b);
    expect(a.overallScore).toBe(55);
  });

  it('is 0, with a "no", for an interview without answers, which lasted until it was closed', () => {
    const a = buildAssessment(finished([], { completedAt: T0 + 3 * 60_000 }), bank);
    expect(a.overallScore).toBe(0);
    expect(a.skillScores).toEqual({ alpha: 0, beta: 0, gamma: 0, delta: 0 });
    expect(a.recommendation).toBe('no');
    expect(a.recommendationReasons).toEqual(['Overall score 0/100 is below 50: most answers were weak.']);
    expect(a.durationMin).toBe(3);
    expect(a.strengths).toEqual([]);
    expect(a.weaknesses).toEqual([]);
    expect(buildAssessment(finished([], { completedAt: undefined }), bank).durationMin).toBe(0);
  });

  it('without a completion time, the duration runs to the last of several answers', () => {
    const a = buildAssessment(finished([['alpha', 'fundamental', 0.8], ['beta', 'fundamental', 0.8], ['gamma', 'fundamental', 0.8]], { completedAt: undefined }), bank);
    expect(a.durationMin).toBe(6.1); // three answers, each 1 s + 120 s after the previous one
  });

  it('rounds the mean of the skill scores, and counts a skill without a score as 0', () => {
    expect(overallOf({ a: 70, b: 71 }, ['a', 'b'])).toBe(71); // 70.5
    expect(overallOf({ a: 70, b: 72, c: 72 }, ['a', 'b', 'c'])).toBe(71); // 71.33
    expect(overallOf({ a: 90 }, ['a', 'b'])).toBe(45);
    expect(overallOf({ a: 90 }, [])).toBe(0);
  });
});

describe('level reached and strengths', () => {
  it('a strong warm-up answer reaches no level', () => {
    const a = buildAssessment(finished([['alpha', 'warmup', 1], ['alpha', 'fundamental', 0.6]]), bank);
    expect(a.levelReached.alpha).toBeUndefined();
    expect(a.skillScores.alpha).toBe(73); // (0.5 x 1 + 1 x 0.6) / 1.5
    expect(a.strengths).toEqual([]); // a score of 70+ but no level answered well
  });

  it('"strong up to" stops below the skill boundary, and the strength quotes the best answer', () => {
    const a = buildAssessment(
      finished([['alpha', 'fundamental', 0.8], ['alpha', 'intermediate', 0.95], ['alpha', 'advanced', 0.9], ['alpha', 'expert', 0.6]], {
        boundaries: { alpha: { level: 'advanced', questionId: 'alpha-advanced-1', at: T0 } },
      }),
      bank,
    );
    expect(a.levelReached.alpha).toBe('intermediate');
    expect(a.strengths).toEqual([{ skill: 'alpha', summary: 'alpha: strong up to intermediate (score 79)', quote: 'Answer 1 about alpha.', concepts: ['covered 1'] }]);
    expect(a.weaknesses).toEqual([{ skill: 'alpha', summary: 'alpha: knowledge runs out at advanced', quote: 'Answer 3 about alpha.', concepts: ['missed 3'] }]);
  });

  it('a boundary at expert still lets a strong advanced answer count', () => {
    const a = buildAssessment(finished([['alpha', 'advanced', 0.9], ['alpha', 'expert', 0.9]], { boundaries: { alpha: { level: 'expert', questionId: 'alpha-expert-1', at: T0 } } }), bank);
    expect(a.levelReached.alpha).toBe('advanced');
    expect(buildAssessment(finished([['alpha', 'advanced', 0.9], ['alpha', 'expert', 0.9]]), bank).levelReached.alpha).toBe('expert');
  });

  it('the weakest answer is quoted for a weak skill, whichever order the answers came in', () => {
    const a = buildAssessment(finished([['alpha', 'fundamental', 0.4], ['alpha', 'fundamental', 0.1], ['alpha', 'fundamental', 0.3]]), bank);
    expect(a.weaknesses).toEqual([{ skill: 'alpha', summary: 'alpha: weak answers (score 27)', quote: 'Answer 1 about alpha.', concepts: ['missed 1'] }]);
  });

  it('a level answered well is not a strength when the skill score stays under 70', () => {
    const a = buildAssessment(finished([['alpha', 'fundamental', 0.9], ['alpha', 'advanced', 0.4]]), bank);
    expect(a.levelReached.alpha).toBe('fundamental');
    expect(a.skillScores.alpha).toBe(57); // (0.9 + 2 x 0.4) / 3
    expect(a.strengths).toEqual([]);
  });

  it('a strong skill without a boundary is not listed as a weakness', () => {
    const a = buildAssessment(finished([['alpha', 'fundamental', 0.9], ['beta', 'fundamental', 0.3]]), bank);
    expect(a.strengths.map((s) => s.skill)).toEqual(['alpha']);
    expect(a.weaknesses.map((w) => w.skill)).toEqual(['beta']);
  });

  it('a quote of exactly 200 characters is kept whole', () => {
    const text = 'y'.repeat(200);
    expect(buildAssessment(finished([['alpha', 'fundamental', 0.9, text]]), bank).strengths[0]?.quote).toBe(text);
  });
});

describe('recommendation reasons', () => {
  it('a warm-up boundary in a core skill counts as failed basics', () => {
    const a = buildAssessment(finished(everySkill(0.95), { boundaries: { gamma: { level: 'warmup', questionId: 'gamma-warmup-1', at: T0 } } }), bank);
    expect(a.recommendation).toBe('yes');
    expect(a.recommendationReasons).toEqual(['Overall score 95/100 (85 or more).', 'Fundamental questions missed in: gamma.']);
    expect(a.nextSteps).toEqual(['Invite to a technical interview with the team.', 'Probe these skills in the next round: gamma (warmup).']);
  });

  it('a core skill the bank does not name is shown by its id', () => {
    const session = finished(everySkill(0.95), { coreSkills: ['alpha', 'legacy'], boundaries: { legacy: { level: 'fundamental', questionId: 'legacy-fundamental-1', at: T0 } } });
    expect(buildAssessment(session, bank).recommendationReasons).toContain('Fundamental questions missed in: legacy.');
  });

  it('failed basics or integrity flags leave a yes, maybe or no as it is', () => {
    const boundaries = { beta: { level: 'fundamental' as const, questionId: 'beta-fundamental-1', at: T0 } };
    expect(buildAssessment(finished(everySkill(0.75), { boundaries }), bank).recommendation).toBe('yes');
    expect(buildAssessment(finished(everySkill(0.6), { boundaries }), bank).recommendation).toBe('maybe');
    expect(buildAssessment(finished(everySkill(0.3), { boundaries }), bank).recommendation).toBe('no');
    const flagged = buildAssessment(finished([...everySkill(0.6), ['alpha', 'advanced', 0.6, burst, 2], ['beta', 'advanced', 0.6, burst, 2]]), bank);
    expect(flagged.integrityScore).toBe(0);
    expect(flagged.recommendation).toBe('maybe');
  });
});
