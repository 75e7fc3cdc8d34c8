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
  level: LevelSchema,
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
  phaseHistory: z.array(z.object({ level: LevelSchema, atQuestion: z.number().int(), reason: z.string(), at: z.number() })),
  /** Levels each skill was asked at. */
  explored: z.record(z.string(), z.array(LevelSchema)),
  /** Where each skill's knowledge ran out, with the answer that showed it. */
  boundaries: z.record(z.string(), z.object({ level: LevelSchema, questionId: z.string(), at: z.number() })),
  /** Highest level reached through a streak of excellent answers (for the skip rule). */
  streakPeak: LevelSchema.optional(),
});
export type InterviewSession = z.infer<typeof InterviewSessionSchema>;
