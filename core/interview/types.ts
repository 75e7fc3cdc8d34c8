import { z } from 'zod';

/** Interview levels in order; difficulty moves one step at a time (see machine). */
export const LEVELS = ['warmup', 'fundamental', 'intermediate', 'advanced', 'expert'] as const;
export const LevelSchema = z.enum(LEVELS);
export type Level = z.infer<typeof LevelSchema>;

export const QUALITIES = ['excellent', 'good', 'fair', 'poor'] as const;
export const QualitySchema = z.enum(QUALITIES);
export type Quality = z.infer<typeof QualitySchema>;

/** A concept a good answer mentions; any synonym counts. */
export const KeyConceptSchema = z.object({
  concept: z.string().min(1),
  synonyms: z.array(z.string().min(1)).default([]),
  weight: z.number().positive().default(1),
});

export const RubricSchema = z.object({
  keyConcepts: z.array(KeyConceptSchema).min(1),
  /** Points a strong answer makes (shown to recruiters and the LLM evaluator). */
  strongAnswerPoints: z.array(z.string().min(1)).min(1),
  /** Common misconceptions: saying these is a red flag. */
  redFlags: z.array(z.string().min(1)).default([]),
});
export type Rubric = z.infer<typeof RubricSchema>;

export const QuestionSchema = z.object({
  id: z.string().min(1),
  skill: z.string().min(1),
  level: LevelSchema,
  text: z.string().min(10),
  /**
   * The question in other languages, by language code (`es`, `pt`, `fr`, `de`): asked to a
   * candidate who writes in that language. Grading stays on the English rubric and reference.
   */
  translations: z.record(z.string().regex(/^[a-z]{2}$/), z.string().min(10)).optional(),
  rubric: RubricSchema,
  /**
   * A model answer written by the bank's author: what a careful human grader would accept as
   * complete. Graders (offline and LLM) compare answers with it.
   */
  referenceAnswer: z.string().min(1).optional(),
  /** Seconds a candidate needs to read the question and think before answering. */
  readingTimeSec: z.number().int().positive(),
});
export type Question = z.infer<typeof QuestionSchema>;

/** What an evaluator says of one answer. */
export const AnswerEvaluationSchema = z.object({
  quality: QualitySchema,
  technicalAccuracy: z.number().min(0).max(1),
  clarity: z.number().min(0).max(1),
  skills: z.array(z.string()),
  /** Concepts the answer covered / missed, misconceptions it showed (evidence for the assessment). */
  coveredConcepts: z.array(z.string()).default([]),
  missedConcepts: z.array(z.string()).default([]),
  redFlags: z.array(z.string()).default([]),
  /** The answer could not be read as an answer at all (gibberish, off-topic). */
  unparseable: z.boolean().default(false),
  rationale: z.string().optional(),
});
export type AnswerEvaluation = z.infer<typeof AnswerEvaluationSchema>;

export const SkillSchema = z.object({
  id: z.string().regex(/^[a-z0-9-]+$/, 'lowercase letters, digits and dashes'),
  name: z.string().min(1),
  /** Core skills must each be explored (or bounded) before the interview can complete. */
  core: z.boolean().default(true),
});
export type Skill = z.infer<typeof SkillSchema>;

/** One role's question bank, as loaded from a data file in `bots/interviewer/banks/`. */
export const RoleBankSchema = z.object({
  role: z.string().regex(/^[a-z0-9-]+$/, 'lowercase letters, digits and dashes'),
  title: z.string().min(1),
  description: z.string().default(''),
  skills: z.array(SkillSchema).min(1),
  questions: z.array(QuestionSchema).min(1),
});
export type RoleBank = z.infer<typeof RoleBankSchema>;
