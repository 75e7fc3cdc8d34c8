import { z } from 'zod';

const list = z
  .string()
  .transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean))
  .optional();

/** Env settings for the adaptive interview and its evaluators. Documented in .env.example. */
export const interviewConfigShape = {
  /** Extra question-bank directories (comma-separated); a recruiter drops a role file there. */
  INTERVIEW_BANK_DIRS: list,
  INTERVIEW_MIN_QUESTIONS: z.coerce.number().int().min(1).max(50).default(8),
  INTERVIEW_MAX_QUESTIONS: z.coerce.number().int().min(1).max(100).default(15),
  INTERVIEW_TIME_LIMIT_MIN: z.coerce.number().positive().default(45),
  INTERVIEW_ABANDON_AFTER_MIN: z.coerce.number().positive().default(30),
  /** Messages within this many ms of each other are one answer, graded once quiet (0: each message). */
  INTERVIEW_ANSWER_QUIET_MS: z.coerce.number().int().min(0).max(60_000).default(3000),
  /** Minutes a paused interview waits for a recruiter before the candidate is offered to continue. */
  INTERVIEW_HUMAN_WAIT_MIN: z.coerce.number().positive().default(10),
  /** Enables the LLM evaluator (and voice transcription). Unset: the offline rubric evaluator. */
  OPENAI_API_KEY: z.string().min(1).optional(),
  OPENAI_BASE_URL: z.url({ error: 'expected an absolute URL such as https://api.openai.com/v1' }).default('https://api.openai.com/v1'),
  OPENAI_MODEL: z.string().min(1).default('gpt-4o-mini'),
  OPENAI_TIMEOUT_MS: z.coerce.number().int().positive().default(20_000),
  /** Per-interview LLM budget; past it the rubric evaluator takes over. */
  LLM_BUDGET_USD: z.coerce.number().positive().optional(),
  LLM_BUDGET_TOKENS: z.coerce.number().int().positive().optional(),
} satisfies z.ZodRawShape;
