import { LEVELS, type AnswerEvaluation, type Level, type Question, type Quality, type RoleBank, type Skill } from './types.js';
import { DEFAULT_INTERVIEW_CONFIG, MAX_STORED_ANSWER, type AnswerRecord, type CompletionReason, type InterviewConfig, type InterviewSession } from './session.js';
import { nextSkill, pickQuestion } from './selection.js';

/** What the caller should do after a transition, as data. */
export type InterviewAction =
  | { type: 'ask'; question: Question }
  | { type: 'levelChanged'; skill?: string; from: Level; to: Level; reason: string }
  | { type: 'boundary'; skill: string; level: Level }
  | { type: 'complete'; reason: CompletionReason };

const QUALITY_SCORE: Record<Quality, number> = { excellent: 1, good: 0.75, fair: 0.5, poor: 0.25 };
const idx = (l: Level) => LEVELS.indexOf(l);
const at = (i: number): Level => LEVELS[Math.max(0, Math.min(LEVELS.length - 1, i))] as Level;

/** Composite at or above which an answer is strong (the skill moves up a level). */
export const STRONG_ANSWER = 0.7;
/** Composite below which (or a `poor` grade) an answer is weak (the skill's knowledge ran out). */
export const WEAK_ANSWER = 0.5;
/**
 * Technical accuracy below which an answer is weak however clearly it is written (a fluent wrong
 * answer still shows where knowledge runs out); a strong answer needs at least STRONG_ACCURACY.
 */
export const WEAK_ACCURACY = 0.4;
export const STRONG_ACCURACY = 0.6;

export type AnswerBand = 'strong' | 'middling' | 'weak';

/** How an answer moves its skill: up (strong), nowhere (middling) or to a boundary (weak). */
export function answerBand(a: Pick<AnswerRecord, 'composite' | 'quality' | 'accuracy'>): AnswerBand {
  if (a.quality === 'poor' || a.composite < WEAK_ANSWER || a.accuracy < WEAK_ACCURACY) return 'weak';
  return a.composite >= STRONG_ANSWER && a.accuracy >= STRONG_ACCURACY ? 'strong' : 'middling';
}

/** composite = 0.6 x accuracy + 0.3 x clarity + 0.1 x quality score. */
export function composite(e: Pick<AnswerEvaluation, 'technicalAccuracy' | 'clarity' | 'quality'>): number {
  return 0.6 * e.technicalAccuracy + 0.3 * e.clarity + 0.1 * QUALITY_SCORE[e.quality];
}

/** The level `skill` is probed at next: its own level, fundamental until it has one. */
export function skillLevel(s: Pick<InterviewSession, 'skillLevels'>, skill: string): Level {
  return s.skillLevels[skill] ?? 'fundamental';
}

/**
 * Start an interview: the first warmup question of the first skill.
 *
 * @example
 * const [session, [ask]] = startInterview({ role: 'react', skills: bank.skills }, bank, Date.now());
 */
export function startInterview(plan: { role: string; skills: readonly Skill[] }, bank: RoleBank, now: number, config: InterviewConfig = DEFAULT_INTERVIEW_CONFIG): [InterviewSession, InterviewAction[]] {
  const skills = plan.skills.map((s) => s.id);
  const session: InterviewSession = {
    version: 1,
    role: plan.role,
    status: 'in-progress',
    level: 'warmup',
    skillLevels: {},
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
  return ask(session, bank, now, [], config);
}

/**
 * Record an evaluated answer and move on: adapt the answered skill's level, note its boundary,
 * then ask the next question or complete. Pure; `now` is epoch ms.
 */
export function answerQuestion(
  session: InterviewSession,
  input: { evaluation: AnswerEvaluation; answerText: string; now: number; parts?: number },
  bank: RoleBank,
  config: InterviewConfig = DEFAULT_INTERVIEW_CONFIG,
): [InterviewSession, InterviewAction[]] {
  const pending = session.pending;
  if (session.status !== 'in-progress' || !pending) return [session, []];
  const record = toRecord(pending, input);
  const explored = { ...session.explored, [pending.skill]: unique([...(session.explored[pending.skill] ?? []), pending.level]) };
  const { draft: _answered, ...rest } = session;
  void _answered;
  const answered: InterviewSession = { ...rest, pending: undefined, answers: [...session.answers, record], explored };
  const [next, actions] = adapt(answered, record, input.now, config);
  const done = completion(next, input.now, config);
  if (done) return [{ ...next, status: 'completed', completedAt: input.now, completionReason: done }, [...actions, { type: 'complete', reason: done }]];
  return ask(next, bank, input.now, actions, config);
}

/** Warmup questions answered so far (warmup is one phase for the whole interview). */
function warmupsAnswered(s: InterviewSession): number {
  return s.answers.filter((a) => a.level === 'warmup').length;
}

function inWarmup(s: InterviewSession, config: InterviewConfig): boolean {
  return warmupsAnswered(s) < config.warmupQuestions;
}

/**
 * The difficulty rules, per skill: a strong answer moves its skill up one level and the next
 * question stays on that skill (until its boundary or expert); a weak one records the skill's
 * boundary at that level (the lowest level it failed at wins), lowers that skill one level and
 * moves to another skill; a middling one keeps the level and moves on. Other skills keep
 * their own levels.
 */
function adapt(s: InterviewSession, answer: AnswerRecord, now: number, config: InterviewConfig): [InterviewSession, InterviewAction[]] {
  if (answer.level === 'warmup') {
    const next = withSkill(s, { keepCurrent: false });
    if (inWarmup(s, config)) return [next, []];
    return [{ ...next, phaseHistory: [...s.phaseHistory, { level: 'fundamental', atQuestion: s.answers.length, reason: 'warmup complete', at: now }] }, []];
  }
  const skill = answer.skill;
  const level = answer.level;
  const band = answerBand(answer);
  const from = skillLevel(s, skill);
  if (band === 'weak') {
    const previous = s.boundaries[skill];
    const bounded: InterviewSession = previous && idx(previous.level) <= idx(level) ? s : { ...s, boundaries: { ...s.boundaries, [skill]: { level, questionId: answer.questionId, at: now } } };
    const to = at(Math.max(idx('fundamental'), idx(level) - 1));
    const reason = answer.quality === 'poor' ? 'poor answer' : `weak answer (${answer.composite.toFixed(2)})`;
    const [moved, actions] = setSkillLevel(bounded, skill, from, to, reason, now);
    const boundary: InterviewAction[] = bounded === s ? [] : [{ type: 'boundary', skill, level }];
    return [withSkill(moved, { keepCurrent: false }), [...boundary, ...actions]];
  }
  if (band === 'strong') {
    const ceiling = s.boundaries[skill] ? idx(s.boundaries[skill].level) - 1 : LEVELS.length - 1;
    const to = at(Math.min(ceiling, idx(level) + 1));
    if (idx(to) > idx(from)) {
      const [raised, actions] = setSkillLevel(s, skill, from, to, `strong answer (${answer.composite.toFixed(2)})`, now);
      return [withSkill(raised, { keepCurrent: true }), actions];
    }
  }
  return [withSkill(s, { keepCurrent: false }), []];
}

function setSkillLevel(s: InterviewSession, skill: string, from: Level, to: Level, reason: string, now: number): [InterviewSession, InterviewAction[]] {
  if (to === from) return [s, []];
  const moved: InterviewSession = {
    ...s,
    skillLevels: { ...s.skillLevels, [skill]: to },
    phaseHistory: [...s.phaseHistory, { level: to, skill, atQuestion: s.answers.length, reason, at: now }],
  };
  return [moved, [{ type: 'levelChanged', skill, from, to, reason }]];
}

function withSkill(s: InterviewSession, opts: { keepCurrent: boolean }): InterviewSession {
  return { ...s, currentSkill: nextSkill(s, opts) };
}

/** Why the interview is complete now, or undefined while it should go on. */
export function completion(s: InterviewSession, now: number, config: InterviewConfig): CompletionReason | undefined {
  const asked = s.answers.length;
  if (asked >= config.maxQuestions) return 'max-questions';
  if (now - s.startedAt >= config.timeLimitMin * 60_000) return 'time-limit';
  const covered = s.coreSkills.every((skill) => s.boundaries[skill] || (s.explored[skill] ?? []).filter((l) => l !== 'warmup').length >= 2);
  return asked >= config.minQuestions && covered ? 'enough-evidence' : undefined;
}

function ask(s: InterviewSession, bank: RoleBank, now: number, actions: InterviewAction[], config: InterviewConfig): [InterviewSession, InterviewAction[]] {
  const level = inWarmup(s, config) ? 'warmup' : skillLevel(s, s.currentSkill);
  const question = pickQuestion(bank, s.currentSkill, level, s.askedQuestionIds, Object.keys(s.boundaries), s.answers, s.skillLevels);
  if (!question) {
    return [{ ...s, status: 'completed', completedAt: now, completionReason: 'max-questions' }, [...actions, { type: 'complete', reason: 'max-questions' }]];
  }
  const next: InterviewSession = {
    ...s,
    level: question.level,
    currentSkill: question.skill,
    pending: { questionId: question.id, skill: question.skill, level: question.level, askedAt: now },
    askedQuestionIds: [...s.askedQuestionIds, question.id],
  };
  return [next, [...actions, { type: 'ask', question }]];
}

function toRecord(pending: NonNullable<InterviewSession['pending']>, input: { evaluation: AnswerEvaluation; answerText: string; now: number; parts?: number }): AnswerRecord {
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
    ...(input.parts && input.parts > 1 ? { parts: input.parts } : {}),
  };
}

/**
 * The one abandonment rule (the interview middleware and the abandonment job both use it): the
 * pending question has gone unanswered for longer than `abandonAfterMin`, and the interview is
 * not waiting for a recruiter (`hold`).
 */
export function isAbandoned(s: InterviewSession, now: number, config: Pick<InterviewConfig, 'abandonAfterMin'> = DEFAULT_INTERVIEW_CONFIG): boolean {
  return s.status === 'in-progress' && s.pending !== undefined && s.hold === undefined && now - s.pending.askedAt > config.abandonAfterMin * 60_000;
}

export function markAbandoned(s: InterviewSession): InterviewSession {
  return s.status === 'in-progress' ? { ...s, status: 'abandoned' } : s;
}

/** Continue after a break: the same pending question is asked again (not a new one). */
export function resumeInterview(s: InterviewSession, bank: RoleBank, now: number): [InterviewSession, InterviewAction[]] {
  const { hold: _hold, ...rest } = s;
  void _hold;
  const question = s.pending && bank.questions.find((q) => q.id === s.pending?.questionId);
  if (!s.pending || !question) return [{ ...rest, status: 'in-progress' }, []];
  return [{ ...rest, status: 'in-progress', pending: { ...s.pending, askedAt: now } }, [{ type: 'ask', question }]];
}

/** Start over with the same role. */
export function restartInterview(s: InterviewSession, bank: RoleBank, now: number, config: InterviewConfig = DEFAULT_INTERVIEW_CONFIG): [InterviewSession, InterviewAction[]] {
  return startInterview({ role: s.role, skills: bank.skills }, bank, now, config);
}

function unique<T>(xs: T[]): T[] {
  return [...new Set(xs)];
}
