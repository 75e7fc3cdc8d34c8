import { LEVELS, type AnswerEvaluation, type Level, type Question, type Quality, type RoleBank, type Skill } from './types.js';
import { DEFAULT_INTERVIEW_CONFIG, MAX_STORED_ANSWER, type AnswerRecord, type CompletionReason, type InterviewConfig, type InterviewSession } from './session.js';
import { nextSkill, pickQuestion } from './selection.js';

/** What the caller should do after a transition, as data. */
export type InterviewAction =
  | { type: 'ask'; question: Question }
  | { type: 'levelChanged'; from: Level; to: Level; reason: string }
  | { type: 'boundary'; skill: string; level: Level }
  | { type: 'complete'; reason: CompletionReason };

const QUALITY_SCORE: Record<Quality, number> = { excellent: 1, good: 0.75, fair: 0.5, poor: 0.25 };
const idx = (l: Level) => LEVELS.indexOf(l);
const at = (i: number): Level => LEVELS[Math.max(0, Math.min(LEVELS.length - 1, i))] as Level;

/** composite = 0.6 x accuracy + 0.3 x clarity + 0.1 x quality score. */
export function composite(e: Pick<AnswerEvaluation, 'technicalAccuracy' | 'clarity' | 'quality'>): number {
  return 0.6 * e.technicalAccuracy + 0.3 * e.clarity + 0.1 * QUALITY_SCORE[e.quality];
}

/**
 * Start an interview: the first warmup question of the first skill.
 *
 * @example
 * const [session, [ask]] = startInterview({ role: 'react', skills: bank.skills }, bank, Date.now());
 */
export function startInterview(plan: { role: string; skills: readonly Skill[] }, bank: RoleBank, now: number, config: InterviewConfig = DEFAULT_INTERVIEW_CONFIG): [InterviewSession, InterviewAction[]] {
  void config;
  const skills = plan.skills.map((s) => s.id);
  const session: InterviewSession = {
    version: 1,
    role: plan.role,
    status: 'in-progress',
    level: 'warmup',
    skills,
    coreSkills: plan.skills.filter((s) => s.core).map((s) => s.id),
    currentSkill: skills[0] as string,
    startedAt: now,
    askedQuestionIds: [],
    answers: [],
    phaseHistory: [{ level: 'warmup', atQuestion: 0, reason: 'start', at: now }],
    explored: {},
    boundaries: {},
  };
  return ask(session, bank, now, []);
}

/**
 * Record an evaluated answer and move on: adapt the level, note skill boundaries, then ask the
 * next question or complete. Pure; `now` is epoch ms.
 */
export function answerQuestion(
  session: InterviewSession,
  input: { evaluation: AnswerEvaluation; answerText: string; now: number },
  bank: RoleBank,
  config: InterviewConfig = DEFAULT_INTERVIEW_CONFIG,
): [InterviewSession, InterviewAction[]] {
  const pending = session.pending;
  if (session.status !== 'in-progress' || !pending) return [session, []];
  const record = toRecord(pending, input);
  const explored = { ...session.explored, [pending.skill]: unique([...(session.explored[pending.skill] ?? []), pending.level]) };
  let next: InterviewSession = { ...session, pending: undefined, answers: [...session.answers, record], explored };
  const [adapted, actions] = adapt(next, record, input.now, config);
  next = adapted;
  const done = completion(next, input.now, config);
  if (done) return [{ ...next, status: 'completed', completedAt: input.now, completionReason: done }, [...actions, { type: 'complete', reason: done }]];
  return ask(next, bank, input.now, actions);
}

/** Apply the difficulty rules to the latest answer. */
function adapt(s: InterviewSession, answer: AnswerRecord, now: number, config: InterviewConfig): [InterviewSession, InterviewAction[]] {
  const level = s.level;
  if (level === 'warmup') {
    const warmups = countSince(s, 'warmup');
    return warmups >= config.warmupQuestions ? changeLevel(s, 'fundamental', 'warmup complete', now, { keepSkill: false }) : [withSkill(s, { keepCurrent: false }), []];
  }
  const c = answer.composite;
  const before = s.answers.slice(0, -1).slice(-3).map((a) => a.composite);
  const last3 = s.answers.slice(-3).map((a) => a.composite);
  const atLevel = s.answers.filter((a) => a.level === level);
  const twoPoor = atLevel.length >= 2 && atLevel.slice(-2).every((a) => a.quality === 'poor') && s.answers.at(-2)?.level === level;
  const streak = s.answers.slice(-3);
  const threeExcellent = streak.length === 3 && streak.every((a) => a.quality === 'excellent');

  if ((c < 0.5 && before.some((x) => x < 0.55)) || twoPoor) {
    const reason = twoPoor ? 'two poor answers at this level' : `weak answer (${c.toFixed(2)}) after a shaky run`;
    const bounded: InterviewSession = { ...s, boundaries: { ...s.boundaries, [answer.skill]: { level, questionId: answer.questionId, at: now } } };
    const [lowered, actions] = changeLevel(bounded, at(idx(level) - 1), reason, now, { keepSkill: false });
    return [lowered, [{ type: 'boundary', skill: answer.skill, level }, ...actions]];
  }
  if (threeExcellent && idx(level) < LEVELS.length - 1) {
    // Skip rule: already two levels below a level reached by an earlier streak -> jump two.
    const peak = s.streakPeak ? idx(s.streakPeak) : -1;
    const to = at(idx(level) + (peak - idx(level) >= 2 ? 2 : 1));
    const [raised, actions] = changeLevel(s, to, 'three excellent answers in a row', now, { keepSkill: true });
    return [{ ...raised, streakPeak: at(Math.max(peak, idx(to))) }, actions];
  }
  if (c > 0.8 && last3.length === 3 && last3.every((x) => x > 0.75) && idx(level) < LEVELS.length - 1) {
    return changeLevel(s, at(idx(level) + 1), `strong answer (${c.toFixed(2)}) after a strong run`, now, { keepSkill: true });
  }
  return [withSkill(s, { keepCurrent: false }), []];
}

function changeLevel(s: InterviewSession, to: Level, reason: string, now: number, opts: { keepSkill: boolean }): [InterviewSession, InterviewAction[]] {
  if (to === s.level) return [withSkill(s, { keepCurrent: false }), []];
  const moved: InterviewSession = { ...s, level: to, phaseHistory: [...s.phaseHistory, { level: to, atQuestion: s.answers.length, reason, at: now }] };
  return [withSkill(moved, { keepCurrent: opts.keepSkill }), [{ type: 'levelChanged', from: s.level, to, reason }]];
}

function withSkill(s: InterviewSession, opts: { keepCurrent: boolean }): InterviewSession {
  return { ...s, currentSkill: nextSkill(s, opts) };
}

/** Answers given since the session last entered `level`. */
function countSince(s: InterviewSession, level: Level): number {
  const entered = [...s.phaseHistory].reverse().find((p) => p.level === level)?.atQuestion ?? 0;
  return s.answers.slice(entered).filter((a) => a.level === level).length;
}

/** Why the interview is complete now, or undefined while it should go on. */
export function completion(s: InterviewSession, now: number, config: InterviewConfig): CompletionReason | undefined {
  const asked = s.answers.length;
  if (asked >= config.maxQuestions) return 'max-questions';
  if (now - s.startedAt >= config.timeLimitMin * 60_000) return 'time-limit';
  const covered = s.coreSkills.every((skill) => s.boundaries[skill] || (s.explored[skill] ?? []).filter((l) => l !== 'warmup').length >= 2);
  return asked >= config.minQuestions && covered ? 'enough-evidence' : undefined;
}

function ask(s: InterviewSession, bank: RoleBank, now: number, actions: InterviewAction[]): [InterviewSession, InterviewAction[]] {
  const question = pickQuestion(bank, s.currentSkill, s.level, s.askedQuestionIds, Object.keys(s.boundaries));
  if (!question) {
    return [{ ...s, status: 'completed', completedAt: now, completionReason: 'max-questions' }, [...actions, { type: 'complete', reason: 'max-questions' }]];
  }
  const next: InterviewSession = {
    ...s,
    currentSkill: question.skill,
    pending: { questionId: question.id, skill: question.skill, level: question.level, askedAt: now },
    askedQuestionIds: [...s.askedQuestionIds, question.id],
  };
  return [next, [...actions, { type: 'ask', question }]];
}

function toRecord(pending: NonNullable<InterviewSession['pending']>, input: { evaluation: AnswerEvaluation; answerText: string; now: number }): AnswerRecord {
  const e = input.evaluation;
  return {
    questionId: pending.questionId,
    skill: pending.skill,
    level: pending.level,
    quality: e.quality,
    accuracy: e.technicalAccuracy,
    clarity: e.clarity,
    composite: composite(e),
    text: input.answerText.slice(0, MAX_STORED_ANSWER),
    askedAt: pending.askedAt,
    answeredAt: input.now,
    covered: e.coveredConcepts,
    missed: e.missedConcepts,
    redFlags: e.redFlags,
    unparseable: e.unparseable,
  };
}

/** True when the candidate has not answered the pending question for too long. */
export function isAbandoned(s: InterviewSession, now: number, config: InterviewConfig = DEFAULT_INTERVIEW_CONFIG): boolean {
  return s.status === 'in-progress' && s.pending !== undefined && now - s.pending.askedAt > config.abandonAfterMin * 60_000;
}

export function markAbandoned(s: InterviewSession): InterviewSession {
  return s.status === 'in-progress' ? { ...s, status: 'abandoned' } : s;
}

/** Continue after a break: the same pending question is asked again (not a new one). */
export function resumeInterview(s: InterviewSession, bank: RoleBank, now: number): [InterviewSession, InterviewAction[]] {
  const question = s.pending && bank.questions.find((q) => q.id === s.pending?.questionId);
  if (!s.pending || !question) return [{ ...s, status: 'in-progress' }, []];
  return [{ ...s, status: 'in-progress', pending: { ...s.pending, askedAt: now } }, [{ type: 'ask', question }]];
}

/** Start over with the same role. */
export function restartInterview(s: InterviewSession, bank: RoleBank, now: number, config: InterviewConfig = DEFAULT_INTERVIEW_CONFIG): [InterviewSession, InterviewAction[]] {
  return startInterview({ role: s.role, skills: bank.skills }, bank, now, config);
}

function unique<T>(xs: T[]): T[] {
  return [...new Set(xs)];
}
