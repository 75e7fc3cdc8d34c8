import { z } from 'zod';
import { answerFlags, contradictionFlags, IntegrityFlagSchema, type IntegrityFlag } from './integrity.js';
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
 * The recruiter's summary of a finished interview. Skill score = 70% level-weighted answer
 * quality + 30% the highest level answered well; overall = mean over the role's core skills.
 */
export function buildAssessment(session: InterviewSession, bank: RoleBank): Assessment {
  const bySkill = groupBy(session.answers, (a) => a.skill);
  const skillScores: Record<string, number> = {};
  const levelReached: Record<string, Level | undefined> = {};
  for (const skill of session.skills) {
    const answers = bySkill.get(skill) ?? [];
    const reached = highestWellAnswered(answers);
    levelReached[skill] = reached;
    skillScores[skill] = answers.length === 0 ? 0 : Math.round(100 * (0.7 * weightedQuality(answers) + 0.3 * (reached ? (LEVELS.indexOf(reached) + 1) / LEVELS.length : 0)));
  }
  const scored = (session.coreSkills.length ? session.coreSkills : session.skills).filter((s) => bySkill.has(s));
  const overallScore = scored.length ? Math.round(scored.reduce((n, s) => n + (skillScores[s] ?? 0), 0) / scored.length) : 0;
  const flags = integrity(session, bank);
  const integrityScore = Math.max(0, Math.round(100 - flags.reduce((n, f) => n + SEVERITY[f.severity] * f.confidence, 0)));
  const recommendation = recommend(overallScore, integrityScore);
  const boundaries = Object.fromEntries(Object.entries(session.boundaries).map(([k, v]) => [k, v.level]));
  return {
    role: session.role,
    overallScore,
    skillScores,
    levelReached,
    boundaries,
    strengths: evidence(bySkill, skillScores, 'strength'),
    weaknesses: evidence(bySkill, skillScores, 'weakness', boundaries),
    integrityScore,
    integrityFlags: flags,
    recommendation,
    nextSteps: nextSteps(recommendation, boundaries, flags),
    questionsAsked: session.answers.length,
    durationMin: Math.round(((session.completedAt ?? session.answers.at(-1)?.answeredAt ?? session.startedAt) - session.startedAt) / 6000) / 10,
    ...(session.completionReason ? { completionReason: session.completionReason } : {}),
  };
}

function weightedQuality(answers: AnswerRecord[]): number {
  const w = answers.reduce((n, a) => n + LEVEL_WEIGHT[a.level], 0);
  return answers.reduce((n, a) => n + LEVEL_WEIGHT[a.level] * a.composite, 0) / w;
}

function highestWellAnswered(answers: AnswerRecord[]): Level | undefined {
  const good = answers.filter((a) => a.composite >= 0.6).map((a) => LEVELS.indexOf(a.level));
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

function evidence(bySkill: Map<string, AnswerRecord[]>, scores: Record<string, number>, kind: 'strength' | 'weakness', boundaries: Record<string, Level> = {}) {
  const out: z.infer<typeof EvidenceSchema>[] = [];
  for (const [skill, answers] of bySkill) {
    const score = scores[skill] ?? 0;
    const isStrength = kind === 'strength' && score >= 65;
    const isWeakness = kind === 'weakness' && (score < 50 || boundaries[skill] !== undefined);
    if (!isStrength && !isWeakness) continue;
    const pick = [...answers].sort((a, b) => (kind === 'strength' ? b.composite - a.composite : a.composite - b.composite))[0] as AnswerRecord;
    const summary =
      kind === 'strength'
        ? `${skill}: strong up to ${highestWellAnswered(answers) ?? pick.level} (score ${score})`
        : `${skill}: ${boundaries[skill] ? `knowledge runs out at ${boundaries[skill]}` : `weak answers (score ${score})`}`;
    out.push({ skill, summary, quote: excerpt(pick.text), concepts: kind === 'strength' ? pick.covered : pick.missed });
  }
  return out;
}

function excerpt(text: string, max = 200): string {
  const t = text.replace(/\s+/g, ' ').trim();
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
}

function recommend(overall: number, integrityScore: number): Assessment['recommendation'] {
  const base: Assessment['recommendation'] = overall >= 80 ? 'strong-yes' : overall >= 65 ? 'yes' : overall >= 45 ? 'maybe' : 'no';
  if (integrityScore < 50 && (base === 'strong-yes' || base === 'yes')) return 'maybe';
  return base;
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
