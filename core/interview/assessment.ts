import { z } from 'zod';
import { answerFlags, contradictionFlags, IntegrityFlagSchema, type IntegrityFlag } from './integrity.js';
import { answerBand } from './machine.js';
import type { AnswerRecord, InterviewSession } from './session.js';
import { LEVELS, LevelSchema, type Level, type RoleBank } from './types.js';

const EvidenceSchema = z.object({ skill: z.string(), summary: z.string(), quote: z.string(), concepts: z.array(z.string()) });

export const AssessmentSchema = z.object({
  role: z.string(),
  overallScore: z.number().int().min(0).max(100),
  skillScores: z.record(z.string(), z.number().int().min(0).max(100)),
  /** Highest level each skill was answered well at, and where knowledge ran out. */
  levelReached: z.record(z.string(), LevelSchema.optional()),
  boundaries: z.record(z.string(), LevelSchema),
  strengths: z.array(EvidenceSchema),
  weaknesses: z.array(EvidenceSchema),
  integrityScore: z.number().int().min(0).max(100),
  integrityFlags: z.array(IntegrityFlagSchema),
  recommendation: z.enum(['strong-yes', 'yes', 'maybe', 'no']),
  /** Why the recommendation is what it is, in plain words (shown with it). */
  recommendationReasons: z.array(z.string()).default([]),
  nextSteps: z.array(z.string()),
  questionsAsked: z.number().int(),
  durationMin: z.number(),
  completionReason: z.string().optional(),
});
export type Assessment = z.infer<typeof AssessmentSchema>;

/** Harder questions weigh more. */
const LEVEL_WEIGHT: Record<Level, number> = { warmup: 0.5, fundamental: 1, intermediate: 1.5, advanced: 2, expert: 2.5 };
const SEVERITY: Record<IntegrityFlag['severity'], number> = { low: 5, medium: 15, high: 30 };

/**
 * Recommendation thresholds on the overall score. A skill score is the level-weighted mean
 * answer composite x 100, so they sit on the answer bands: `yes` from 70 (the average answer is
 * strong, see STRONG_ANSWER), `no` below 50 (the average answer is weak), `maybe` between.
 */
export const RECOMMENDATION_THRESHOLDS = { strongYes: 85, yes: 70, maybe: 50 } as const;
/** Below this integrity score the flags are worth a conversation: at most `yes`, never lower. */
const INTEGRITY_REVIEW_BELOW = 50;

/**
 * The score of a set of answers, 0..100: the level-weighted mean of their composites. The one
 * definition used for every skill score and (over all core skills' answers) the overall score,
 * so the figures a recruiter sees agree with each other.
 *
 * @example
 * answerScore([{ level: 'fundamental', composite: 0.8 }, { level: 'advanced', composite: 0.5 }]) // 60
 */
export function answerScore(answers: readonly Pick<AnswerRecord, 'level' | 'composite'>[]): number {
  const w = answers.reduce((n, a) => n + LEVEL_WEIGHT[a.level], 0);
  return w === 0 ? 0 : Math.round((100 * answers.reduce((n, a) => n + LEVEL_WEIGHT[a.level] * a.composite, 0)) / w);
}

/**
 * The overall score: the mean of the core skills' scores (those asked about), so it can be read
 * off the skill scores shown next to it, and every core skill weighs the same however many
 * questions it got.
 */
export function overallOf(skillScores: Readonly<Record<string, number>>, skills: readonly string[]): number {
  return skills.length ? Math.round(skills.reduce((n, s) => n + (skillScores[s] ?? 0), 0) / skills.length) : 0;
}

/**
 * The recruiter's summary of a finished interview. One score definition: a skill's score is
 * `answerScore` over its answers, the overall score the mean of the core skills' scores. The level reached in a skill is the highest level answered strongly below
 * that skill's boundary: a candidate who failed the fundamental question of a skill reached
 * nothing in it, whatever else they said.
 */
export function buildAssessment(session: InterviewSession, bank: RoleBank): Assessment {
  const bySkill = groupBy(session.answers, (a) => a.skill);
  const boundaries = Object.fromEntries(Object.entries(session.boundaries).map(([k, v]) => [k, v.level])) as Record<string, Level>;
  const skillScores: Record<string, number> = {};
  const levelReached: Record<string, Level | undefined> = {};
  for (const skill of session.skills) {
    const answers = bySkill.get(skill) ?? [];
    levelReached[skill] = highestWellAnswered(answers, boundaries[skill]);
    skillScores[skill] = answerScore(answers);
  }
  const core = session.coreSkills.length ? session.coreSkills : session.skills;
  const overallScore = overallOf(skillScores, core.filter((s) => bySkill.has(s)));
  const flags = integrity(session, bank);
  const integrityScore = Math.max(0, Math.round(100 - flags.reduce((n, f) => n + SEVERITY[f.severity] * f.confidence, 0)));
  const { recommendation, reasons } = recommend(overallScore, integrityScore, core, boundaries, bank);
  return {
    role: session.role,
    overallScore,
    skillScores,
    levelReached,
    boundaries,
    strengths: evidence(bySkill, skillScores, 'strength', boundaries),
    weaknesses: evidence(bySkill, skillScores, 'weakness', boundaries),
    integrityScore,
    integrityFlags: flags,
    recommendation,
    recommendationReasons: reasons,
    nextSteps: nextSteps(recommendation, boundaries, flags),
    questionsAsked: session.answers.length,
    durationMin: Math.round(((session.completedAt ?? session.answers.at(-1)?.answeredAt ?? session.startedAt) - session.startedAt) / 6000) / 10,
    ...(session.completionReason ? { completionReason: session.completionReason } : {}),
  };
}

/** Highest level answered strongly, below the skill's boundary when it has one. */
function highestWellAnswered(answers: readonly AnswerRecord[], boundary?: Level): Level | undefined {
  const cap = boundary ? LEVELS.indexOf(boundary) : LEVELS.length;
  const good = answers.filter((a) => a.level !== 'warmup' && answerBand(a) === 'strong').map((a) => LEVELS.indexOf(a.level)).filter((i) => i < cap);
  return good.length ? LEVELS[Math.max(...good)] : undefined;
}

function integrity(session: InterviewSession, bank: RoleBank): IntegrityFlag[] {
  const questions = new Map(bank.questions.map((q) => [q.id, q]));
  const perAnswer = session.answers.flatMap((a) => {
    const q = questions.get(a.questionId);
    return q ? answerFlags(a, q) : [];
  });
  return [...perAnswer, ...contradictionFlags(session.answers)];
}

function evidence(bySkill: Map<string, AnswerRecord[]>, scores: Record<string, number>, kind: 'strength' | 'weakness', boundaries: Record<string, Level>) {
  const out: z.infer<typeof EvidenceSchema>[] = [];
  for (const [skill, answers] of bySkill) {
    const score = scores[skill] ?? 0;
    const reached = highestWellAnswered(answers, boundaries[skill]);
    const isStrength = kind === 'strength' && score >= RECOMMENDATION_THRESHOLDS.yes && reached !== undefined;
    const isWeakness = kind === 'weakness' && (score < RECOMMENDATION_THRESHOLDS.maybe || boundaries[skill] !== undefined);
    if (!isStrength && !isWeakness) continue;
    const pick = [...answers].sort((a, b) => (kind === 'strength' ? b.composite - a.composite : a.composite - b.composite))[0] as AnswerRecord;
    const summary =
      kind === 'strength'
        ? `${skill}: strong up to ${reached} (score ${score})`
        : `${skill}: ${boundaries[skill] ? `knowledge runs out at ${boundaries[skill]}` : `weak answers (score ${score})`}`;
    out.push({ skill, summary, quote: excerpt(pick.text), concepts: kind === 'strength' ? pick.covered : pick.missed });
  }
  return out;
}

function excerpt(text: string, max = 200): string {
  const t = text.replace(/\s+/g, ' ').trim();
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
}

/**
 * The recommendation and why. Score bands decide; a core skill that failed at fundamental
 * keeps a candidate from `strong-yes`; integrity flags are evidence for a human and can only
 * take `strong-yes` down to `yes` (they are raised in the next steps), never lower on their own.
 */
function recommend(overall: number, integrityScore: number, core: readonly string[], boundaries: Record<string, Level>, bank: RoleBank): { recommendation: Assessment['recommendation']; reasons: string[] } {
  const t = RECOMMENDATION_THRESHOLDS;
  const reasons: string[] = [];
  let rec: Assessment['recommendation'] = overall >= t.strongYes ? 'strong-yes' : overall >= t.yes ? 'yes' : overall >= t.maybe ? 'maybe' : 'no';
  reasons.push(
    rec === 'no' ? `Overall score ${overall}/100 is below ${t.maybe}: most answers were weak.`
      : rec === 'maybe' ? `Overall score ${overall}/100 is between ${t.maybe} and ${t.yes}: a mix of strong and weak answers.`
        : `Overall score ${overall}/100 (${rec === 'strong-yes' ? `${t.strongYes} or more` : `${t.yes} or more`}).`,
  );
  const name = (id: string) => bank.skills.find((s) => s.id === id)?.name ?? id;
  const failedBasics = core.filter((s) => boundaries[s] === 'fundamental' || boundaries[s] === 'warmup');
  if (failedBasics.length) {
    reasons.push(`Fundamental questions missed in: ${failedBasics.map(name).join(', ')}.`);
    if (rec === 'strong-yes') rec = 'yes';
  }
  if (integrityScore < INTEGRITY_REVIEW_BELOW) {
    reasons.push(`Integrity flags (score ${integrityScore}/100) are worth asking about; they are evidence, not a verdict.`);
    if (rec === 'strong-yes') rec = 'yes';
  }
  return { recommendation: rec, reasons };
}

function nextSteps(rec: Assessment['recommendation'], boundaries: Record<string, Level>, flags: IntegrityFlag[]): string[] {
  const steps: string[] = [];
  if (rec === 'strong-yes') steps.push('Invite to the team interview soon: strong across the core skills.');
  if (rec === 'yes') steps.push('Invite to a technical interview with the team.');
  if (rec === 'maybe') steps.push('Review the transcript before deciding; consider a short follow-up call.');
  if (rec === 'no') steps.push('Not a match for this role at this time; consider a more junior role if one is open.');
  const bounded = Object.entries(boundaries).map(([s, l]) => `${s} (${l})`);
  if (bounded.length) steps.push(`Probe these skills in the next round: ${bounded.join(', ')}.`);
  if (flags.some((f) => f.severity !== 'low')) steps.push('Some answers carry integrity flags: ask about them in a live conversation before concluding anything.');
  return steps;
}

function groupBy<T>(xs: readonly T[], key: (x: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const x of xs) m.set(key(x), [...(m.get(key(x)) ?? []), x]);
  return m;
}
