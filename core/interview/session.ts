import { z } from 'zod';
import { LevelSchema, QualitySchema } from './types.js';

/** Tunables of the adaptive interview; every one has a default and an env setting. */
export interface InterviewConfig {
  warmupQuestions: number;
  minQuestions: number;
  maxQuestions: number;
  timeLimitMin: number;
  abandonAfterMin: number;
}

export const DEFAULT_INTERVIEW_CONFIG: InterviewConfig = {
  warmupQuestions: 2,
  minQuestions: 8,
  maxQuestions: 15,
  timeLimitMin: 45,
  abandonAfterMin: 30,
};

/** Longest answer text kept in the snapshot (evidence for the assessment). */
export const MAX_STORED_ANSWER = 2000;

export const AnswerRecordSchema = z.object({
  questionId: z.string(),
  skill: z.string(),
  level: LevelSchema,
  quality: QualitySchema,
  accuracy: z.number(),
  clarity: z.number(),
  composite: z.number(),
  text: z.string(),
  askedAt: z.number(),
  answeredAt: z.number(),
  covered: z.array(z.string()).default([]),
  missed: z.array(z.string()).default([]),
  redFlags: z.array(z.string()).default([]),
  unparseable: z.boolean().default(false),
  /** Messages the answer arrived in (split answers are coalesced before grading). */
  parts: z.number().int().positive().optional(),
});
export type AnswerRecord = z.infer<typeof AnswerRecordSchema>;

export const CompletionReasonSchema = z.enum(['enough-evidence', 'max-questions', 'time-limit']);
export type CompletionReason = z.infer<typeof CompletionReasonSchema>;

/**
 * The interview as a plain, versioned snapshot: stored with the conversation every turn, so a
 * restarted process resumes exactly here. Times are epoch milliseconds.
 */
export const InterviewSessionSchema = z.object({
  version: z.literal(1),
  role: z.string(),
  status: z.enum(['in-progress', 'completed', 'abandoned']),
  /** Level of the question asked last (each skill has its own level: `skillLevels`). */
  level: LevelSchema,
  /** The level each skill is probed at next; a skill missing here starts at fundamental. */
  skillLevels: z.record(z.string(), LevelSchema).default({}),
  skills: z.array(z.string()).min(1),
  coreSkills: z.array(z.string()),
  currentSkill: z.string(),
  startedAt: z.number(),
  completedAt: z.number().optional(),
  completionReason: CompletionReasonSchema.optional(),
  pending: z.object({ questionId: z.string(), skill: z.string(), level: LevelSchema, askedAt: z.number() }).optional(),
  askedQuestionIds: z.array(z.string()),
  answers: z.array(AnswerRecordSchema),
  /** Level changes: the level entered, at which answer count, and why. */
  phaseHistory: z.array(z.object({ level: LevelSchema, atQuestion: z.number().int(), reason: z.string(), at: z.number(), skill: z.string().optional() })),
  /** Levels each skill was asked at. */
  explored: z.record(z.string(), z.array(LevelSchema)),
  /** Where each skill's knowledge ran out, with the answer that showed it. */
  boundaries: z.record(z.string(), z.object({ level: LevelSchema, questionId: z.string(), at: z.number() })),
  /** Kept so snapshots written before per-skill levels still parse; no longer used. */
  streakPeak: LevelSchema.optional(),
  /**
   * An answer being collected: the candidate's messages since the pending question, graded as
   * one answer once they have been quiet for the configured period (`dueAt`).
   */
  draft: z.object({ parts: z.array(z.object({ text: z.string(), at: z.number() })).min(1), dueAt: z.number() }).optional(),
  /**
   * The interview waits for a recruiter (the bot asked for one): no question is asked until one
   * joins and hands back, or nobody does by `until` and the candidate chooses to continue.
   */
  hold: z.object({ reason: z.string(), at: z.number(), until: z.number(), expiredNoticeAt: z.number().optional() }).optional(),
});
export type InterviewSession = z.infer<typeof InterviewSessionSchema>;
