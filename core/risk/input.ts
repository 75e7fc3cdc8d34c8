import { z } from 'zod';
import { ConversationModeSchema, StageSchema, ValidationError } from '../domain/index.js';

/** A point in time: epoch milliseconds or a Date; read as epoch milliseconds. */
const InstantSchema = z.union([z.number().finite(), z.date()]).transform((t) => (typeof t === 'number' ? t : t.getTime()));

/** Where the candidate's technical interview stands. */
export const INTERVIEW_STATUSES = ['none', 'in-progress', 'paused', 'abandoned', 'completed'] as const;
export type InterviewStatus = (typeof INTERVIEW_STATUSES)[number];

/**
 * Everything risk scoring looks at, as plain data (the jobs build it from the store). Time is
 * an argument (`now`); nothing here reads a clock.
 */
export const RiskInputSchema = z.object({
  stage: StageSchema,
  now: InstantSchema,
  /** When the candidate last wrote; absent if they never did. */
  lastCandidateMessageAt: InstantSchema.optional(),
  /** When the bot (or an operator) last wrote to them. */
  lastBotMessageAt: InstantSchema.optional(),
  /** Nudges and reminders sent since the candidate last wrote. */
  unansweredNudges: z.number().int().nonnegative().default(0),
  interview: z.enum(INTERVIEW_STATUSES).default('none'),
  /** Seconds the candidate took to answer each bot message, oldest first. */
  responseLatenciesSec: z.array(z.number().finite().nonnegative()).default([]),
  /** Interview answer composites 0..1, oldest first. */
  answerComposites: z.array(z.number().min(0).max(1)).default([]),
  /** The candidate's recent messages, newest last. */
  recentCandidateMessages: z.array(z.string()).default([]),
  /** A scheduled interview took place without them. */
  missedInterview: z.boolean().default(false),
  optedOut: z.boolean().default(false),
  mode: ConversationModeSchema.default('bot'),
});

/** What callers pass (times as epoch ms or Date, most fields optional). */
export type RiskInput = z.input<typeof RiskInputSchema>;
/** The input after parsing: defaults filled in, times as epoch ms. */
export type ParsedRiskInput = z.output<typeof RiskInputSchema>;

/**
 * Parses and normalises a risk input.
 *
 * @throws ValidationError listing each bad field.
 * @example
 * parseRiskInput({ stage: 'intake', now: new Date() }).unansweredNudges // 0
 */
export function parseRiskInput(input: RiskInput): ParsedRiskInput {
  const parsed = RiskInputSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(input)'}: ${i.message}`);
  throw new ValidationError(`invalid risk input: ${issues.join('; ')}`, issues);
}
